package auth_test

import (
	"context"
	"testing"

	"github.com/kycgate/kycgate/gateway/auth/devissuer"
)

// BenchmarkVerify measures Verify with the signing key already cached: the
// hot path of every API request.
func BenchmarkVerify(b *testing.B) {
	for _, alg := range []string{devissuer.ES256, devissuer.RS256} {
		b.Run(alg, func(b *testing.B) {
			issuer := newIssuer(b, alg)
			v := startVerifier(b, issuer)
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
