package icao

import (
	"bytes"
	"crypto/rand"
	"crypto/rsa"
	"math/big"
	"sync"
	"testing"
	"time"

	"github.com/kycgate/kycgate/internal/testassets"

	"github.com/stretchr/testify/require"

	"github.com/kycgate/kycgate/nfc/icao/lds"
	"github.com/kycgate/kycgate/nfc/icao/specimen"
	"github.com/kycgate/kycgate/nfc/icao/trust"
)

// fixtureNow is the verification time of all fixtures.
var fixtureNow = time.Date(2026, 6, 1, 12, 0, 0, 0, time.UTC)

// keyPool generates each expensive key once per test binary.
type keyPool struct {
	once sync.Once
	err  error
	rsa  [3]*rsa.PrivateKey // CSCA, DS, impostor CSCA
	aa   *rsa.PrivateKey
}

var pool keyPool

// rsaKeys returns the shared RSA keys.
func (p *keyPool) rsaKeys(t testing.TB) ([3]*rsa.PrivateKey, *rsa.PrivateKey) {
	p.once.Do(func() {
		for i := range p.rsa {
			if p.rsa[i], p.err = rsa.GenerateKey(rand.Reader, 2048); p.err != nil {
				return
			}
		}
		p.aa, p.err = rsa.GenerateKey(rand.Reader, 1024)
	})
	require.NoError(t, p.err)
	return p.rsa, p.aa
}

// testPKI is a CSCA with a document signer, an impostor CSCA with the same
// name and a different key, and an empty CRL.
type testPKI struct {
	csca, ds, impostor *specimen.Authority
	emptyCRL           []byte
}

// signerKeys returns CSCA, DS and impostor keys of the given type.
func signerKeys(t testing.TB, kt specimen.KeyType) [3]*specimen.Key {
	var keys [3]*specimen.Key
	if kt == specimen.RSA || kt == specimen.RSAPSS {
		rsaKeys, _ := pool.rsaKeys(t)
		for i, k := range rsaKeys {
			keys[i] = specimen.NewRSAKey(k, kt == specimen.RSAPSS)
		}
		return keys
	}
	for i := range keys {
		k, err := specimen.NewKey(kt, 0)
		require.NoError(t, err)
		keys[i] = k
	}
	return keys
}

// newPKI builds the CSCA, DS and CRL for one key type.
func newPKI(t testing.TB, kt specimen.KeyType) *testPKI {
	keys := signerKeys(t, kt)
	name := specimen.Subject{Country: "UT", Organization: "Utopia Document Authority", CommonName: "CSCA Utopia"}
	cscaValidity := specimen.Validity{NotBefore: date(2020, 1, 1), NotAfter: date(2036, 1, 1)}
	csca, err := specimen.NewCSCA(keys[0], name, cscaValidity)
	require.NoError(t, err)
	impostor, err := specimen.NewCSCA(keys[2], name, cscaValidity)
	require.NoError(t, err)
	ds, err := csca.Issue(keys[1], specimen.Subject{Country: "UT", CommonName: "DS Utopia 01"},
		specimen.Validity{NotBefore: date(2025, 1, 1), NotAfter: date(2032, 1, 1)})
	require.NoError(t, err)
	crl, err := csca.IssueCRL(nil, date(2026, 5, 1), date(2026, 8, 1))
	require.NoError(t, err)
	return &testPKI{csca: csca, ds: ds, impostor: impostor, emptyCRL: crl}
}

// date is a UTC midnight.
func date(y int, m time.Month, d int) time.Time {
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

// store returns a trust store with the CSCA and the given CRLs.
func (p *testPKI) store(t testing.TB, crls ...[]byte) *trust.Store {
	s := trust.NewStore()
	s.Add(p.csca.Certificate)
	for _, c := range crls {
		require.NoError(t, s.AddCRL(c))
	}
	return s
}

// specimenDocument is the MRZ data of the fixtures (ICAO's Utopia specimen).
func specimenDocument() specimen.Document {
	return specimen.Document{
		DocumentCode: "P", IssuingState: "UTO", Surname: "ERIKSSON", GivenNames: "ANNA MARIA",
		DocumentNumber: "L898902C3", Nationality: "UTO", DateOfBirth: "740812", Sex: "F",
		DateOfExpiry: "310415", OptionalData: "ZE184226B",
	}
}

// aaKey returns an Active Authentication key matching the signer family.
func aaKey(t testing.TB, kt specimen.KeyType) *specimen.Key {
	if kt == specimen.RSA || kt == specimen.RSAPSS {
		_, k := pool.rsaKeys(t)
		return specimen.NewRSAKey(k, false)
	}
	k, err := specimen.NewKey(specimen.ECDSABrainpoolP256, 0)
	require.NoError(t, err)
	return k
}

// chipSpec is the default specimen content.
func chipSpec(t testing.TB, kt specimen.KeyType) specimen.ChipSpec {
	return specimen.ChipSpec{
		Document: specimenDocument(),
		Face:     testassets.GradientJPEG(t, 16, 20), FaceFormat: lds.ImageJPEG, FaceWidth: 16, FaceHeight: 20,
		Additional:         &lds.DG11{FullName: "ERIKSSON<<ANNA<MARIA", PlaceOfBirth: "ZENITH", FullDateOfBirth: "19740812"},
		AAKey:              aaKey(t, kt),
		ChipAuthentication: true,
	}
}

// fixture is one verification scenario.
type fixture struct {
	pki   *testPKI
	chip  *specimen.Chip
	input ChipData
	opts  Options
}

// challenge is the fixtures' Active Authentication challenge.
var challenge = []byte{0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88}

// newFixture builds an authentic chip with AA response, consent and a
// store holding the CSCA and an empty current CRL.
func newFixture(t testing.TB, p *testPKI, spec specimen.ChipSpec) *fixture {
	chip, err := specimen.NewChip(spec, p.ds, specimen.SODOptions{})
	require.NoError(t, err)
	var sig []byte
	if chip.AAKey != nil {
		sig, err = chip.SignChallenge(challenge)
		require.NoError(t, err)
	}
	return &fixture{
		pki: p, chip: chip,
		input: ChipData{SOD: chip.SOD, DataGroups: copyGroups(chip.DataGroups), Challenge: challenge, AASignature: sig},
		opts: Options{
			Trust: p.store(t, p.emptyCRL), Now: fixtureNow,
			Consent: &Consent{DocumentNumber: "L898902C3", DateOfBirth: "740812", DateOfExpiry: "310415"},
		},
	}
}

// copyGroups returns a deep copy so that tampering does not leak.
func copyGroups(in map[int][]byte) map[int][]byte {
	out := make(map[int][]byte, len(in))
	for k, v := range in {
		out[k] = bytes.Clone(v)
	}
	return out
}

// resign replaces the data groups and signs a fresh EF.SOD over them.
func (f *fixture) resign(t testing.TB, dgs map[int][]byte, opts specimen.SODOptions) {
	sod, err := specimen.SignSOD(f.pki.ds, dgs, opts)
	require.NoError(t, err)
	f.input.SOD = sod
	f.input.DataGroups = copyGroups(dgs)
}

// serial returns the DS serial number.
func (p *testPKI) serial() *big.Int {
	return p.ds.Certificate.SerialNumber
}
