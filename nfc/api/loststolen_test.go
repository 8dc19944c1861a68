package api_test

import (
	"bytes"
	"encoding/base64"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kycgate/kycgate/config"
	"github.com/kycgate/kycgate/nfc/loststolen"
)

// TestDocumentReportedLostOrStolen configures a lost-and-stolen list that
// holds the specimen document and checks the delivered webhook: the seed's
// message, its own code, and nothing disclosed.
func TestDocumentReportedLostOrStolen(t *testing.T) {
	rawKey := bytes.Repeat([]byte{0x5a}, loststolen.MinKeyBytes)
	list, err := loststolen.New(rawKey)
	require.NoError(t, err)
	doc := specimenChip(t).Consent.DocumentNumber
	_, err = list.Import(strings.NewReader("UTO," + doc + "\n"))
	require.NoError(t, err)
	path := filepath.Join(t.TempDir(), "lost-stolen.txt")
	require.NoError(t, os.WriteFile(path, list.Marshal(), 0o600))

	e := newEnv(t, envOptions{lostStolen: config.NFCLostStolen{File: path, Key: base64.StdEncoding.EncodeToString(rawKey)}})
	assert.Equal(t, 1, e.nfc.LostStolenEntries)
	e.redeemAndUpload(e.initSession(map[string]any{"ref": "stolen"}), selfies(t, 2, "kit"))
	w := e.partner.nextWithRef(t, "stolen")
	assert.Equal(t, "Err", w["result"])
	assert.Equal(t, 503.0, w["code"])
	assert.Equal(t, "Document reported lost or stolen", w["message"])
	assert.Equal(t, "DOCUMENT_LOST_OR_STOLEN", w["verdict"])
	assert.Equal(t, map[string]any{}, w["data"])
	assert.NotContains(t, w, "doc_face_image")
	assert.NotContains(t, w, "selfie_image")
}
