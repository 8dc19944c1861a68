package integration_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kycgate/kycgate/config"
	"github.com/kycgate/kycgate/identity/profiles"
	"github.com/kycgate/kycgate/nfc/chipfile"
	"github.com/kycgate/kycgate/nfc/partner"
	"github.com/kycgate/kycgate/nfc/readerclient"
	"github.com/kycgate/kycgate/nfc/setup"
	"github.com/kycgate/kycgate/store/sqlite"
	"github.com/kycgate/kycgate/webhook"
)

// nfcPartnerA is the NFC partner whose sessions may be linked to
// verifications of merchant A.
const nfcPartnerA = "partner-a"

// nfcParts is the NFC module of an env with its partner's key and chip.
type nfcParts struct {
	module *setup.NFC
	apiKey string
	chip   *chipfile.File
	// offset moves the NFC module's clock forward.
	offset atomic.Int64
}

// newNFCParts builds the NFC module over st, trusting the CSCA and CRL of
// a specimen chip built with opts (holding kit@1's face), with one partner
// linked to merchant A, and hooks its results to the profiles recorder as
// serve does.
func newNFCParts(t *testing.T, st *sqlite.Store, worker *webhook.Worker, rec profiles.Recorder, opts chipfile.Options) *nfcParts {
	t.Helper()
	opts.Photo = facePhoto(t, "kit@1.jpg")
	chip, err := chipfile.Build(opts)
	require.NoError(t, err)
	dir := t.TempDir()
	cscaPath, crlPath := filepath.Join(dir, "csca.der"), filepath.Join(dir, "csca.crl")
	require.NoError(t, os.WriteFile(cscaPath, chip.CSCA, 0o600))
	require.NoError(t, os.WriteFile(crlPath, chip.CRL, 0o600))
	key, hash := partner.NewKey()

	cfg := config.DefaultNFC()
	cfg.Enabled, cfg.AllowInsecureURLs = true, true
	cfg.Trust = config.NFCTrust{Certificates: []string{cscaPath}, CRLs: []string{crlPath}, Revocation: config.NFCRevocationRequire}
	cfg.Redeem.MaxFailuresPerAddress, cfg.Redeem.MaxFailuresPerCode = 1000, 1000
	cfg.Partners = []config.NFCPartner{{
		ID: nfcPartnerA, APIKeySHA256: hash, Webhook: "http://127.0.0.1:9/hook", WebhookSecret: "partner-secret",
		ConfirmationTimeout: config.Duration(time.Minute), MerchantID: merchantA,
	}}
	whole := config.Default()
	whole.NFC = cfg
	require.NoError(t, whole.Validate())

	parts := &nfcParts{apiKey: key, chip: chip}
	now := func() time.Time { return time.Now().Add(time.Duration(parts.offset.Load())) }
	parts.module, err = setup.New(cfg, setup.Deps{Store: st, Outbox: worker, Now: now})
	require.NoError(t, err)
	parts.module.Service.SetVerdictHook(profiles.NewNFCLink(rec, cfg.Partners, nil).Verdict)
	return parts
}

// sessionInit calls session_init and returns the status and the answer.
func (e *env) sessionInit(options map[string]any) (int, map[string]any) {
	e.t.Helper()
	raw, err := json.Marshal(map[string]any{"api_key": e.nfc.apiKey, "ref": "order-1", "method": "enroll", "options": options})
	require.NoError(e.t, err)
	res, err := e.gateway.Client().Post(e.gateway.URL+"/nfc/v1/session_init", "application/json", bytes.NewReader(raw))
	require.NoError(e.t, err)
	defer res.Body.Close()
	body, err := io.ReadAll(res.Body)
	require.NoError(e.t, err)
	var out map[string]any
	require.NoError(e.t, json.Unmarshal(body, &out), "body: %s", body)
	return res.StatusCode, out
}

// readChip runs an NFC session linked to the verification as the reader
// app does: session_init with options.verification_id, redemption, the
// sealed upload of the chip (with DG1 altered when tamper is set). The
// result is stored, and its verdict hook run, before the upload answers.
func (e *env) readChip(verificationID string, tamper bool) {
	e.t.Helper()
	status, out := e.sessionInit(map[string]any{"verification_id": verificationID})
	require.Equal(e.t, http.StatusOK, status, "%v", out)
	code := out["data"].(map[string]any)["init_code"].(string)

	ctx := context.Background()
	reader := &readerclient.Client{BaseURL: e.gateway.URL, HTTP: e.gateway.Client()}
	r, err := reader.Redeem(ctx, code)
	require.NoError(e.t, err)
	up, err := readerclient.NewUpload(e.nfc.chip, r, [][]byte{facePhoto(e.t, "kit@2.jpg")})
	require.NoError(e.t, err)
	if tamper {
		dg1 := bytes.Clone(up.DataGroups["1"])
		dg1[len(dg1)-3] ^= 0x01
		up.DataGroups["1"] = dg1
	}
	sealed, err := readerclient.Seal(r, up)
	require.NoError(e.t, err)
	_, err = reader.UploadSealed(ctx, r.UploadToken, sealed)
	require.NoError(e.t, err)
}

// TestLinkedNFCSessionsFeedProfilesThroughTheAPI links NFC sessions to
// verifications with session_init's options.verification_id and reads
// their effect back from the profiles API: nothing is injected into the
// recorder.
func TestLinkedNFCSessionsFeedProfilesThroughTheAPI(t *testing.T) {
	e := newNFCEnv(t)

	t.Run("a malformed verification id is refused", func(t *testing.T) {
		status, out := e.sessionInit(map[string]any{"verification_id": "not an id!"})
		assert.Equal(t, http.StatusBadRequest, status)
		assert.Equal(t, float64(1004), out["code"], "%v", out)
	})

	t.Run("an authentic chip names the profile and earns its merit", func(t *testing.T) {
		ended := e.verifySelfie(merchantA, "kit@1.jpg")
		id := ended["id"].(string)
		status, body := e.call(http.MethodGet, "/reusage/v1/verification/"+id+"/profile", merchantA, nil, "")
		require.Equal(t, http.StatusNotFound, status, "a selfie alone names no document: %v", body)

		e.readChip(id, false)
		profile := e.profileOf(merchantA, id)
		assert.Equal(t, "UT|PASSPORT|L898902C3", profile, "the document read from DG1")
		e.waitRecorded(merchantA, profile, ended)
		status, merits := e.postJSON(profiles.PathMerit, merchantA, map[string]string{"profileId": profile})
		require.Equal(t, http.StatusOK, status)
		assert.Contains(t, merits["uniqueMerits"], profiles.MeritNFCDocument)
		tx := e.transactionOf(merchantA, ended)
		assert.Nil(t, tx["reasonCode"], "an authentic chip raises nothing: %v", tx)

		// A second linked session that expires says nothing of the
		// document and leaves the authentic result in place.
		status, out := e.sessionInit(map[string]any{"verification_id": id})
		require.Equal(t, http.StatusOK, status, "%v", out)
		e.nfc.offset.Add(int64(time.Hour))
		require.NoError(t, e.nfc.module.Service.Sweep(context.Background()))
		assert.Equal(t, profile, e.profileOf(merchantA, id), "the expired session does not replace the chip's verdict")
	})

	t.Run("tampered chip data raises its indicator", func(t *testing.T) {
		ended := e.verifyDocument(merchantA, "", "rose@1.jpg", "rose@2.jpg", "N300000001")
		e.readChip(ended["id"].(string), true)
		tx := e.transactionOf(merchantA, ended)
		assert.Equal(t, []string{profiles.ReasonNFCTampered}, reasonsOf(tx), "%v", tx)
		assert.Equal(t, "US|DRIVING-LICENSE|N300000001", e.profileOf(merchantA, ended["id"].(string)),
			"a tampered chip does not name the profile")
	})

	t.Run("a partner cannot link another merchant's verification", func(t *testing.T) {
		ended := e.verifyDocument(merchantB, "", "biden@1.jpg", "biden@2.jpg", "N300000002")
		e.readChip(ended["id"].(string), true)
		tx := e.transactionOf(merchantB, ended)
		assert.Nil(t, tx["reasonCode"], "partner A's session is not recorded on B's verification: %v", tx)
		status, merits := e.postJSON(profiles.PathMerit, merchantB, map[string]string{"profileId": e.profileOf(merchantB, ended["id"].(string))})
		require.Equal(t, http.StatusOK, status)
		assert.NotContains(t, merits["uniqueMerits"], profiles.MeritNFCDocument)
	})
}

// TestRevokedDocumentSignerRaisesItsIndicatorThroughTheAPI reads a chip
// whose document signer the trusted CSCA's CRL revokes, in a session
// linked to a verification, and finds NFC_DOCUMENT_REVOKED on the
// profile's transaction through the profiles API.
func TestRevokedDocumentSignerRaisesItsIndicatorThroughTheAPI(t *testing.T) {
	e := newEnvWith(t, &chipfile.Options{RevokeDocumentSigner: true})

	ended := e.verifyDocument(merchantA, "", "rose@1.jpg", "rose@2.jpg", "N300000003")
	id := ended["id"].(string)
	e.readChip(id, false)
	tx := e.transactionOf(merchantA, ended)
	assert.Equal(t, []string{profiles.ReasonNFCRevoked}, reasonsOf(tx), "%v", tx)
	assert.Equal(t, "US|DRIVING-LICENSE|N300000003", e.profileOf(merchantA, id),
		"a revoked document does not name the profile")
	status, merits := e.postJSON(profiles.PathMerit, merchantA, map[string]string{"profileId": e.profileOf(merchantA, id)})
	require.Equal(t, http.StatusOK, status)
	assert.NotContains(t, merits["uniqueMerits"], profiles.MeritNFCDocument, "a revoked document earns no merit")
}
