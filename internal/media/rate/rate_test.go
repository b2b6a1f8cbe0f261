package rate

import (
	"testing"
	"time"
)

func TestSplitCameraOnly(t *testing.T) {
	for _, tc := range []struct{ estimate, camera int }{
		{1_000_000, 960_000},
		{5_000_000, 1_500_000}, // capped
		{120_000, 100_000},     // floor
		{0, 100_000},
		{-5, 100_000},
	} {
		c, s := Split(tc.estimate, false)
		if c != tc.camera || s != 0 {
			t.Errorf("Split(%d, false) = %d, %d; want %d, 0", tc.estimate, c, s, tc.camera)
		}
	}
}

func TestSplitSharing(t *testing.T) {
	for _, tc := range []struct{ estimate, camera, screen int }{
		{2_040_000, 800_000, 1_200_000},    // 40/60
		{10_000_000, 1_500_000, 2_500_000}, // both capped
		{4_540_000, 1_500_000, 2_500_000},  // the screen's excess goes to the camera, then caps
		{3_040_000, 1_200_000, 1_800_000},
		{200_000, 100_000, 150_000}, // floors
	} {
		c, s := Split(tc.estimate, true)
		if c != tc.camera || s != tc.screen {
			t.Errorf("Split(%d, true) = %d, %d; want %d, %d", tc.estimate, c, s, tc.camera, tc.screen)
		}
		if s < c && tc.estimate > 500_000 {
			t.Errorf("Split(%d, true): the screen gets less than the camera", tc.estimate)
		}
	}
}

var t0 = time.Unix(1_700_000_000, 0)

func at(ms int) time.Time { return t0.Add(time.Duration(ms) * time.Millisecond) }

func TestControllerInitial(t *testing.T) {
	if got := NewController(Camera).Current(); got != (Setting{Bitrate: 800_000, Scale: 1, FPS: 30}) {
		t.Errorf("camera starts at %+v", got)
	}
	if got := NewController(Screen).Current(); got != (Setting{Bitrate: 1_200_000, Scale: 1, FPS: 15}) {
		t.Errorf("screen starts at %+v", got)
	}
}

func TestControllerDecreasesFastIncreasesSlowly(t *testing.T) {
	c := NewController(Camera)
	if s, ok := c.Update(700_000, at(0)); !ok || s.Bitrate != 700_000 {
		t.Fatalf("first estimate: %+v %v, want it applied at once", s, ok)
	}
	if _, ok := c.Update(600_000, at(100)); ok {
		t.Error("a decrease 100 ms after a change applied: at most one per 200 ms")
	}
	if s, ok := c.Update(600_000, at(200)); !ok || s.Bitrate != 600_000 {
		t.Errorf("a decrease 200 ms after a change: %+v %v", s, ok)
	}
	if _, ok := c.Update(590_000, at(600)); ok {
		t.Error("a 2 % decrease applied: noise")
	}
	if _, ok := c.Update(900_000, at(900)); ok {
		t.Error("an increase 700 ms after a change applied: at most one a second")
	}
	if _, ok := c.Update(900_000, at(1200)); ok {
		t.Error("an increase to more than the estimate held for the last second (590 kbit/s at 600 ms)")
	}
	if s, ok := c.Update(900_000, at(1700)); !ok || s.Bitrate != 900_000 {
		t.Errorf("an increase held for a second, a second after a change: %+v %v", s, ok)
	}
	if _, ok := c.Update(960_000, at(2800)); ok {
		t.Error("a 7 % increase applied: under 10 %")
	}
	c.Update(5_000_000, at(3000))
	if s, ok := c.Update(5_000_000, at(4000)); !ok || s.Bitrate != 1_500_000 {
		t.Errorf("a large estimate: %+v %v, want the 1.5 Mbit/s cap", s, ok)
	}
	if s, ok := c.Update(10_000, at(4200)); !ok || s.Bitrate != 100_000 || s.Scale != 4 {
		t.Errorf("a tiny estimate: %+v %v, want the 100 kbit/s floor at scale 4", s, ok)
	}
	if _, ok := c.Update(0, at(9000)); ok {
		t.Error("no estimate changed the setting")
	}
}

// run feeds an estimate every 100 ms (GCC's pace) and returns the settings the encoder was given.
func run(c *Controller, from, to int, estimate func(ms int) int) []Setting {
	var changes []Setting
	for ms := from; ms < to; ms += 100 {
		if s, ok := c.Update(estimate(ms), at(ms)); ok {
			changes = append(changes, s)
		}
	}
	return changes
}

func TestControllerCameraTiers(t *testing.T) {
	c := NewController(Camera)
	for _, tc := range []struct {
		bps          int
		scale, fps   int
		afterSeconds int
	}{
		{600_000, 1, 30, 0},
		{400_000, 2, 30, 0},
		{150_000, 2, 15, 0},
		{100_000, 4, 15, 0},
		{2_000_000, 1, 30, 4}, // straight back up to the best tier it clears, after the hold
	} {
		start := int(c.lastChange.Sub(t0)/time.Millisecond) + 1000
		run(c, start, start+tc.afterSeconds*1000+1000, func(int) int { return tc.bps })
		if s := c.Current(); s.Scale != tc.scale || s.FPS != tc.fps {
			t.Errorf("at %d bit/s: %+v, want scale %d at %d fps", tc.bps, s, tc.scale, tc.fps)
		}
	}
}

func TestControllerScreenLowersFrameRateFirst(t *testing.T) {
	c := NewController(Screen)
	for _, tc := range []struct{ bps, scale, fps int }{
		{600_000, 1, 8},
		{300_000, 1, 5},
		{200_000, 2, 5},
	} {
		start := int(c.lastChange.Sub(t0)/time.Millisecond) + 1000
		run(c, start, start+1000, func(int) int { return tc.bps })
		if s := c.Current(); s.Scale != tc.scale || s.FPS != tc.fps {
			t.Errorf("at %d bit/s: %+v, want scale %d at %d fps", tc.bps, s, tc.scale, tc.fps)
		}
	}
}

func TestControllerNoFlapping(t *testing.T) {
	c := NewController(Camera)
	// The estimate swings ±10 % around the 450 kbit/s threshold every 300 ms for a minute.
	changes := run(c, 0, 60_000, func(ms int) int {
		if ms/300%2 == 0 {
			return 495_000
		}
		return 405_000
	})
	tierChanges := 0
	prev := Setting{Scale: 1, FPS: 30}
	for _, s := range changes {
		if s.Scale != prev.Scale || s.FPS != prev.FPS {
			tierChanges++
		}
		prev = s
	}
	if tierChanges != 1 {
		t.Errorf("%d picture changes in a minute of an estimate oscillating around a threshold, want 1 (down)",
			tierChanges)
	}
	if len(changes) > 61 {
		t.Errorf("%d encoder changes in a minute: more than about one a second", len(changes))
	}
}

func TestControllerUpNeedsMarginAndHold(t *testing.T) {
	c := NewController(Camera)
	c.Update(300_000, at(0)) // scale 2
	// 10 % over the threshold for ever: not enough margin.
	run(c, 1000, 20_000, func(int) int { return 495_000 })
	if s := c.Current(); s.Scale != 2 {
		t.Fatalf("went up with a 10 %% margin: %+v", s)
	}
	// 30 % over, but dipping every 2 s: never held for 3 s.
	run(c, 20_000, 40_000, func(ms int) int {
		if ms%2000 == 0 {
			return 400_000
		}
		return 585_000
	})
	if s := c.Current(); s.Scale != 2 {
		t.Fatalf("went up without holding the margin for 3 s: %+v", s)
	}
	changes := run(c, 40_000, 44_000, func(int) int { return 585_000 })
	if s := c.Current(); s.Scale != 1 || len(changes) == 0 {
		t.Fatalf("held 30 %% over for 4 s and stayed at %+v", s)
	}
}
