package media

import (
	"errors"
	"sync"
)

// errQueueFull: the page has stopped reading control messages.
var errQueueFull = errors.New("page is not reading: control queue full")

// outMsg is one WebSocket message for the page.
type outMsg struct {
	text  bool
	data  []byte
	track uint16 // frames only
	audio bool   // frames only
}

// outQueue holds what waits for the page writer. Control messages are never dropped; received frames are
// bounded: when full, audio loses its oldest frame (the player conceals a gap, and fresh audio matters more)
// and video loses the new frame (the track then waits for a keyframe, since a decoder cannot skip a frame).
type outQueue struct {
	mu     sync.Mutex
	items  []outMsg
	media  int
	bytes  int
	texts  int
	gap    map[uint16]bool // tracks whose next queued frame follows a dropped one
	closed bool
	wake   chan struct{} // capacity 1: something was queued
}

func newOutQueue() *outQueue {
	return &outQueue{gap: map[uint16]bool{}, wake: make(chan struct{}, 1)}
}

func (q *outQueue) signal() {
	select {
	case q.wake <- struct{}{}:
	default:
	}
}

// pushText queues a control message.
func (q *outQueue) pushText(b []byte) error {
	q.mu.Lock()
	defer q.mu.Unlock()
	if q.closed {
		return ErrClosed
	}
	if q.texts >= queueText {
		return errQueueFull
	}
	q.items = append(q.items, outMsg{text: true, data: b})
	q.texts++
	q.signal()
	return nil
}

// pushFrame queues a received frame (header included). It reports false when the frame was dropped: for video
// the caller must then wait for a keyframe.
func (q *outQueue) pushFrame(track uint16, audio bool, b []byte) bool {
	q.mu.Lock()
	defer q.mu.Unlock()
	if q.closed {
		return false
	}
	for q.media >= queueMediaFrames || q.bytes+len(b) > queueMediaBytes {
		if !audio || !q.dropOldestAudio() {
			q.gap[track] = true
			return false
		}
	}
	if q.gap[track] {
		delete(q.gap, track)
		b[1] |= flagGap
	}
	q.items = append(q.items, outMsg{data: b, track: track, audio: audio})
	q.media++
	q.bytes += len(b)
	q.signal()
	return true
}

// dropOldestAudio removes the oldest queued audio frame and marks its track's next frame as following a gap.
func (q *outQueue) dropOldestAudio() bool {
	for i, m := range q.items {
		if m.text || !m.audio {
			continue
		}
		q.items = append(q.items[:i], q.items[i+1:]...)
		q.media--
		q.bytes -= len(m.data)
		for j := i; j < len(q.items); j++ {
			if n := q.items[j]; !n.text && n.track == m.track {
				n.data[1] |= flagGap
				return true
			}
		}
		q.gap[m.track] = true
		return true
	}
	return false
}

// take hands the writer everything queued.
func (q *outQueue) take() []outMsg {
	q.mu.Lock()
	defer q.mu.Unlock()
	items := q.items
	q.items = nil
	q.media, q.bytes, q.texts = 0, 0, 0
	return items
}

func (q *outQueue) close() {
	q.mu.Lock()
	q.closed = true
	q.items = nil
	q.mu.Unlock()
}
