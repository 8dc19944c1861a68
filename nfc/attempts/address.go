package attempts

import "net/netip"

// AddressKey is the key a client address is limited under: the full
// address for IPv4 and the /64 prefix for IPv6, since one IPv6 subscriber
// line usually holds a whole /64 and could otherwise step through its
// addresses. An IPv4 address written as IPv4-mapped IPv6 counts as the
// IPv4 address, and a zone is ignored. A string that is no address is its
// own key.
func AddressKey(addr string) string {
	ip, err := netip.ParseAddr(addr)
	if err != nil {
		ap, perr := netip.ParseAddrPort(addr)
		if perr != nil {
			return addr
		}
		ip = ap.Addr()
	}
	ip = ip.WithZone("").Unmap()
	if ip.Is4() {
		return ip.String()
	}
	return netip.PrefixFrom(ip, 64).Masked().String()
}
