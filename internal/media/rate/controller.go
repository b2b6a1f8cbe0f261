package rate

import (
	"math"
	"time"
)

// tier is a picture size and frame rate, used while at least min bits/s are available.
type tier struct {
	min   int
	scale int
	fps   int
}

// The tiers aim at roughly 0.05 bits per pixel, below which VP8 turns to blocks. Camera 640×480@30 is 9.2
// Mpixel/s, so it needs ~450 kbit/s; halved (320×240@30) ~115 kbit/s, so 200 kbit/s leaves margin while the
// full size would be mush; motion matters less than detail in a face, but under ~200 kbit/s halving the frame
// rate buys each frame twice the bits; below ~120 kbit/s only a thumbnail is left.
//
// A shared screen is mostly still and is read, not watched: keep every pixel as long as possible and give up
// frame rate first (15 → 8 → 5 fps still follows a pointer or a scrolled page), and halve the size only
// when even 5 fps of full-size 1080p (~0.02 bits per pixel at 250 kbit/s, enough for static text) fails.
var tiers = map[Source][]tier{
	Camera: {
		{min: 450_000, scale: 1, fps: 30},
		{min: 200_000, scale: 2, fps: 30},
		{min: 120_000, scale: 2, fps: 15},
		{min: 0, scale: 4, fps: 15},
	},
	Screen: {
		{min: 700_000, scale: 1, fps: 15},
		{min: 400_000, scale: 1, fps: 8},
		{min: 250_000, scale: 1, fps: 5},
		{min: 0, scale: 2, fps: 5},
	},
}

var initial = map[Source]int{
	// A typical link carries this at once, and GCC corrects it within a second or two either way.
	Camera: 800_000,
	Screen: 1_200_000,
}

const (
	// decreaseEvery: a falling estimate means queues are building; react within a few RTCP reports, but do
	// not reconfigure the encoder on every one of GCC's ~100 ms updates.
	decreaseEvery = 200 * time.Millisecond
	// increaseEvery: GCC itself probes upward slowly; reconfiguring faster would only chase its noise.
	increaseEvery = time.Second
	// minIncreasePercent, minDecreasePercent: smaller steps are estimate noise, not worth a reconfiguration.
	minIncreasePercent = 10
	minDecreasePercent = 5
	// upMarginPercent and upHold: a larger picture or frame rate costs a visible jump and a worse picture
	// if we have to drop back, so go up only with room to spare, held long enough to be no passing peak.
	// Going down needs no margin: the estimate already says frames are queueing.
	upMarginPercent = 20
	upHold          = 3 * time.Second
	maxSamples      = 64
)

// Controller decides one source's Setting from the lowest estimate among the peers.
type Controller struct {
	src        Source
	cur        Setting
	tier       int
	lastChange time.Time // zero until the first change: the first estimate applies at once
	upSince    time.Time // when available first cleared a higher tier's margin; zero if it does not now
	// An increase goes only as far as the estimate has held — over the last second, or since upSince for a
	// larger picture — so an estimate swinging up and down does not drag the encoder along every second.
	recent   []sample
	lowestUp int
}

type sample struct {
	at  time.Time
	bps int
}

// NewController starts a source at its initial setting.
func NewController(s Source) *Controller {
	if _, ok := tiers[s]; !ok {
		s = Camera
	}
	c := &Controller{src: s, lowestUp: math.MaxInt}
	c.tier = c.tierFor(initial[s], 0)
	t := tiers[s][c.tier]
	c.cur = Setting{Bitrate: initial[s], Scale: t.scale, FPS: t.fps}
	return c
}

// Current is the setting now.
func (c *Controller) Current() Setting { return c.cur }

// Update takes the available bits/s for this source now; it returns the new setting and true when the encoder
// should change (at most about once a second, and not for small changes).
//
// Decreases (of 5 % or more) apply at once, though not more often than every 200 ms; increases at most once a
// second, by 10 % or more, and only to the lowest estimate of the last second; a larger picture or frame rate
// only after the estimate has cleared that tier by 20 % for 3 s.
func (c *Controller) Update(available int, now time.Time) (Setting, bool) {
	if available <= 0 {
		return c.cur, false // no estimate yet
	}
	target := limits[c.src].clamp(available)
	c.lowestUp = min(c.lowestUp, available)
	held := c.held(available, now)
	since := now.Sub(c.lastChange)
	first := c.lastChange.IsZero()

	// A lower tier as soon as the estimate falls under this one's floor.
	if down := c.tierFor(available, 0); down > c.tier {
		c.upSince = time.Time{}
		if first || since >= decreaseEvery {
			return c.set(target, down, now), true
		}
		return c.cur, false
	}

	up := c.tierFor(available, upMarginPercent)
	if up < c.tier {
		if c.upSince.IsZero() {
			c.upSince, c.lowestUp = now, available
		}
	} else {
		c.upSince = time.Time{}
	}

	switch {
	case target < c.cur.Bitrate:
		if target*100 > c.cur.Bitrate*(100-minDecreasePercent) || !(first || since >= decreaseEvery) {
			return c.cur, false
		}
		return c.set(target, c.tier, now), true
	case first || since >= increaseEvery:
		if up < c.tier && now.Sub(c.upSince) >= upHold {
			return c.set(limits[c.src].clamp(c.lowestUp), c.tierFor(c.lowestUp, upMarginPercent), now), true
		}
		if held*100 >= c.cur.Bitrate*(100+minIncreasePercent) {
			return c.set(held, c.tier, now), true
		}
	}
	return c.cur, false
}

func (c *Controller) set(bitrate, tier int, now time.Time) Setting {
	if tier != c.tier {
		c.upSince = time.Time{}
	}
	c.tier = tier
	t := tiers[c.src][tier]
	c.cur = Setting{Bitrate: bitrate, Scale: t.scale, FPS: t.fps}
	c.lastChange = now
	return c.cur
}

// held records an estimate and returns the lowest of the last second, clamped.
func (c *Controller) held(available int, now time.Time) int {
	keep := c.recent[:0]
	for _, s := range c.recent {
		if now.Sub(s.at) < increaseEvery {
			keep = append(keep, s)
		}
	}
	if len(keep) >= maxSamples {
		keep = append(keep[:0], keep[1:]...) // a caller far faster than GCC's ~10/s: the newest suffice
	}
	c.recent = append(keep, sample{at: now, bps: available})
	lowest := available
	for _, s := range c.recent {
		lowest = min(lowest, s.bps)
	}
	return limits[c.src].clamp(lowest)
}

// tierFor is the best tier whose floor, raised by marginPercent, bps reaches.
func (c *Controller) tierFor(bps, marginPercent int) int {
	ts := tiers[c.src]
	for i, t := range ts {
		if bps*100 >= t.min*(100+marginPercent) {
			return i
		}
	}
	return len(ts) - 1
}
