package identity_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kycgate/kycgate/identity"
	"github.com/kycgate/kycgate/internal/jsonlimit"
)

// sendWithPerson uploads one selfie with the given person parts.
func (e *env) sendWithPerson(verificationID string, photo []byte, persons ...string) response {
	e.t.Helper()
	body, contentType := multipartForm(e.t, `[{"inputType":"selfie-photo","data":{"filename":"s.jpg"}}]`,
		[]file{{inputType: "selfie-photo", name: "s.jpg", data: photo}}, persons...)
	return e.call(http.MethodPost, "/v2/verifications/"+verificationID+"/send-input", e.token(merchantA), body, contentType)
}

func TestSendInputRefusesAnInputsPartBeyondTheJSONLimits(t *testing.T) {
	e := newEnv(t, envOptions{engine: noneEngine()})
	flow := e.createFlow(merchantA, identity.StepSelfie, identity.StepFacematch)
	photo := noFacePhoto(t)
	files := []file{{inputType: "selfie-photo", name: "s.jpg", data: photo}, {inputType: "document-photo", name: "d.jpg", data: photo}}
	inputs := func(document string) string {
		return `[{"inputType":"selfie-photo","data":{"filename":"s.jpg"}},` +
			`{"inputType":"document-photo","data":{"filename":"d.jpg","type":"passport","country":"ES",` + document + `}}]`
	}
	for name, document := range map[string]string{
		"NUL in the document number": `"number":"QX77\u000088990"`,
		"nested too deep":            `"extra":` + strings.Repeat("[", jsonlimit.MaxDepth) + strings.Repeat("]", jsonlimit.MaxDepth),
	} {
		t.Run(name, func(t *testing.T) {
			id := e.start(merchantA, flow, "", nil)["id"].(string)
			body, contentType := multipartForm(t, inputs(document), files)
			r := e.call(http.MethodPost, "/v2/verifications/"+id+"/send-input", e.token(merchantA), body, contentType)
			requireError(t, r, http.StatusBadRequest, "INVALID_ARGUMENT")
			assert.Contains(t, r.object(t)["message"], "the inputs part")
			assert.Equal(t, identity.StatusPending, e.get(merchantA, id).object(t)["status"], "nothing was stored")
		})
	}
}

func TestSendInputRefusesABadPersonPartWithoutRepeatingIt(t *testing.T) {
	e := newEnv(t, envOptions{engine: noneEngine()})
	flow := e.createFlow(merchantA, identity.StepSelfie)
	photo := noFacePhoto(t)

	tests := []struct {
		name, person, secret string
	}{
		{"not JSON", `fullName=Zed Secretname`, "Secretname"},
		{"unknown field", `{"fullName":"Zed Secretname","birthDate":"1990-01-01"}`, "Secretname"},
		{"consent as a string", `{"email":"zed@secret.example","contactSharingConsent":"yes"}`, "zed@secret.example"},
		{"e-mail without a domain", `{"email":"zed.secret@"}`, "zed.secret"},
		{"e-mail with a display name", `{"email":"Zed <zed@secret.example>"}`, "zed@secret.example"},
		{"phone with letters", `{"phoneNumber":"+1 555 SECRET"}`, "SECRET"},
		{"phone too short", `{"phoneNumber":"12345"}`, "12345"},
		{"name on two lines", `{"fullName":"Zed\nSecretname"}`, "Secretname"},
		{"not an IP address", `{"ipAddress":"secret.example"}`, "secret.example"},
		{"two person parts", `{"fullName":"Zed Secretname"}`, "Secretname"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			id := e.start(merchantA, flow, "", nil)["id"].(string)
			persons := []string{tt.person}
			if tt.name == "two person parts" {
				persons = append(persons, tt.person)
			}
			r := e.sendWithPerson(id, photo, persons...)
			requireError(t, r, http.StatusBadRequest, "INVALID_ARGUMENT")
			assert.NotContains(t, string(r.body), tt.secret, "the message never repeats the value")
			got := e.get(merchantA, id).object(t)
			assert.Equal(t, identity.StatusPending, got["status"], "nothing was stored")
		})
	}
	assert.NotContains(t, e.logs.String(), "Secretname")
	assert.NotContains(t, e.logs.String(), "secret.example")
}

func TestPersonPartAndRequestIPReachTheObserver(t *testing.T) {
	observer := &recordingObserver{}
	e := newEnv(t, envOptions{engine: noneEngine(), observer: observer})
	flow := e.createFlow(merchantA, identity.StepSelfie)
	photo := noFacePhoto(t)

	tests := []struct {
		name     string
		person   []string
		want     *identity.Person
		clientIP string
	}{
		{"no person part: the request IP only", nil, nil, "127.0.0.1"},
		{
			"person part normalised, request IP",
			[]string{`{"fullName":" Zed Secretname ","email":"zed@secret.example","phoneNumber":"+1 (555) 010-9999","address":"1 Hidden Lane, Springfield","contactSharingConsent":true}`},
			&identity.Person{FullName: "Zed Secretname", Email: "zed@secret.example", PhoneNumber: "+15550109999",
				Address: "1 Hidden Lane, Springfield", ContactSharingConsent: true},
			"127.0.0.1",
		},
		{
			"declared IP wins, no consent",
			[]string{`{"email":"zed@secret.example","ipAddress":"::ffff:203.0.113.9"}`},
			&identity.Person{Email: "zed@secret.example", IPAddress: "203.0.113.9"},
			"203.0.113.9",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			id := e.start(merchantA, flow, "", nil)["id"].(string)
			r := e.sendWithPerson(id, photo, tt.person...)
			require.Equal(t, http.StatusOK, r.status, "body: %s", r.body)
			ended := e.waitEnded(merchantA, id)

			var end identity.Report
			require.Eventually(t, func() bool {
				reports, _ := observer.snapshot()
				for _, rep := range reports {
					if rep.VerificationID == id && rep.Status == ended["status"] {
						end = rep
						return true
					}
				}
				return false
			}, 5*time.Second, 10*time.Millisecond, "the end is reported")
			assert.Equal(t, tt.want, end.Person)
			assert.Equal(t, tt.clientIP, end.ClientIP)

			raw := fmt.Sprint(e.get(merchantA, id).object(t))
			assert.NotContains(t, raw, "Secretname", "the resource never shows the person")
			assert.NotContains(t, raw, "secret.example")
			assert.NotContains(t, raw, "127.0.0.1")
		})
	}
	logs := e.logs.String()
	for _, secret := range []string{"Secretname", "secret.example", "5550109999", "Hidden Lane", "203.0.113.9"} {
		assert.NotContains(t, logs, secret, "nothing of the person is logged")
	}
}
