package gateway_test

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/kycgate/kycgate/config"
	"github.com/kycgate/kycgate/operators/camara/camaratest"
)

// BenchmarkCamaraProxyVsDirect measures one KYC Match answered directly by
// an operator gateway and the same match proxied to it through an
// aggregator gateway's camara adapter, side by side on loopback. Each
// iteration sends one direct and one proxied call, so that both see the
// same machine load; the proxied/direct ratio is the latency the
// aggregator hop adds (its own token check, validation, dispatch, the
// upstream call with cached token, answer validation and translation).
func BenchmarkCamaraProxyVsDirect(b *testing.B) {
	op := camaratest.Start(b, camaratest.Options{Subscribers: fixture})
	agg := camaratest.Start(b, camaratest.Options{Operators: []config.Operator{op.CamaraOperator("upstream", "0.4", "+34")}})
	direct := newCaller(b, op)
	proxied := newCaller(b, agg)
	direct.call(b)
	proxied.call(b) // fetches the aggregator's upstream token once

	var directTime, proxiedTime time.Duration
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		start := time.Now()
		direct.call(b)
		mid := time.Now()
		proxied.call(b)
		directTime += mid.Sub(start)
		proxiedTime += time.Since(mid)
	}
	n := float64(b.N)
	b.ReportMetric(float64(directTime.Nanoseconds())/n, "direct-ns/match")
	b.ReportMetric(float64(proxiedTime.Nanoseconds())/n, "proxied-ns/match")
	b.ReportMetric(float64(proxiedTime)/float64(directTime), "proxied/direct")
}

// caller sends the benchmark's match to one gateway.
type caller struct {
	url, token string
	client     *http.Client
}

func newCaller(b *testing.B, g *camaratest.Gateway) caller {
	return caller{url: g.URL + "/kyc-match/v0.4/match", token: g.Token(b), client: g.Client()}
}

func (c caller) call(b *testing.B) {
	req, _ := http.NewRequest(http.MethodPost, c.url, strings.NewReader(fullBody04))
	req.Header.Set("Authorization", "Bearer "+c.token)
	req.Header.Set("Content-Type", "application/json")
	res, err := c.client.Do(req)
	if err != nil {
		b.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusOK {
		b.Fatalf("status %d", res.StatusCode)
	}
}
