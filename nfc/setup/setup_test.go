package setup

import (
	"bytes"
	"encoding/base64"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kycgate/kycgate/config"
	"github.com/kycgate/kycgate/internal/testassets"
	"github.com/kycgate/kycgate/nfc/icao/trust"
	"github.com/kycgate/kycgate/nfc/loststolen"
	"github.com/kycgate/kycgate/nfc/seal"
)

// icaoDir returns ../shared/reference/icao, or skips.
func icaoDir(t *testing.T) string {
	ref := filepath.Join(testassets.ModuleRoot(t), "..", "shared", "reference", "icao")
	if _, err := os.Stat(ref); err != nil {
		t.Skip("SKIPPED — ../shared/reference/icao not found")
	}
	return ref
}

func TestLoadTrustFromTheRealMasterLists(t *testing.T) {
	ref := icaoDir(t)
	ts, err := LoadTrust(config.NFCTrust{
		Certificates: []string{filepath.Join(ref, "DE_ROOT_CA_CSCA07.cer"), filepath.Join(ref, "NL_ROOT_CA.cer")},
		MasterLists:  []string{filepath.Join(ref, "DE_ML_2026-05-28-08-28-45.ml"), filepath.Join(ref, "NL_ML_2026-07-22.ml")},
	})
	require.NoError(t, err)
	t.Logf("trust store from the DE and NL master lists: %d CSCA certificates", ts.Len())
	assert.Greater(t, ts.Len(), 100)
}

func TestLoadTrustRefuses(t *testing.T) {
	dir := t.TempDir()
	junk := filepath.Join(dir, "junk.ml")
	require.NoError(t, os.WriteFile(junk, []byte("not a master list"), 0o600))
	for name, cfg := range map[string]config.NFCTrust{
		"missing file":     {Certificates: []string{filepath.Join(dir, "missing.cer")}},
		"junk master list": {MasterLists: []string{junk}},
		"junk certificate": {Certificates: []string{junk}},
		"junk crl":         {CRLs: []string{junk}},
	} {
		_, err := LoadTrust(cfg)
		assert.Error(t, err, name)
	}
}

func TestLoadTrustRefusesMasterListsWithoutAnchor(t *testing.T) {
	ref := icaoDir(t)
	_, err := LoadTrust(config.NFCTrust{MasterLists: []string{filepath.Join(ref, "NL_ML_2026-07-22.ml")}})
	require.ErrorIs(t, err, ErrNoMasterListAnchor)
	assert.Contains(t, err.Error(), "nfc.trust.certificates")

	_, err = LoadTrust(config.NFCTrust{
		Certificates: []string{filepath.Join(ref, "DE_ROOT_CA_CSCA07.cer")},
		MasterLists:  []string{filepath.Join(ref, "NL_ML_2026-07-22.ml")},
	})
	assert.ErrorIs(t, err, trust.ErrMasterListSignature, "the DE root does not anchor the NL list")
}

func TestUploadKey(t *testing.T) {
	key, ephemeral, err := UploadKey("")
	require.NoError(t, err)
	assert.True(t, ephemeral)
	raw, err := key.Bytes()
	require.NoError(t, err)

	again, ephemeral, err := UploadKey(base64.StdEncoding.EncodeToString(raw))
	require.NoError(t, err)
	assert.False(t, ephemeral)
	assert.Equal(t, key.PublicKey(), again.PublicKey())

	_, _, err = UploadKey("!!")
	assert.Error(t, err)
	_, _, err = UploadKey(base64.StdEncoding.EncodeToString(raw[:seal.KeySize-1]))
	assert.Error(t, err)
}

func TestLoadLostStolen(t *testing.T) {
	dir := t.TempDir()
	rawKey := bytes.Repeat([]byte{5}, loststolen.MinKeyBytes)
	key := base64.StdEncoding.EncodeToString(rawKey)
	list, err := loststolen.New(rawKey)
	require.NoError(t, err)
	list.Add("UTO", "L898902C3")
	path := filepath.Join(dir, "lost-stolen.txt")
	require.NoError(t, os.WriteFile(path, list.Marshal(), 0o600))

	none, err := LoadLostStolen(config.NFCLostStolen{})
	require.NoError(t, err)
	assert.Nil(t, none, "no file, no list")

	loaded, err := LoadLostStolen(config.NFCLostStolen{File: path, Key: key})
	require.NoError(t, err)
	assert.True(t, loaded.Listed("UTO", "L898902C3"))

	otherKey := base64.StdEncoding.EncodeToString(bytes.Repeat([]byte{6}, loststolen.MinKeyBytes))
	for name, cfg := range map[string]config.NFCLostStolen{
		"other key":    {File: path, Key: otherKey},
		"short key":    {File: path, Key: base64.StdEncoding.EncodeToString([]byte("short"))},
		"no key":       {File: path},
		"missing file": {File: filepath.Join(dir, "missing.txt"), Key: key},
	} {
		_, err := LoadLostStolen(cfg)
		assert.Error(t, err, name)
	}
	_, err = LoadLostStolen(config.NFCLostStolen{File: path, Key: otherKey})
	assert.ErrorIs(t, err, loststolen.ErrOtherKey)
}
