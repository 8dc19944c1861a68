package integration_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kycgate/kycgate/gateway/auth/devissuer"
	"github.com/kycgate/kycgate/identity"
	"github.com/kycgate/kycgate/identity/profiles"
)

// merchantC is a third merchant, for the velocity rules.
const merchantC = "merchant-c"

// putList replaces a list through the admin endpoint.
func (e *env) putList(name, body string) {
	e.t.Helper()
	tok, err := e.issuer.Mint(devissuer.Claims{ClientID: "list-admin", Scope: profiles.ScopeAdmin})
	require.NoError(e.t, err)
	req, err := http.NewRequest(http.MethodPut, e.gateway.URL+"/reusage/v1/lists/"+name, strings.NewReader(body))
	require.NoError(e.t, err)
	req.Header.Set("Authorization", "Bearer "+tok)
	req.Header.Set("Content-Type", "application/json")
	res, err := e.gateway.Client().Do(req)
	require.NoError(e.t, err)
	_ = res.Body.Close()
	require.Equal(e.t, http.StatusOK, res.StatusCode, "list %s imported", name)
}

// verifyDocument runs a selfie and facematch verification of a person's
// two photos with a US driving licence of number, and the person part.
func (e *env) verifyDocument(merchant, person, selfie, documentPhoto, number string) map[string]any {
	e.t.Helper()
	return e.verifyPerson(merchant, []string{"selfie", "facematch"}, "", person,
		upload{inputType: identity.InputSelfiePhoto, photo: selfie},
		upload{inputType: identity.InputDocumentPhoto, photo: documentPhoto,
			data: `,"type":"driving-license","country":"US","number":"` + number + `"`})
}

// transactionOf returns the risk answer's transaction of a verification,
// once its end is recorded.
func (e *env) transactionOf(merchant string, resource map[string]any) map[string]any {
	e.t.Helper()
	profile := e.profileOf(merchant, resource["id"].(string))
	e.waitRecorded(merchant, profile, resource)
	status, risk := e.postJSON(profiles.PathRisk, merchant, map[string]string{"profileId": profile})
	require.Equal(e.t, http.StatusOK, status, "%v", risk)
	for _, tx := range risk["transactions"].([]any) {
		if m := tx.(map[string]any); m["verificationId"] == resource["id"] {
			return m
		}
	}
	require.Failf(e.t, "no transaction", "the risk answer lists verification %v: %v", resource["id"], risk)
	return nil
}

// reasonsOf returns the reason codes a transaction's message explains.
func reasonsOf(tx map[string]any) []string {
	message, _ := tx["message"].(string)
	var out []string
	for _, part := range strings.Split(message, "; ") {
		if code, _, ok := strings.Cut(part, " (+"); ok {
			out = append(out, code)
		}
	}
	return out
}

// cleanIP is a documentation address on no list: a person part declaring
// it keeps the loopback request address (on the Tor list below) out.
const cleanIP = `"ipAddress":"203.0.113.7"`

// TestRequestSignalsRaiseIndicatorsThroughTheAPI sends person data with
// the inputs through the verifications API and reads every indicator it
// raises back from the profiles API: nothing is injected into the
// recorder.
func TestRequestSignalsRaiseIndicatorsThroughTheAPI(t *testing.T) {
	e := newEnv(t)
	// The test client connects from loopback: the request IP recorded.
	e.putList("tor", `{"entries":["127.0.0.0/8"]}`)
	e.putList("fraud-emails", `{"entries":["@fraud.example"]}`)
	e.putList("watchlist", `{"entries":[{"id":"w-1","name":"Ivan Sergeyevich Watchlisted"}]}`)

	tests := []struct {
		name     string
		person   string
		selfie   string
		document string
		number   string
		want     string // the reason code raised, "" for none
	}{
		{"request IP on the Tor list", "", "alex@1.jpg", "alex@2.jpg", "T100000001", profiles.ReasonIPTor},
		{"e-mail on the fraud list", `{"email":"someone@mail.fraud.example",` + cleanIP + `}`,
			"biden@1.jpg", "biden@2.jpg", "T100000002", profiles.ReasonEmailFraud},
		{"name similar to a watch-list entry", `{"fullName":"Ivan Sergeevich Watchlisted",` + cleanIP + `}`,
			"kit@1.jpg", "kit@2.jpg", "T100000003", profiles.ReasonNameWatchlist},
		{"nothing listed", `{"fullName":"Rose Unlisted","email":"rose@clean.example",` + cleanIP + `}`,
			"rose@1.jpg", "rose@2.jpg", "T100000004", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ended := e.verifyDocument(merchantA, tt.person, tt.selfie, tt.document, tt.number)
			tx := e.transactionOf(merchantA, ended)
			if tt.want == "" {
				assert.Nil(t, tx["reasonCode"], "%v", tx)
				assert.InDelta(t, 0.0, tx["riskScore"], 1e-9)
				return
			}
			assert.Equal(t, []string{tt.want}, reasonsOf(tx), "only the constructed indicator: %v", tx)
			assert.Equal(t, tt.want, tx["reasonCode"])
			assert.Greater(t, tx["riskScore"], 0.0)
		})
	}
}

// TestEmailVelocityAndSharedContactThroughTheAPI verifies one person at
// three merchants with the same e-mail address: the third raises
// EMAIL_VELOCITY, and the contact answer holds only what the person agreed
// to share.
func TestEmailVelocityAndSharedContactThroughTheAPI(t *testing.T) {
	e := newEnv(t)
	const number = "V200000001"
	shared := `{"fullName":"Barack Example","email":"Person@Velocity.example","phoneNumber":"+1 555 010 0001",` +
		`"address":"1 Shared Street, Springfield","contactSharingConsent":true,` + cleanIP + `}`
	private := `{"email":"person@velocity.example","phoneNumber":"+1 555 010 0002","address":"2 Private Road",` + cleanIP + `}`

	first := e.verifyDocument(merchantA, shared, "obama@1.jpg", "obama@4.jpg", number)
	firstTx := e.transactionOf(merchantA, first)
	assert.NotContains(t, reasonsOf(firstTx), profiles.ReasonEmailVelocity, "one merchant is no velocity")

	second := e.verifyDocument(merchantB, private, "obama@2.jpg", "obama@5.jpg", number)
	e.transactionOf(merchantB, second)
	profile := e.profileOf(merchantB, second["id"].(string))

	status, contact := e.postJSON(profiles.PathContact, merchantB, map[string]string{"profileId": profile})
	require.Equal(t, http.StatusOK, status)
	assert.Equal(t, map[string]any{
		"contactNumbers": []any{"+15550100001"},
		"emails":         []any{"person@velocity.example"},
		"addresses":      []any{"1 Shared Street, Springfield"},
	}, contact["contactInformation"], "A's shared contact only: B's person gave no consent")
	status, contact = e.postJSON(profiles.PathContact, merchantA, map[string]string{"profileId": profile})
	require.Equal(t, http.StatusOK, status)
	assert.NotContains(t, contact["contactInformation"].(map[string]any)["contactNumbers"], "+15550100002",
		"contact data given without consent is not kept")

	third := e.verifyDocument(merchantC, `{"email":"person@velocity.example",`+cleanIP+`}`, "obama@3.jpg", "obama@4.jpg", number)
	thirdTx := e.transactionOf(merchantC, third)
	assert.Contains(t, reasonsOf(thirdTx), profiles.ReasonEmailVelocity, "three merchants within the window: %v", thirdTx)
	assert.NotContains(t, reasonsOf(thirdTx), profiles.ReasonEmailFraud)
}
