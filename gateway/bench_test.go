package gateway_test

import (
	"io"
	"net/http"
	"strings"
	"testing"
)

// BenchmarkKYCMatchFullPath measures one KYC Match call through a real
// loopback HTTP server: bearer token verified (ES256, cached JWKS), body
// read and validated against the OpenAPI document, subscriber read from
// SQLite, matched and answered.
func BenchmarkKYCMatchFullPath(b *testing.B) {
	e := newEnv(b, envOptions{})
	tok := e.token(matchScope)
	url := e.gateway.URL + "/kyc-match/v0.4/match"
	client := e.gateway.Client()
	b.ReportAllocs()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			req, _ := http.NewRequest(http.MethodPost, url, strings.NewReader(fullBody04))
			req.Header.Set("Authorization", "Bearer "+tok)
			req.Header.Set("Content-Type", "application/json")
			res, err := client.Do(req)
			if err != nil {
				b.Fatal(err)
			}
			_, _ = io.Copy(io.Discard, res.Body)
			res.Body.Close()
			if res.StatusCode != http.StatusOK {
				b.Fatalf("status %d", res.StatusCode)
			}
		}
	})
}
