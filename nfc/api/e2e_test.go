package api_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kycgate/kycgate/internal/testassets"

	"github.com/kycgate/kycgate/biometric"
	"github.com/kycgate/kycgate/nfc/readerclient"
	"github.com/kycgate/kycgate/nfc/result"
	"github.com/kycgate/kycgate/nfc/service"
	"github.com/kycgate/kycgate/nfc/session"
	"github.com/kycgate/kycgate/nfc/upload"
	"github.com/kycgate/kycgate/webhook"
)

// faceEngine opens the onnx engine once, or skips when the models or the
// shared photos are missing (CI installs both).
var faceEngine struct {
	once   sync.Once
	engine biometric.Engine
	err    error
}

func openFaceEngine(t *testing.T) biometric.Engine {
	t.Helper()
	if _, err := os.Stat(filepath.Join(sharedFaces(t), "kit@1.jpg")); err != nil {
		testassets.SkipOrFail(t, "shared face photos missing")
	}
	faceEngine.once.Do(func() {
		cfg := biometric.DefaultConfig()
		cfg.Engine = biometric.EngineONNX
		cfg.ModelsDir = filepath.Join(testassets.ModuleRoot(t), biometric.DefaultModelsDir)
		if dir := os.Getenv(biometric.ModelsDirEnv); dir != "" {
			cfg.ModelsDir = dir
		}
		faceEngine.engine, faceEngine.err = biometric.Open(cfg, slog.New(slog.DiscardHandler))
	})
	if faceEngine.err != nil {
		testassets.SkipOrFail(t, "face models unavailable: %v", faceEngine.err)
	}
	return faceEngine.engine
}

// redeemAndUpload plays the app: redeem, seal, upload.
func (e *env) redeemAndUpload(code string, selfieImages [][]byte) (service.Redemption, service.Status) {
	e.t.Helper()
	return e.redeemAndUploadAltered(code, selfieImages, func(*upload.Upload) {})
}

// redeemAndUploadAltered is redeemAndUpload with the upload changed by
// alter before it is sealed, as a forged or damaged chip read would be.
func (e *env) redeemAndUploadAltered(code string, selfieImages [][]byte, alter func(*upload.Upload)) (service.Redemption, service.Status) {
	e.t.Helper()
	ctx := context.Background()
	r, err := e.reader.Redeem(ctx, code)
	require.NoError(e.t, err)
	up, err := readerclient.NewUpload(specimenChip(e.t), r, selfieImages)
	require.NoError(e.t, err)
	alter(up)
	sealed, err := readerclient.Seal(r, up)
	require.NoError(e.t, err)
	st, err := e.reader.UploadSealed(ctx, r.UploadToken, sealed)
	require.NoError(e.t, err)
	return r, st
}

// state returns the stored state of the session with the upload token.
func (e *env) state(r service.Redemption) session.State {
	e.t.Helper()
	sess, err := e.store.GetNFCSession(context.Background(), r.SessionID)
	require.NoError(e.t, err)
	return sess.State
}

func TestSessionEndToEnd(t *testing.T) {
	e := newEnv(t, envOptions{engine: openFaceEngine(t)})
	ctx := context.Background()
	e.partner.failFirst.Store(1) // the first delivery attempt fails and is retried

	code := e.initSession(nil)
	r, st := e.redeemAndUpload(code, selfies(t, 2, "kit"))
	assert.Equal(t, service.StatusWaiting, st.State)
	assert.Equal(t, service.MessageWaiting, st.Message)
	assert.Len(t, r.Challenge, 8)
	assert.Equal(t, 2, r.Steps.NumImagesLiveness)
	assert.Equal(t, "kycgate nfc upload v1; session "+r.SessionID, r.UploadKey.Info)

	d := e.partner.next(t)
	assert.True(t, webhook.VerifySignature(webhookSecret, d.body, d.header.Get(webhook.HeaderSignature)), "the webhook is signed with the partner's secret")
	assert.Equal(t, "2", d.header.Get(webhook.HeaderAttempt), "the failed first attempt was retried")
	w := decodeWebhook(t, d)
	assert.Equal(t, "Ok", w["result"])
	assert.Equal(t, float64(0), w["code"])
	assert.Equal(t, "order-42", w["ref"])
	assert.Equal(t, "AUTHENTIC", w["verdict"])
	data := w["data"].(map[string]any)
	assert.Equal(t, "L898902C3", data["document_number"])
	assert.Equal(t, "ANNA MARIA ERIKSSON", data["name"])
	assert.Equal(t, "UTO", data["nationality"])
	assert.Equal(t, "passport", data["document_type"])
	assert.Equal(t, "1974-08-12", data["date_of_birth"])
	assert.Equal(t, "F", data["sex"])

	faceMatch, ok := w["face_match"].(float64)
	require.True(t, ok, "face_match is a number: %v", w["flags"])
	assert.Less(t, faceMatch, 0.5, "the same person is close")
	assert.GreaterOrEqual(t, faceMatch, 0.0)
	assert.Greater(t, w["face_match_confidence"].(float64), 50.0)
	assert.NotContains(t, w["flags"], result.FlagFaceMismatch)
	assert.Len(t, w["liveness_confidence_array"], 2, "each selfie is scored")
	assert.IsType(t, float64(0), w["liveness_confidence"])
	assert.Equal(t, []byte{0xff, 0xd8}, b64(t, w["doc_face_image"])[:2], "the chip portrait as JPEG")
	assert.Equal(t, selfies(t, 1, "kit")[0], b64(t, w["selfie_image"]))
	assert.Len(t, w["doc_face_vector"], 512)
	assert.Len(t, w["selfie_vector"], 512)

	require.Eventually(t, func() bool {
		require.NoError(t, e.nfc.Service.Sweep(ctx))
		return e.state(r) == session.Delivered
	}, 5*time.Second, 20*time.Millisecond, "the acknowledged webhook marks the session delivered")

	st, err := e.reader.Status(ctx, r.UploadToken)
	require.NoError(t, err)
	assert.Equal(t, service.StatusWaiting, st.State, "the app waits for the partner's confirmation")

	status, out := e.confirm(code, "OK")
	require.Equal(t, http.StatusOK, status, "%v", out)
	assert.Equal(t, map[string]any{"result": "Ok", "code": float64(0), "message": "", "data": map[string]any{}}, out)
	st, err = e.reader.Status(ctx, r.UploadToken)
	require.NoError(t, err)
	assert.Equal(t, service.Status{State: service.StatusDone, Message: service.MessageDone, RedirectURL: "https://acme.example/done"}, st)
	assert.Equal(t, session.Confirmed, e.state(r))

	status, _ = e.confirm(code, "OK")
	assert.Equal(t, http.StatusOK, status, "a repeated OK is harmless")
	status, out = e.confirm(code, "ERR")
	assert.Equal(t, http.StatusConflict, status)
	assert.Equal(t, float64(1007), out["code"])
	assert.Equal(t, session.Confirmed, e.state(r), "a confirmed session never goes back")
}

func TestFaceOfAnotherPersonIsFlagged(t *testing.T) {
	e := newEnv(t, envOptions{engine: openFaceEngine(t)})
	e.redeemAndUpload(e.initSession(map[string]any{"send_scan": []string{}}), selfies(t, 2, "obama"))
	w := decodeWebhook(t, e.partner.next(t))
	assert.Equal(t, "Ok", w["result"], "the document is authentic")
	assert.Greater(t, w["face_match"].(float64), 0.3)
	assert.Contains(t, w["flags"], result.FlagFaceMismatch)
	assert.NotContains(t, w, "doc_face_image", "no image without send_scan")
	assert.NotContains(t, w, "selfie_image")
}

func TestPartnerAPIErrors(t *testing.T) {
	e := newEnv(t, envOptions{})
	valid := func() map[string]any {
		return map[string]any{"api_key": e.apiKey, "ref": "r", "method": "enroll"}
	}
	with := func(k string, v any) map[string]any {
		b := valid()
		b[k] = v
		return b
	}
	tests := []struct {
		name   string
		path   string
		body   map[string]any
		status int
		code   float64
	}{
		{"wrong api key", "/nfc/v1/session_init", with("api_key", "nfc_wrong"), 401, 1002},
		{"missing api key", "/nfc/v1/session_init", map[string]any{"method": "enroll"}, 400, 1001},
		{"unknown method", "/nfc/v1/session_init", with("method", "verify"), 400, 1003},
		{"unknown scan", "/nfc/v1/session_init", with("send_scan", []string{"fingerprint"}), 400, 1004},
		{"too many liveness images", "/nfc/v1/session_init", with("options", map[string]any{"num_images_liveness": 9}), 400, 1004},
		{"no liveness image", "/nfc/v1/session_init", with("options", map[string]any{"num_images_liveness": 0}), 400, 1004},
		{"redirect not a URL", "/nfc/v1/session_init", with("options", map[string]any{"redirect_URL": "javascript:alert(1)"}), 400, 1004},
		{"metadata webhook", "/nfc/v1/session_init", with("options", map[string]any{"webhook": "http://169.254.169.254/latest"}), 400, 1005},
		{"ftp webhook", "/nfc/v1/session_init", with("options", map[string]any{"webhook": "ftp://acme.example/hook"}), 400, 1005},
		{"wrong type", "/nfc/v1/session_init", with("send_scan", "selfie"), 400, 1001},
		{"confirmation with wrong key", "/nfc/v1/webhook_confirmation", map[string]any{"api_key": "x", "init_code": "AAAA", "recv": "OK"}, 401, 1002},
		{"confirmation of unknown code", "/nfc/v1/webhook_confirmation", map[string]any{"api_key": e.apiKey, "init_code": "AAAA", "recv": "OK"}, 404, 1006},
		{"confirmation with bad recv", "/nfc/v1/webhook_confirmation", map[string]any{"api_key": e.apiKey, "init_code": "AAAA", "recv": "maybe"}, 400, 1008},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			status, out, _ := e.post(tt.path, tt.body)
			assert.Equal(t, tt.status, status, "%v", out)
			assert.Equal(t, "Err", out["result"])
			assert.Equal(t, tt.code, out["code"])
			assert.NotEmpty(t, out["message"])
			assert.Len(t, out, 3, "the error envelope is result, code and message")
			assert.NotContains(t, out["message"], e.apiKey)
		})
	}
	t.Run("confirmation before any result", func(t *testing.T) {
		status, out := e.confirm(e.initSession(nil), "OK")
		assert.Equal(t, http.StatusConflict, status)
		assert.Equal(t, float64(1007), out["code"])
	})
}

func TestInitCodeIsSingleUseAndExpires(t *testing.T) {
	e := newEnv(t, envOptions{})
	ctx := context.Background()

	t.Run("reused code", func(t *testing.T) {
		code := e.initSession(nil)
		_, err := e.reader.Redeem(ctx, code)
		require.NoError(t, err)
		_, err = e.reader.Redeem(ctx, code)
		var apiErr *readerclient.APIError
		require.ErrorAs(t, err, &apiErr)
		assert.Equal(t, http.StatusNotFound, apiErr.Status)
		assert.Equal(t, "NOT_FOUND", apiErr.Code)
	})
	t.Run("expired code", func(t *testing.T) {
		code := e.initSession(nil)
		e.clock.advance(11 * time.Minute)
		_, err := e.reader.Redeem(ctx, code)
		var apiErr *readerclient.APIError
		require.ErrorAs(t, err, &apiErr)
		assert.Equal(t, http.StatusNotFound, apiErr.Status)
		w := decodeWebhook(t, e.partner.next(t))
		assert.Equal(t, map[string]any{"result": "Err", "code": float64(101), "message": "Session expired", "ref": "order-42",
			"data": map[string]any{}, "face_match": nil, "face_match_confidence": nil, "liveness_confidence": nil,
			"liveness_confidence_array": []any{}, "verdict": "SESSION_EXPIRED", "flags": []any{}}, w)
	})
	t.Run("unredeemed code expires by the sweep", func(t *testing.T) {
		code := e.initSession(map[string]any{"ref": "swept"})
		e.clock.advance(11 * time.Minute)
		require.NoError(t, e.nfc.Service.Sweep(ctx))
		w := e.partner.nextWithRef(t, "swept")
		assert.Equal(t, float64(101), w["code"])
		_, err := e.reader.Redeem(ctx, code)
		assert.Error(t, err)
	})
	t.Run("upload after its deadline", func(t *testing.T) {
		r, err := e.reader.Redeem(ctx, e.initSession(nil))
		require.NoError(t, err)
		e.clock.advance(16 * time.Minute)
		up, err := readerclient.NewUpload(specimenChip(t), r, selfies(t, 2, "kit"))
		require.NoError(t, err)
		sealed, err := readerclient.Seal(r, up)
		require.NoError(t, err)
		_, err = e.reader.UploadSealed(ctx, r.UploadToken, sealed)
		var apiErr *readerclient.APIError
		require.ErrorAs(t, err, &apiErr)
		assert.Equal(t, http.StatusGone, apiErr.Status)
		st, err := e.reader.Status(ctx, r.UploadToken)
		require.NoError(t, err)
		assert.Equal(t, service.Status{State: service.StatusError, Message: service.MessageExpired, Reason: service.ReasonUploadExpired}, st)
	})
}

func TestRedeemFailuresAreRateLimited(t *testing.T) {
	e := newEnv(t, envOptions{maxFailures: 3})
	ctx := context.Background()
	for _, code := range []string{"AAAA", "AAAE", "AAAF"} {
		_, err := e.reader.Redeem(ctx, code)
		var apiErr *readerclient.APIError
		require.ErrorAs(t, err, &apiErr)
		require.Equal(t, http.StatusNotFound, apiErr.Status)
	}
	_, err := e.reader.Redeem(ctx, e.initSession(nil))
	var apiErr *readerclient.APIError
	require.ErrorAs(t, err, &apiErr, "even a valid code is refused once the address is blocked")
	assert.Equal(t, http.StatusTooManyRequests, apiErr.Status)
	assert.NotEmpty(t, apiErr.RetryAfter)
}

func TestUploadRefusals(t *testing.T) {
	e := newEnv(t, envOptions{})
	ctx := context.Background()
	r, err := e.reader.Redeem(ctx, e.initSession(nil))
	require.NoError(t, err)
	other, err := e.reader.Redeem(ctx, e.initSession(nil))
	require.NoError(t, err)
	up, err := readerclient.NewUpload(specimenChip(t), r, selfies(t, 2, "kit"))
	require.NoError(t, err)
	sealed, err := readerclient.Seal(r, up)
	require.NoError(t, err)

	tampered := bytes.Clone(sealed)
	tampered[len(tampered)/2] ^= 0x20
	forOther, err := readerclient.Seal(other, up)
	require.NoError(t, err)
	wrongKey := r
	wrongKey.UploadKey.PublicKey = other.UploadKey.PublicKey[:31]
	oneSelfie, err := readerclient.NewUpload(specimenChip(t), r, selfies(t, 1, "kit"))
	require.NoError(t, err)
	oneSelfieSealed, err := readerclient.Seal(r, oneSelfie)
	require.NoError(t, err)

	tests := []struct {
		name   string
		token  string
		body   []byte
		status int
	}{
		{"tampered", r.UploadToken, tampered, http.StatusBadRequest},
		{"sealed for another session", r.UploadToken, forOther, http.StatusBadRequest},
		{"not sealed", r.UploadToken, []byte(`{"sod":"AAAA"}`), http.StatusBadRequest},
		{"wrong token", "not-a-token", sealed, http.StatusUnauthorized},
		{"wrong selfie count", r.UploadToken, oneSelfieSealed, http.StatusBadRequest},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := e.reader.UploadSealed(ctx, tt.token, tt.body)
			var apiErr *readerclient.APIError
			require.ErrorAs(t, err, &apiErr)
			assert.Equal(t, tt.status, apiErr.Status, apiErr.Message)
			assert.Equal(t, session.Redeemed, e.state(r), "a refused upload leaves the session as it was")
		})
	}
	_, err = readerclient.Seal(wrongKey, up)
	assert.Error(t, err, "a malformed key cannot be sealed to")

	st, err := e.reader.UploadSealed(ctx, r.UploadToken, sealed)
	require.NoError(t, err, "the genuine upload still goes through")
	assert.Equal(t, service.StatusWaiting, st.State)
	_, err = e.reader.UploadSealed(ctx, r.UploadToken, sealed)
	var apiErr *readerclient.APIError
	require.ErrorAs(t, err, &apiErr, "a replayed upload is refused")
	assert.Equal(t, http.StatusConflict, apiErr.Status)
}

func TestTamperedChipDataGivesItsVerdict(t *testing.T) {
	e := newEnv(t, envOptions{})
	e.redeemAndUploadAltered(e.initSession(nil), selfies(t, 2, "kit"), tamperDG1)

	w := decodeWebhook(t, e.partner.next(t))
	assert.Equal(t, "Err", w["result"])
	assert.Equal(t, float64(204), w["code"])
	assert.Equal(t, "Invalid or tampered data", w["message"])
	assert.Equal(t, "DG_HASH_MISMATCH", w["verdict"])
	assert.Equal(t, map[string]any{}, w["data"], "nothing unverified is disclosed")
	assert.NotContains(t, w, "doc_face_image")
}

func TestSameSODInAnotherSessionIsFlagged(t *testing.T) {
	e := newEnv(t, envOptions{})
	e.redeemAndUpload(e.initSession(nil), selfies(t, 2, "kit"))
	first := decodeWebhook(t, e.partner.next(t))
	assert.NotContains(t, first["flags"], result.FlagSODSeenElsewhere)
	e.redeemAndUpload(e.initSession(nil), selfies(t, 2, "kit"))
	second := decodeWebhook(t, e.partner.next(t))
	assert.Contains(t, second["flags"], result.FlagSODSeenElsewhere)
	assert.Equal(t, "Ok", second["result"], "a flag, not a failure: the same document may be read again")
}

func TestConfirmationErrAndTimeout(t *testing.T) {
	e := newEnv(t, envOptions{})
	ctx := context.Background()

	t.Run("ERR", func(t *testing.T) {
		code := e.initSession(nil)
		r, _ := e.redeemAndUpload(code, selfies(t, 2, "kit"))
		e.partner.next(t)
		status, out := e.confirm(code, "ERR")
		require.Equal(t, http.StatusOK, status, "%v", out)
		st, err := e.reader.Status(ctx, r.UploadToken)
		require.NoError(t, err)
		assert.Equal(t, service.Status{State: service.StatusError, Message: service.MessageError, Reason: service.ReasonPartnerError}, st)
		assert.Equal(t, session.Errored, e.state(r))
	})
	t.Run("concurrent OKs all succeed", func(t *testing.T) {
		code := e.initSession(nil)
		r, _ := e.redeemAndUpload(code, selfies(t, 2, "kit"))
		e.partner.next(t)
		body, err := json.Marshal(map[string]any{"api_key": e.apiKey, "init_code": code, "recv": "OK"})
		require.NoError(t, err)
		statuses := make([]int, 12)
		var wg sync.WaitGroup
		for i := range statuses {
			wg.Go(func() {
				res, err := e.gateway.Client().Post(e.gateway.URL+"/nfc/v1/webhook_confirmation", "application/json", bytes.NewReader(body))
				if err != nil {
					return
				}
				_, _ = io.Copy(io.Discard, res.Body)
				_ = res.Body.Close()
				statuses[i] = res.StatusCode
			})
		}
		wg.Wait()
		for _, status := range statuses {
			assert.Equal(t, http.StatusOK, status, "every OK of one confirmation succeeds: %v", statuses)
		}
		assert.Equal(t, session.Confirmed, e.state(r))
	})
	t.Run("timeout", func(t *testing.T) {
		code := e.initSession(nil)
		r, _ := e.redeemAndUpload(code, selfies(t, 2, "kit"))
		e.partner.next(t)
		e.clock.advance(time.Minute)
		require.NoError(t, e.nfc.Service.Sweep(ctx))
		st, err := e.reader.Status(ctx, r.UploadToken)
		require.NoError(t, err)
		assert.Equal(t, service.StatusWaiting, st.State, "within the partner's timeout")

		e.clock.advance(2 * time.Minute)
		require.NoError(t, e.nfc.Service.Sweep(ctx))
		st, err = e.reader.Status(ctx, r.UploadToken)
		require.NoError(t, err)
		assert.Equal(t, service.Status{State: service.StatusError, Message: service.MessageError, Reason: service.ReasonConfirmationTimeout}, st)
		status, out := e.confirm(code, "OK")
		assert.Equal(t, http.StatusConflict, status, "too late: %v", out)
	})
}

// tamperDG1 flips one bit of DG1, so its hash no longer matches the SOD's.
func tamperDG1(up *upload.Upload) {
	up.DataGroups["1"] = bytes.Clone(up.DataGroups["1"])
	up.DataGroups["1"][len(up.DataGroups["1"])-3] ^= 0x01
}

func TestTheSweepDeletesExpiredAttemptCounters(t *testing.T) {
	e := newEnv(t, envOptions{maxFailures: 3})
	ctx := context.Background()
	_, err := e.reader.Redeem(ctx, "AAAA")
	require.Error(t, err, "a failed redemption is counted")
	e.clock.advance(24 * time.Hour)
	require.NoError(t, e.nfc.Service.Sweep(ctx))
	left, err := e.store.DeleteExpiredCounters(ctx, e.clock.now())
	require.NoError(t, err)
	assert.Zero(t, left, "the sweep already deleted the expired counters")
}
