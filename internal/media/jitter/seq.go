package jitter

// unwrapper extends 16-bit RTP sequence numbers to 64 bits, so that ordering survives the wrap at 65535.
type unwrapper struct {
	highest uint64
}

// base keeps extended numbers far from zero: a packet up to 32767 behind the first one must not underflow.
const base = 1 << 40

func (u *unwrapper) reset(seq uint16) uint64 {
	u.highest = base + uint64(seq)
	return u.highest
}

// unwrap places seq within ±32768 of the highest number seen — the only reading that makes sense for
// packets that were sent close together.
func (u *unwrapper) unwrap(seq uint16) uint64 {
	ext := u.highest + uint64(int64(int16(seq-uint16(u.highest))))
	if ext > u.highest {
		u.highest = ext
	}
	return ext
}

// tsDistance is how far apart two 32-bit RTP timestamps are, reading the shorter way round the wrap.
func tsDistance(a, b uint32) uint32 {
	d := int32(a - b)
	if d < 0 {
		return uint32(-int64(d))
	}
	return uint32(d)
}
