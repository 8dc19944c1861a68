package cert

import "testing"

// FuzzParse feeds arbitrary bytes to the certificate parser; it must
// return an error or a certificate, never panic. Signature checks on a
// parsed certificate must not panic either. The committed corpus in
// testdata/fuzz/FuzzParse holds real CSCA certificates (RSA, RSA-PSS,
// explicit-parameter brainpool and NIST keys) from the reference lists.
func FuzzParse(f *testing.F) {
	f.Add([]byte{0x30, 0x03, 0x30, 0x01, 0x00})
	f.Fuzz(func(t *testing.T, data []byte) {
		c, err := Parse(data)
		if err != nil {
			return
		}
		_ = c.CheckSignatureFrom(c)
		_ = c.Subject.String()
	})
}
