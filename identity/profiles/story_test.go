package profiles_test

import (
	"context"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kycgate/kycgate/identity/profiles"
)

// person is Jane, verified by merchant A, then by merchant B, then again
// by A (a re-verification of A's identity), each time with the same US
// driving licence written differently.
type person struct {
	profileID           string
	vA1, vB, vA2        string
	identityA, identity string
}

var refPattern = regexp.MustCompile(`^ref_[0-9a-f]{32}$`)

func at(s string) time.Time {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		panic(err)
	}
	return t
}

// recordJane feeds the recorder with the facts the three verifications
// produce, as the verifications module does.
func recordJane(t *testing.T, e *env, number string) person {
	t.Helper()
	ctx := context.Background()
	p := person{profileID: "US|DRIVING-LICENSE|" + number, vA1: verificationID(), vB: verificationID(), vA2: verificationID(),
		identityA: verificationID(), identity: verificationID()}
	facts := []profiles.VerificationFacts{
		{
			MerchantID: merchantA, VerificationID: p.vA1, IdentityID: p.identityA, CreatedAt: at("2025-03-01T11:06:49Z"),
			StatusChanges: []profiles.StatusChange{
				{Status: "running", At: at("2025-03-01T11:06:50Z")},
				{Status: "reviewNeeded", At: at("2025-03-01T11:26:36Z")},
				{Status: "verified", At: at("2025-03-01T15:00:00Z")},
			},
			CompletedSteps: []string{"selfie", "facematch"},
			Document:       &profiles.DocumentIdentity{Country: "US", Type: "driving-license", Number: number},
			Names:          []string{"Jane Roe"},
			Contact: profiles.Contact{PhoneNumbers: []string{"11111111111111"}, Emails: []string{"jane@example.com"},
				ShareConsent: false},
			Signals: profiles.RequestSignals{IP: "198.51.100.10", Email: "jane@example.com"},
		},
		{
			MerchantID: merchantB, VerificationID: p.vB, IdentityID: p.identity, CreatedAt: at("2025-03-02T09:00:00Z"),
			StatusChanges:  []profiles.StatusChange{{Status: "verified", At: at("2025-03-02T09:05:00Z")}},
			CompletedSteps: []string{"liveness", "email-check"},
			Document:       &profiles.DocumentIdentity{Country: "USA", Type: "Driving License", Number: number[:4] + "-" + number[4:]},
			Names:          []string{"Jane Roe"},
			Contact: profiles.Contact{PhoneNumbers: []string{"22222222222222"}, Emails: []string{"Jane.Roe@example.org"},
				Addresses: []string{"1 Main St, Springfield"}, ShareConsent: true},
			Signals: profiles.RequestSignals{IP: "203.0.113.5", Email: "jane.roe@example.org"},
		},
		{
			MerchantID: merchantA, VerificationID: p.vA2, IdentityID: p.identityA, CreatedAt: at("2025-03-03T10:00:00Z"),
			StatusChanges: []profiles.StatusChange{
				{Status: "pending", At: at("2025-03-03T10:00:00Z")},
				{Status: "rejected", At: at("2025-03-03T10:01:00Z")},
			},
			CompletedSteps: []string{"selfie"},
			Document:       &profiles.DocumentIdentity{Country: "us", Type: "DRIVING_LICENSE", Number: number},
			Signals:        profiles.RequestSignals{IP: "198.51.100.10", Email: "jane@example.com"},
		},
	}
	for _, f := range facts {
		// The verifications module records at creation, then at each change.
		first := f
		first.StatusChanges, first.CompletedSteps = nil, nil
		require.NoError(t, e.recorder.RecordVerification(ctx, first))
		require.NoError(t, e.recorder.RecordVerification(ctx, f))
		require.NoError(t, e.recorder.RecordVerification(ctx, f), "recording the same facts twice changes nothing")
	}
	return p
}

func TestProfileStoryAcrossTwoMerchants(t *testing.T) {
	e := newEnv(t, envOptions{})
	e.clock.Set(at("2025-03-10T12:00:00Z"))
	jane := recordJane(t, e, "1234567890")

	t.Run("profile id of a verification", func(t *testing.T) {
		r := e.do(http.MethodGet, "/reusage/v1/verification/"+jane.vA1+"/profile", e.token(merchantA, profiles.ScopeRead), "")
		require.Equal(t, http.StatusOK, r.status, "body: %s", r.body)
		assert.JSONEq(t, `{"responseStatus":"SUCCESS","profileId":"US|DRIVING-LICENSE|1234567890"}`, string(r.body))
		assert.Equal(t, "no-store", r.header.Get("Cache-Control"))

		r = e.do(http.MethodGet, "/reusage/v1/verification/"+jane.vB+"/profile", e.token(merchantB, profiles.ScopeRead), "")
		assert.JSONEq(t, `{"responseStatus":"SUCCESS","profileId":"US|DRIVING-LICENSE|1234567890"}`, string(r.body),
			"another spelling of the same document gives the same profile")
	})

	t.Run("merchant A sees its own ids and B's as references", func(t *testing.T) {
		status := e.query(profiles.PathStatusVerification, merchantA, " us|driving license|1234-567890 ")
		require.Equal(t, http.StatusOK, status.status, "body: %s", status.body)
		refB := status.json(t)["verificationStatus"].([]any)[1].(map[string]any)["verificationId"].(string)
		require.Regexp(t, refPattern, refB)
		assert.JSONEq(t, `{"responseStatus":"SUCCESS","verificationStatus":[
			{"verificationId":"`+jane.vA1+`","merchantVertical":"Lending","country":"US","statusChangeHistory":[
				{"status":"reviewNeeded","date":"2025-03-01T11:26:36Z"},{"status":"verified","date":"2025-03-01T15:00:00Z"}]},
			{"verificationId":"`+refB+`","merchantVertical":"Gaming","country":"MX","statusChangeHistory":[
				{"status":"verified","date":"2025-03-02T09:05:00Z"}]},
			{"verificationId":"`+jane.vA2+`","merchantVertical":"Lending","country":"US","statusChangeHistory":[
				{"status":"rejected","date":"2025-03-03T10:01:00Z"}]}]}`, string(status.body))

		r := e.query(profiles.PathRisk, merchantA, jane.profileID)
		require.Equal(t, http.StatusOK, r.status, "body: %s", r.body)
		assert.JSONEq(t, `{"responseStatus":"SUCCESS","profileRisk":false,"riskScore":0.0,"transactions":[
			{"completedAt":"2025-03-03T10:01:00Z","verificationId":"`+jane.vA2+`","risk":false,"riskScore":0.0,"message":null,"reasonCode":null},
			{"completedAt":"2025-03-02T09:05:00Z","verificationId":"`+refB+`","risk":false,"riskScore":0.0,"message":null,"reasonCode":null},
			{"completedAt":"2025-03-01T15:00:00Z","verificationId":"`+jane.vA1+`","risk":false,"riskScore":0.0,"message":null,"reasonCode":null}]}`,
			string(r.body))
		assert.Contains(t, string(r.body), `"riskScore":0.0`, "scores are written as floats, as in the seed")

		r = e.query(profiles.PathContact, merchantA, jane.profileID)
		assert.JSONEq(t, `{"responseStatus":"SUCCESS","contactInformation":{
			"contactNumbers":["11111111111111","22222222222222"],
			"emails":["jane@example.com","jane.roe@example.org"],
			"addresses":["1 Main St, Springfield"]}}`, string(r.body), "B's contact data was given with the consent to share it")

		r = e.query(profiles.PathMerit, merchantA, jane.profileID)
		assert.JSONEq(t, `{"responseStatus":"SUCCESS","uniqueMerits":["Document Verification","Biometric Verification","Email Check"]}`, string(r.body))

		r = e.query(profiles.PathVerification, merchantA, jane.profileID)
		assert.JSONEq(t, `{"responseStatus":"SUCCESS","verifications":[
			{"id":"`+jane.vA1+`","created":"2025-03-01T11:06:49Z","status":"verified","firstVerification":true,"identityId":"`+jane.identityA+`"},
			{"id":"`+refB+`","created":"2025-03-02T09:00:00Z","status":"verified","firstVerification":false,"identityId":null},
			{"id":"`+jane.vA2+`","created":"2025-03-03T10:00:00Z","status":"rejected","firstVerification":false,"identityId":"`+jane.identityA+`"}]}`,
			string(r.body))

		r = e.query(profiles.PathHistory, merchantA, jane.profileID)
		assert.JSONEq(t, `{"responseStatus":"SUCCESS","userHistory":{"dateOfFirstVerification":"2025-03-01T11:06:49Z",
			"totalVerifications":3,"totalManualReview":0,"totalRejected":1,"totalNumberOfMerchants":2,"totalVerified":2}}`, string(r.body))
	})

	t.Run("merchant B never sees A's ids, identities or unshared contact data", func(t *testing.T) {
		var bodies []string
		for _, path := range []string{profiles.PathRisk, profiles.PathStatusVerification, profiles.PathContact,
			profiles.PathMerit, profiles.PathVerification, profiles.PathHistory} {
			r := e.query(path, merchantB, jane.profileID)
			require.Equal(t, http.StatusOK, r.status, "%s: %s", path, r.body)
			bodies = append(bodies, string(r.body))
		}
		all := strings.Join(bodies, "\n")
		for _, secret := range []string{jane.vA1, jane.vA2, jane.identityA, "11111111111111", "jane@example.com", "198.51.100.10"} {
			assert.NotContains(t, all, secret, "merchant B must not see A's data")
		}
		assert.Contains(t, all, jane.vB, "B sees its own verification id")
		assert.Contains(t, all, jane.identity, "B sees its own identity id")

		r := e.query(profiles.PathVerification, merchantB, jane.profileID)
		items := r.json(t)["verifications"].([]any)
		refA1 := items[0].(map[string]any)["id"].(string)
		refA2 := items[2].(map[string]any)["id"].(string)
		require.Regexp(t, refPattern, refA1)
		require.Regexp(t, refPattern, refA2)
		assert.NotEqual(t, refA1, refA2)
		assert.JSONEq(t, `{"responseStatus":"SUCCESS","verifications":[
			{"id":"`+refA1+`","created":"2025-03-01T11:06:49Z","status":"verified","firstVerification":true,"identityId":null},
			{"id":"`+jane.vB+`","created":"2025-03-02T09:00:00Z","status":"verified","firstVerification":false,"identityId":"`+jane.identity+`"},
			{"id":"`+refA2+`","created":"2025-03-03T10:00:00Z","status":"rejected","firstVerification":false,"identityId":null}]}`, string(r.body))

		r = e.query(profiles.PathContact, merchantB, jane.profileID)
		assert.JSONEq(t, `{"responseStatus":"SUCCESS","contactInformation":{"contactNumbers":["22222222222222"],
			"emails":["jane.roe@example.org"],"addresses":["1 Main St, Springfield"]}}`, string(r.body))

		again := e.query(profiles.PathStatusVerification, merchantB, jane.profileID)
		assert.Equal(t, refA1, again.json(t)["verificationStatus"].([]any)[0].(map[string]any)["verificationId"],
			"a reference is stable for its caller")

		requireError(t, e.do(http.MethodGet, "/reusage/v1/verification/"+jane.vA1+"/profile", e.token(merchantB, profiles.ScopeRead), ""),
			http.StatusNotFound, "VERIFICATION_NOT_FOUND")
	})

	t.Run("references differ between callers", func(t *testing.T) {
		require.NoError(t, e.recorder.RecordVerification(context.Background(), profiles.VerificationFacts{
			MerchantID: merchantC, VerificationID: verificationID(), CreatedAt: at("2025-03-04T08:00:00Z"),
			StatusChanges: []profiles.StatusChange{{Status: "verified", At: at("2025-03-04T08:01:00Z")}},
			Document:      &profiles.DocumentIdentity{Country: "US", Type: "DRIVING-LICENSE", Number: "1234567890"},
		}))
		refOf := func(merchant string) string {
			r := e.query(profiles.PathVerification, merchant, jane.profileID)
			require.Equal(t, http.StatusOK, r.status, "body: %s", r.body)
			return r.json(t)["verifications"].([]any)[0].(map[string]any)["id"].(string)
		}
		assert.NotEqual(t, refOf(merchantB), refOf(merchantC), "two merchants cannot join their answers on a reference")
	})

	t.Run("a merchant that never verified the person gets 404 like for an unknown profile", func(t *testing.T) {
		stranger := e.query(profiles.PathHistory, "merchant-z", jane.profileID)
		requireError(t, stranger, http.StatusNotFound, "PROFILE_NOT_FOUND")
		unknown := e.query(profiles.PathHistory, "merchant-z", "US|DRIVING-LICENSE|999")
		assert.Equal(t, string(unknown.body), string(stranger.body))
	})

	t.Run("the profile id is never logged", func(t *testing.T) {
		logs := e.logs.String()
		assert.NotContains(t, logs, "1234567890")
		assert.NotContains(t, logs, "jane")
	})
}
