package signal

import "time"

// Limit is a token bucket's shape: Burst tokens at most, refilled at PerSecond. The zero Limit is unlimited.
type Limit struct {
	Burst     float64
	PerSecond float64
}

// Limits are the per-socket request budgets (docs/PROTOCOL.md, "Limits").
type Limits struct {
	Signal      Limit // signal requests
	SignalBytes Limit // bytes of signal.data, encoded
	Chat        Limit
	Join        Limit // join requests, wrong passwords included
	Other       Limit // leave, state and unknown events
}

// DefaultLimits suit a 16-person mesh call with trickle ICE and renegotiation: a newcomer's burst of offers and
// candidates to 15 peers is a few hundred signals.
func DefaultLimits() Limits {
	return Limits{
		Signal:      Limit{Burst: 2000, PerSecond: 200},
		SignalBytes: Limit{Burst: 4 << 20, PerSecond: 1 << 20},
		Chat:        Limit{Burst: 20, PerSecond: 5},
		Join:        Limit{Burst: 10, PerSecond: 1},
		Other:       Limit{Burst: 50, PerSecond: 10},
	}
}

// bucket is a token bucket. Each socket's buckets are used only from that socket's event queue, and a room's
// under the registry's lock, so they need no lock of their own.
type bucket struct {
	limit  Limit
	tokens float64
	last   time.Time
}

func newBucket(l Limit, now time.Time) bucket {
	return bucket{limit: l, tokens: l.Burst, last: now}
}

// has reports whether the bucket holds n tokens now, without spending them.
func (b *bucket) has(n float64, now time.Time) bool {
	if b.limit.Burst <= 0 {
		return true
	}
	if elapsed := now.Sub(b.last).Seconds(); elapsed > 0 {
		b.tokens = min(b.limit.Burst, b.tokens+elapsed*b.limit.PerSecond)
		b.last = now
	}
	return b.tokens >= n
}

// take spends n tokens if the bucket holds them.
func (b *bucket) take(n float64, now time.Time) bool {
	if !b.has(n, now) {
		return false
	}
	if b.limit.Burst > 0 {
		b.tokens -= n
	}
	return true
}

// buckets are one socket's budgets.
type buckets struct {
	signal, signalBytes, chat, join, other bucket
}

func newBuckets(l Limits, now time.Time) *buckets {
	return &buckets{
		signal:      newBucket(l.Signal, now),
		signalBytes: newBucket(l.SignalBytes, now),
		chat:        newBucket(l.Chat, now),
		join:        newBucket(l.Join, now),
		other:       newBucket(l.Other, now),
	}
}
