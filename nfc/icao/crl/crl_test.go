package crl_test

import (
	"math/big"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kycgate/kycgate/nfc/icao/crl"
	"github.com/kycgate/kycgate/nfc/icao/specimen"
)

func TestParseVerifyAndLookup(t *testing.T) {
	key, err := specimen.NewKey(specimen.ECDSABrainpoolP256, 0)
	require.NoError(t, err)
	other, err := specimen.NewKey(specimen.ECDSAP256, 0)
	require.NoError(t, err)
	validity := specimen.Validity{NotBefore: time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC), NotAfter: time.Date(2035, 1, 1, 0, 0, 0, 0, time.UTC)}
	csca, err := specimen.NewCSCA(key, specimen.Subject{Country: "UT", CommonName: "CSCA"}, validity)
	require.NoError(t, err)
	impostor, err := specimen.NewCSCA(other, specimen.Subject{Country: "UT", CommonName: "CSCA"}, validity)
	require.NoError(t, err)

	this := time.Date(2026, 5, 1, 0, 0, 0, 0, time.UTC)
	next := time.Date(2026, 8, 1, 0, 0, 0, 0, time.UTC)
	der, err := csca.IssueCRL([]*big.Int{big.NewInt(42), big.NewInt(-7)}, this, next)
	require.NoError(t, err)
	l, err := crl.Parse(der)
	require.NoError(t, err)

	assert.NoError(t, l.CheckSignatureFrom(csca.Certificate))
	assert.Error(t, l.CheckSignatureFrom(impostor.Certificate))
	assert.True(t, l.Issuer.Equal(csca.Certificate.Subject))
	assert.Equal(t, this, l.ThisUpdate)
	assert.Equal(t, next, l.NextUpdate)

	now := time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC)
	assert.True(t, l.IsRevoked(big.NewInt(42), now))
	assert.True(t, l.IsRevoked(big.NewInt(-7), now))
	assert.False(t, l.IsRevoked(big.NewInt(43), now))
	assert.True(t, l.CurrentAt(now))
	assert.False(t, l.CurrentAt(next.Add(time.Hour)))
	assert.False(t, l.CurrentAt(this.Add(-time.Hour)))

	_, err = crl.Parse(der[:len(der)-4])
	assert.ErrorIs(t, err, crl.ErrMalformed)
}
