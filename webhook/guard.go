package webhook

import (
	"errors"
	"fmt"
	"net"
	"net/netip"
	"net/url"
	"strconv"
	"strings"
	"syscall"
)

// ErrForbiddenTarget is wrapped by every refusal of the Guard.
var ErrForbiddenTarget = errors.New("webhook: target refused")

// Guard decides which webhook URLs and addresses may be contacted.
type Guard struct {
	// AllowHTTP accepts http:// URLs besides https://.
	AllowHTTP bool
	// AllowPrivateNetworks accepts loopback, private, link-local and
	// carrier-grade NAT addresses. Cloud metadata addresses stay refused.
	AllowPrivateNetworks bool
}

// metadataAddresses are the cloud instance-metadata endpoints, refused even
// when private networks are allowed.
var metadataAddresses = []netip.Addr{
	netip.MustParseAddr("169.254.169.254"), // AWS, GCP, Azure, OpenStack
	netip.MustParseAddr("169.254.170.2"),   // AWS ECS task metadata
	netip.MustParseAddr("100.100.100.200"), // Alibaba Cloud
	netip.MustParseAddr("fd00:ec2::254"),   // AWS over IPv6
}

// privateRanges are refused unless AllowPrivateNetworks is set.
var privateRanges = []netip.Prefix{
	netip.MustParsePrefix("10.0.0.0/8"),
	netip.MustParsePrefix("172.16.0.0/12"),
	netip.MustParsePrefix("192.168.0.0/16"),
	netip.MustParsePrefix("100.64.0.0/10"), // carrier-grade NAT
	netip.MustParsePrefix("127.0.0.0/8"),
	netip.MustParsePrefix("169.254.0.0/16"),
	netip.MustParsePrefix("::1/128"),
	netip.MustParsePrefix("fc00::/7"),
	netip.MustParsePrefix("fe80::/10"),
}

// reservedRanges are never a webhook receiver.
var reservedRanges = []netip.Prefix{
	netip.MustParsePrefix("0.0.0.0/8"),
	netip.MustParsePrefix("192.0.0.0/24"),
	netip.MustParsePrefix("192.0.2.0/24"),
	netip.MustParsePrefix("198.18.0.0/15"),
	netip.MustParsePrefix("198.51.100.0/24"),
	netip.MustParsePrefix("203.0.113.0/24"),
	netip.MustParsePrefix("224.0.0.0/4"),
	netip.MustParsePrefix("240.0.0.0/4"),
	netip.MustParsePrefix("::/128"),
	netip.MustParsePrefix("ff00::/8"),
	netip.MustParsePrefix("2001:db8::/32"),
}

// CheckURL validates a webhook URL when it is configured: an absolute
// http(s) URL with a host and no credentials, whose scheme is allowed, and
// whose host, when it is an IP literal or "localhost", is allowed. Names are
// checked again at connect time against the resolved address.
func (g Guard) CheckURL(raw string) error {
	u, err := url.Parse(raw)
	if err != nil {
		return fmt.Errorf("%w: the URL cannot be parsed", ErrForbiddenTarget)
	}
	switch {
	case u.Scheme == "https":
	case u.Scheme == "http" && g.AllowHTTP:
	case u.Scheme == "http":
		return fmt.Errorf("%w: only https URLs are allowed", ErrForbiddenTarget)
	default:
		return fmt.Errorf("%w: the URL must be an absolute https URL", ErrForbiddenTarget)
	}
	if u.Hostname() == "" || u.Opaque != "" {
		return fmt.Errorf("%w: the URL has no host", ErrForbiddenTarget)
	}
	if u.User != nil {
		return fmt.Errorf("%w: the URL must not contain credentials", ErrForbiddenTarget)
	}
	if p := u.Port(); p != "" {
		if n, err := strconv.Atoi(p); err != nil || n < 1 || n > 65535 {
			return fmt.Errorf("%w: the port must be between 1 and 65535", ErrForbiddenTarget)
		}
	}
	host := strings.TrimSuffix(strings.ToLower(u.Hostname()), ".")
	if (host == "localhost" || strings.HasSuffix(host, ".localhost")) && !g.AllowPrivateNetworks {
		return fmt.Errorf("%w: loopback host", ErrForbiddenTarget)
	}
	if addr, err := netip.ParseAddr(host); err == nil {
		return g.CheckAddr(addr)
	}
	return nil
}

// CheckAddr refuses an address the Guard does not allow.
func (g Guard) CheckAddr(addr netip.Addr) error {
	addr = canonical(addr)
	for _, m := range metadataAddresses {
		if addr == m {
			return fmt.Errorf("%w: cloud metadata address", ErrForbiddenTarget)
		}
	}
	for _, p := range reservedRanges {
		if p.Contains(addr) {
			return fmt.Errorf("%w: reserved address range %s", ErrForbiddenTarget, p)
		}
	}
	if g.AllowPrivateNetworks {
		return nil
	}
	for _, p := range privateRanges {
		if p.Contains(addr) {
			return fmt.Errorf("%w: private, loopback or link-local address range %s", ErrForbiddenTarget, p)
		}
	}
	return nil
}

// nat64 is the well-known NAT64 prefix, whose last 32 bits embed an IPv4
// address.
var nat64 = netip.MustParsePrefix("64:ff9b::/96")

// canonical unmaps IPv4-mapped IPv6 addresses and extracts the IPv4 address
// embedded in a NAT64 address, so they are judged as the IPv4 they reach.
func canonical(addr netip.Addr) netip.Addr {
	addr = addr.Unmap().WithZone("")
	if nat64.Contains(addr) {
		b := addr.As16()
		return netip.AddrFrom4([4]byte{b[12], b[13], b[14], b[15]})
	}
	return addr
}

// control is a net.Dialer.Control function: it runs after name resolution,
// just before connect, with the address actually dialled.
func (g Guard) control(_, address string, _ syscall.RawConn) error {
	host, _, err := net.SplitHostPort(address)
	if err != nil {
		return fmt.Errorf("%w: unparsable address", ErrForbiddenTarget)
	}
	addr, err := netip.ParseAddr(host)
	if err != nil {
		return fmt.Errorf("%w: unparsable address", ErrForbiddenTarget)
	}
	return g.CheckAddr(addr)
}
