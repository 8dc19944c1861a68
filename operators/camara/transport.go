package camara

import (
	"crypto/tls"
	"net"
	"net/http"
	"time"
)

// newTransport returns the one HTTP transport of an adapter, tuned for
// many small calls to one operator: keep-alive connections, enough idle
// connections per host that a busy operator does not open one per call,
// a bound on connections per host, and short connect and TLS handshake
// timeouts. The overall bound of a call is its context.
func newTransport(o Options) *http.Transport {
	dialer := &net.Dialer{Timeout: o.ConnectTimeout.D(), KeepAlive: 30 * time.Second}
	return &http.Transport{
		Proxy:                 http.ProxyFromEnvironment,
		DialContext:           dialer.DialContext,
		ForceAttemptHTTP2:     true,
		MaxIdleConns:          o.MaxIdleConns,
		MaxIdleConnsPerHost:   o.MaxIdleConns,
		MaxConnsPerHost:       o.MaxConnsPerHost,
		IdleConnTimeout:       o.IdleConnTimeout.D(),
		TLSHandshakeTimeout:   o.ConnectTimeout.D(),
		ExpectContinueTimeout: time.Second,
		TLSClientConfig:       &tls.Config{MinVersion: tls.VersionTLS12},
	}
}

// noRedirects makes a client return a redirect as the answer instead of
// following it, so that the bearer token is never sent elsewhere.
func noRedirects(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
