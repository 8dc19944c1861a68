package api_test

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/kycgate/kycgate/nfc/upload"
)

// TestWebhookWithholdsDataOnConsentAndAAFailures checks, through HTTP and
// the delivered webhook, that a consent mismatch or a failed Active
// Authentication discloses nothing: empty data, no images, no vectors, no
// face results. The authentic control proves the same session options do
// disclose when every check passed.
func TestWebhookWithholdsDataOnConsentAndAAFailures(t *testing.T) {
	e := newEnv(t, envOptions{})
	tests := []struct {
		ref     string
		mutate  func(up *upload.Upload)
		verdict string
		code    float64
	}{
		{"control", func(up *upload.Upload) {}, "AUTHENTIC", 0},
		{"consent", func(up *upload.Upload) { up.Consent.DateOfExpiry = "300101" }, "CONSENT_MISMATCH", 501},
		{"dg15-withheld", func(up *upload.Upload) { delete(up.DataGroups, "15") }, "AA_FAILED", 208},
		{"aa-forged", func(up *upload.Upload) { up.AASignature[len(up.AASignature)/2] ^= 0x01 }, "AA_FAILED", 208},
		{"aa-withheld", func(up *upload.Upload) { up.AASignature = nil }, "AA_FAILED", 208},
	}
	for _, tc := range tests {
		t.Run(tc.ref, func(t *testing.T) {
			e.redeemAndUploadAltered(e.initSession(map[string]any{"ref": tc.ref}), selfies(t, 2, "kit"), tc.mutate)

			w := e.partner.nextWithRef(t, tc.ref)
			assert.Equal(t, tc.verdict, w["verdict"])
			assert.Equal(t, tc.code, w["code"])
			if tc.verdict == "AUTHENTIC" {
				assert.NotEmpty(t, w["data"], "the control discloses the document data")
				assert.NotEmpty(t, w["doc_face_image"], "the control sends the asked-for portrait")
				assert.NotEmpty(t, w["selfie_image"])
				return
			}
			assert.Equal(t, "Err", w["result"])
			assert.Equal(t, map[string]any{}, w["data"])
			for _, key := range []string{"doc_face_image", "selfie_image", "doc_face_vector", "selfie_vector"} {
				assert.NotContains(t, w, key)
			}
			for _, key := range []string{"face_match", "face_match_confidence", "liveness_confidence"} {
				assert.Nil(t, w[key], key)
			}
			assert.Empty(t, w["liveness_confidence_array"])
		})
	}
}
