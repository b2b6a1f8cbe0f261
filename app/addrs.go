package app

import (
	"net"
	"net/netip"
	"slices"
	"strconv"
	"strings"
)

// ifaceAddr is one address of one network interface.
type ifaceAddr struct {
	Iface string
	Addr  netip.Addr
}

// interfaceAddrs lists the addresses of the interfaces that are up.
func interfaceAddrs() ([]ifaceAddr, error) {
	ifaces, err := net.Interfaces()
	if err != nil {
		return nil, err
	}
	var out []ifaceAddr
	for _, ifc := range ifaces {
		if ifc.Flags&net.FlagUp == 0 || ifc.Flags&net.FlagLoopback != 0 {
			continue
		}
		addrs, err := ifc.Addrs()
		if err != nil {
			continue
		}
		for _, a := range addrs {
			pfx, ok := a.(*net.IPNet)
			if !ok {
				continue
			}
			ip, ok := netip.AddrFromSlice(pfx.IP)
			if !ok {
				continue
			}
			out = append(out, ifaceAddr{Iface: ifc.Name, Addr: ip.Unmap()})
		}
	}
	return out, nil
}

// virtualIfacePrefixes name interfaces of containers and virtual machines: listed last, since a guest on the
// LAN can rarely reach them.
var virtualIfacePrefixes = []string{"docker", "br-", "veth", "virbr", "vboxnet", "vmnet", "lxc", "lxd", "podman", "cni", "flannel", "cali", "zt"}

// lanURLs turns addresses into http://ADDR:PORT links guests can use: every unicast address that is not
// loopback, IPv4 before IPv6, physical interfaces before virtual ones. Link-local addresses (169.254/16,
// fe80::/10) are listed only when there is nothing else; an IPv6 one then carries its zone (%25iface).
// The result is never nil.
func lanURLs(addrs []ifaceAddr, port int) []string {
	type cand struct {
		url  string
		rank int
	}
	var global, local []cand
	seen := map[string]bool{}
	for _, a := range addrs {
		ip := a.Addr.Unmap()
		if !ip.IsValid() || ip.IsLoopback() || ip.IsUnspecified() || ip.IsMulticast() ||
			ip.IsInterfaceLocalMulticast() {
			continue
		}
		linkLocal := ip.IsLinkLocalUnicast()
		host := ip.WithZone("").String()
		if linkLocal && ip.Is6() && a.Iface != "" {
			host += "%25" + a.Iface // RFC 6874: the zone's "%" escaped in a URL
		}
		u := "http://" + net.JoinHostPort(host, strconv.Itoa(port))
		if seen[u] {
			continue
		}
		seen[u] = true
		rank := 0
		if ip.Is6() {
			rank += 2
		}
		if isVirtualIface(a.Iface) {
			rank++
		}
		if linkLocal {
			local = append(local, cand{u, rank})
		} else {
			global = append(global, cand{u, rank})
		}
	}
	list := global
	if len(list) == 0 {
		list = local
	}
	slices.SortStableFunc(list, func(x, y cand) int { return x.rank - y.rank })
	urls := make([]string, 0, len(list))
	for _, c := range list {
		urls = append(urls, c.url)
	}
	return urls
}

func isVirtualIface(name string) bool {
	for _, p := range virtualIfacePrefixes {
		if strings.HasPrefix(name, p) {
			return true
		}
	}
	return false
}
