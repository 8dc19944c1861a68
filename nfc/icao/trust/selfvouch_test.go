package trust_test

import (
	"crypto"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kycgate/kycgate/nfc/icao/cert"
	"github.com/kycgate/kycgate/nfc/icao/specimen"
	"github.com/kycgate/kycgate/nfc/icao/tlv"
	"github.com/kycgate/kycgate/nfc/icao/trust"
)

// fakeMasterList builds a master list carrying csca and extra, signed by a
// master list signer that csca issued: a list whose only anchor is a CSCA
// inside itself.
func fakeMasterList(t *testing.T, csca *specimen.Authority, extra ...*specimen.Authority) []byte {
	key, err := specimen.NewKey(specimen.ECDSAP256, 0)
	require.NoError(t, err)
	signer, err := csca.Issue(key, specimen.Subject{Country: "UT", CommonName: "Master List Signer Utopia"},
		specimen.Validity{NotBefore: time.Now().AddDate(-1, 0, 0), NotAfter: time.Now().AddDate(2, 0, 0)})
	require.NoError(t, err)
	certs := [][]byte{csca.DER}
	for _, e := range extra {
		certs = append(certs, e.DER)
	}
	content := tlv.EncodeConstructed(tlv.TagSequence, tlv.EncodeInt(0), tlv.EncodeConstructed(tlv.TagSet, certs...))
	data, err := specimen.SignData(signer, trust.OIDCscaMasterList, content, crypto.SHA256, specimen.SODOptions{})
	require.NoError(t, err)
	return data
}

func TestMasterListCannotVouchForItself(t *testing.T) {
	own := authority(t, "CSCA Utopia")
	smuggled := authority(t, "CSCA Smuggled")
	unrelated := authority(t, "CSCA Elsewhere")
	data := fakeMasterList(t, own, smuggled)

	tests := []struct {
		name  string
		roots []*cert.Certificate
		want  error
	}{
		{"no configured anchor", nil, trust.ErrNoTrustAnchor},
		{"an unrelated anchor", []*cert.Certificate{unrelated.Certificate}, trust.ErrMasterListSignature},
		{"a smuggled list member as anchor does not help its co-member", []*cert.Certificate{smuggled.Certificate}, trust.ErrMasterListSignature},
		{"the signing CSCA configured explicitly", []*cert.Certificate{own.Certificate}, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := trust.NewStore()
			added, err := s.AddMasterList(data, tc.roots...)
			if tc.want != nil {
				require.ErrorIs(t, err, tc.want)
				assert.Zero(t, added)
				assert.Zero(t, s.Len(), "nothing of a refused list is trusted")
				return
			}
			require.NoError(t, err)
			assert.Equal(t, 2, added)
		})
	}
}
