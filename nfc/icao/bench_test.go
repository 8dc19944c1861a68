package icao

import (
	"testing"

	"github.com/kycgate/kycgate/nfc/icao/specimen"
)

// benchmarkPassiveAuthentication verifies a specimen chip without Active
// Authentication (passive authentication, DG1 checks) and reports SOD
// verifications per second per core.
func benchmarkPassiveAuthentication(b *testing.B, kt specimen.KeyType) {
	p := newPKI(b, kt)
	spec := chipSpec(b, kt)
	spec.AAKey = nil
	f := newFixture(b, p, spec)
	if r := Verify(f.input, f.opts); r.Verdict != Authentic {
		b.Fatalf("fixture not authentic: %s %s", r.Verdict, r.Detail)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		if r := Verify(f.input, f.opts); r.Verdict != Authentic {
			b.Fatal(r.Verdict)
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "SOD/s/core")
}

// BenchmarkPassiveAuthenticationRSA2048 uses an RSA-2048 document signer.
func BenchmarkPassiveAuthenticationRSA2048(b *testing.B) {
	benchmarkPassiveAuthentication(b, specimen.RSA)
}

// BenchmarkPassiveAuthenticationECDSAP256 uses an ECDSA P-256 document signer.
func BenchmarkPassiveAuthenticationECDSAP256(b *testing.B) {
	benchmarkPassiveAuthentication(b, specimen.ECDSAP256)
}

// BenchmarkPassiveAuthenticationBrainpoolP256 uses a brainpoolP256r1 document
// signer, verified with the math/big arithmetic of package ecc.
func BenchmarkPassiveAuthenticationBrainpoolP256(b *testing.B) {
	benchmarkPassiveAuthentication(b, specimen.ECDSABrainpoolP256)
}
