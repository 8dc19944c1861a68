package api_test

import (
	"context"
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kycgate/kycgate/nfc/readerclient"
	"github.com/kycgate/kycgate/nfc/result"
	"github.com/kycgate/kycgate/nfc/service"
	"github.com/kycgate/kycgate/nfc/upload"
)

// TestChipOnlyPartnerSteps runs sessions for a partner whose steps are the
// chip read alone: the app is told to show no consent screen and take no
// selfie, the upload needs neither, and the webhook carries no face match
// or liveness (null fields, empty array, no flag about them) even with a
// face engine at hand.
func TestChipOnlyPartnerSteps(t *testing.T) {
	e := newEnv(t, envOptions{engine: openFaceEngine(t), steps: []string{"chip_read"}})
	base := map[string]any{"api_key": e.apiKey, "ref": "order-7", "method": "enroll", "send_scan": []string{"docface"}}

	t.Run("selfie images are refused", func(t *testing.T) {
		body := map[string]any{"options": map[string]any{"num_images_liveness": 1}}
		for k, v := range base {
			body[k] = v
		}
		status, out, _ := e.post("/nfc/v1/session_init", body)
		assert.Equal(t, http.StatusBadRequest, status)
		assert.Equal(t, float64(1004), out["code"], "%v", out)
	})

	t.Run("no consent, no selfie, no face fields", func(t *testing.T) {
		body := map[string]any{"options": map[string]any{"num_images_liveness": 0}}
		for k, v := range base {
			body[k] = v
		}
		status, out, _ := e.post("/nfc/v1/session_init", body)
		require.Equal(t, http.StatusOK, status, "%v", out)
		code := out["data"].(map[string]any)["init_code"].(string)

		r, _ := e.redeemAndUploadAltered(code, nil, func(up *upload.Upload) { up.Consent = upload.Consent{} })
		assert.Equal(t, service.Steps{MRZConsent: false, ChipRead: true, NumImagesLiveness: 0}, r.Steps)

		w := e.partner.nextWithRef(t, "order-7")
		assert.Equal(t, "AUTHENTIC", w["verdict"], "%v", w)
		assert.Nil(t, w["face_match"])
		assert.Nil(t, w["face_match_confidence"])
		assert.Nil(t, w["liveness_confidence"])
		assert.Equal(t, []any{}, w["liveness_confidence_array"])
		assert.NotContains(t, w["flags"], result.FlagFaceNotCompared)
		assert.NotContains(t, w["flags"], result.FlagLivenessNotMeasured)
		assert.NotContains(t, w, "selfie_vector")
		assert.Equal(t, []byte{0xff, 0xd8}, b64(t, w["doc_face_image"])[:2], "the portrait is still sent as asked")
	})

	t.Run("consent that is sent must still match", func(t *testing.T) {
		body := map[string]any{"ref": "order-8"}
		for k, v := range base {
			if k != "ref" {
				body[k] = v
			}
		}
		status, out, _ := e.post("/nfc/v1/session_init", body)
		require.Equal(t, http.StatusOK, status, "%v", out)
		code := out["data"].(map[string]any)["init_code"].(string)
		e.redeemAndUploadAltered(code, nil, func(up *upload.Upload) { up.Consent.DocumentNumber = "X00000000" })
		w := e.partner.nextWithRef(t, "order-8")
		assert.Equal(t, "CONSENT_MISMATCH", w["verdict"], "%v", w)
	})
}

// TestDefaultStepsAskForConsentAndSelfies checks the default partner steps:
// the consent screen and at least one selfie.
func TestDefaultStepsAskForConsentAndSelfies(t *testing.T) {
	e := newEnv(t, envOptions{})
	status, out, _ := e.post("/nfc/v1/session_init", map[string]any{"api_key": e.apiKey, "method": "enroll",
		"options": map[string]any{"num_images_liveness": 0}})
	assert.Equal(t, http.StatusBadRequest, status)
	assert.Equal(t, float64(1004), out["code"], "%v", out)

	code := e.initSession(map[string]any{"options": map[string]any{}})
	ctx := context.Background()
	r, err := e.reader.Redeem(ctx, code)
	require.NoError(t, err)
	assert.Equal(t, service.Steps{MRZConsent: true, ChipRead: true, NumImagesLiveness: 1}, r.Steps)
	up, err := readerclient.NewUpload(specimenChip(t), r, selfies(t, 1, "kit"))
	require.NoError(t, err)
	up.Consent = upload.Consent{}
	sealed, err := readerclient.Seal(r, up)
	require.NoError(t, err)
	_, err = e.reader.UploadSealed(ctx, r.UploadToken, sealed)
	assert.Error(t, err, "the consent data is required when the consent screen is a step")
}
