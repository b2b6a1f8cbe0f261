package media

import (
	"sync"

	"github.com/pion/interceptor"
	"github.com/pion/rtcp"
)

// nackCounter counts the NACKs one connection sent, per media SSRC (the `stats` op's `nacks`). The NACK
// generator interceptor sends them; this interceptor sits under it and watches.
type nackCounter struct {
	mu sync.Mutex
	n  map[uint32]uint64
}

func newNackCounter() *nackCounter { return &nackCounter{n: map[uint32]uint64{}} }

func (c *nackCounter) get(ssrc uint32) uint64 {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.n[ssrc]
}

type nackCounterFactory struct{ c *nackCounter }

func (f nackCounterFactory) NewInterceptor(string) (interceptor.Interceptor, error) {
	return &nackCounterInterceptor{c: f.c}, nil
}

type nackCounterInterceptor struct {
	interceptor.NoOp
	c *nackCounter
}

func (i *nackCounterInterceptor) BindRTCPWriter(w interceptor.RTCPWriter) interceptor.RTCPWriter {
	return interceptor.RTCPWriterFunc(func(pkts []rtcp.Packet, a interceptor.Attributes) (int, error) {
		for _, p := range pkts {
			if n, ok := p.(*rtcp.TransportLayerNack); ok {
				i.c.mu.Lock()
				i.c.n[n.MediaSSRC]++
				i.c.mu.Unlock()
			}
		}
		return w.Write(pkts, a)
	})
}
