package auth_test

import (
	"context"
	"testing"

	"github.com/kycgate/kycgate/gateway/auth"
	"github.com/kycgate/kycgate/gateway/auth/devissuer"
)

// BenchmarkVerify measures Verify with the signing key already loaded: the
// hot path of every API request, once answered from the verified-token
// cache (a client reusing its token) and once with full signature
// verification (the cache disabled).
func BenchmarkVerify(b *testing.B) {
	for _, tc := range []struct {
		alg       string
		cacheSize int
	}{{devissuer.ES256, 0}, {devissuer.RS256, 0}, {devissuer.ES256, -1}, {devissuer.RS256, -1}} {
		name := tc.alg + "/cached"
		if tc.cacheSize < 0 {
			name = tc.alg + "/uncached"
		}
		b.Run(name, func(b *testing.B) {
			issuer := newIssuer(b, tc.alg)
			v := startVerifier(b, issuer, func(c *auth.Config) { c.CacheSize = tc.cacheSize })
			raw := mint(b, issuer, devissuer.Claims{Scope: scopeKYCMatch, Subject: "tel:" + testPhoneNumber})
			ctx := context.Background()
			if _, err := v.Verify(ctx, raw); err != nil {
				b.Fatal(err)
			}
			fetches := issuer.JWKSRequests()
			b.ReportAllocs()
			for b.Loop() {
				if _, err := v.Verify(ctx, raw); err != nil {
					b.Fatal(err)
				}
			}
			b.StopTimer()
			if issuer.JWKSRequests() != fetches {
				b.Fatal("the key set was fetched again during the benchmark")
			}
		})
	}
}
