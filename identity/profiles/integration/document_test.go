package integration_test

import (
	"bytes"
	"mime/multipart"
	"net/http"
	"net/textproto"
	"testing"
	"time"

	"github.com/kycgate/kycgate/identity"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// upload is one file of a send-input form.
type upload struct {
	inputType string
	photo     string
	data      string // the descriptor's data object, without the filename
}

// verifyWith runs a verification of the flow's steps with the given inputs,
// as a re-verification of identityID when it is set, and returns the ended
// resource.
func (e *env) verifyWith(merchant string, steps []string, identityID string, uploads ...upload) map[string]any {
	e.t.Helper()
	return e.verifyPerson(merchant, steps, identityID, "", uploads...)
}

// verifyPerson is verifyWith with a person part (none when empty).
func (e *env) verifyPerson(merchant string, steps []string, identityID, person string, uploads ...upload) map[string]any {
	e.t.Helper()
	status, flow := e.postJSON("/v2/flows", merchant, map[string]any{"name": "flow", "steps": steps})
	require.Equal(e.t, http.StatusCreated, status, "flow: %v", flow)
	start := map[string]any{"flowId": flow["id"]}
	if identityID != "" {
		start["identityId"] = identityID
	}
	status, v := e.postJSON("/v2/verifications", merchant, start)
	require.Equal(e.t, http.StatusCreated, status, "verification: %v", v)
	id := v["id"].(string)

	var buf bytes.Buffer
	w := multipart.NewWriter(&buf)
	descriptors := "["
	for i, u := range uploads {
		if i > 0 {
			descriptors += ","
		}
		descriptors += `{"inputType":"` + u.inputType + `","data":{"filename":"` + u.inputType + `.jpg"` + u.data + `}}`
	}
	require.NoError(e.t, w.WriteField("inputs", descriptors+"]"))
	if person != "" {
		require.NoError(e.t, w.WriteField("person", person))
	}
	for _, u := range uploads {
		h := textproto.MIMEHeader{}
		h.Set("Content-Disposition", `form-data; name="`+u.inputType+`"; filename="`+u.inputType+`.jpg"`)
		h.Set("Content-Type", "application/octet-stream")
		part, err := w.CreatePart(h)
		require.NoError(e.t, err)
		_, err = part.Write(facePhoto(e.t, u.photo))
		require.NoError(e.t, err)
	}
	require.NoError(e.t, w.Close())
	status, sent := e.call(http.MethodPost, "/v2/verifications/"+id+"/send-input", merchant, buf.Bytes(), w.FormDataContentType())
	require.Less(e.t, status, 300, "send-input: %v", sent)

	var ended map[string]any
	require.Eventually(e.t, func() bool {
		_, ended = e.call(http.MethodGet, "/v2/verifications/"+id, merchant, nil, "")
		switch ended["status"] {
		case identity.StatusVerified, identity.StatusReviewNeeded, identity.StatusRejected:
			return true
		}
		return false
	}, 60*time.Second, 50*time.Millisecond, "the verification ends")
	return ended
}

func TestMerchantSuppliedDocumentNamesTheProfileAndFollowsReverification(t *testing.T) {
	e := newEnv(t)
	first := e.verifyWith(merchantA, []string{"selfie", "facematch"}, "",
		upload{inputType: identity.InputSelfiePhoto, photo: "kit@1.jpg"},
		upload{inputType: identity.InputDocumentPhoto, photo: "kit@3.jpg", data: `,"type":"driving-license","country":"US","number":"1234567890"`})
	assert.NotContains(t, first["documents"], "1234567890", "the number is never shown in the resource")
	profile := e.profileOf(merchantA, first["id"].(string))
	assert.Equal(t, "US|DRIVING-LICENSE|1234567890", profile)

	again := e.verifyWith(merchantA, []string{"selfie", "re-facematch"}, first["identity"].(string),
		upload{inputType: identity.InputSelfiePhoto, photo: "kit@3.jpg"})
	assert.Equal(t, profile, e.profileOf(merchantA, again["id"].(string)),
		"the re-verification carries the identity's document over")
	item := e.waitRecorded(merchantA, profile, again)
	assert.Equal(t, false, item["firstVerification"])
}
