package profiles_test

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kycgate/kycgate/biometric"
	"github.com/kycgate/kycgate/identity/profiles"
)

func TestErrorsUseTheEnvelope(t *testing.T) {
	e := newEnv(t, envOptions{})
	ctx := context.Background()
	noDoc := verificationID()
	require.NoError(t, e.recorder.RecordVerification(ctx, profiles.VerificationFacts{
		MerchantID: merchantA, VerificationID: noDoc, CreatedAt: epoch,
		StatusChanges: []profiles.StatusChange{{Status: "verified", At: epoch}},
	}))
	read := e.token(merchantA, profiles.ScopeRead)
	tests := []struct {
		name   string
		method string
		path   string
		token  string
		body   string
		status int
		code   string
	}{
		{"no token", http.MethodPost, profiles.PathRisk, "", `{"profileId":"US|PASSPORT|1"}`, 401, "UNAUTHENTICATED"},
		{"forged token", http.MethodPost, profiles.PathRisk, "eyJhbGciOiJub25lIn0.e30.", `{"profileId":"US|PASSPORT|1"}`, 401, "UNAUTHENTICATED"},
		{"admin scope only", http.MethodPost, profiles.PathRisk, e.token(merchantA, profiles.ScopeAdmin), `{"profileId":"US|PASSPORT|1"}`, 403, "PERMISSION_DENIED"},
		{"read scope on the admin route", http.MethodPut, "/reusage/v1/lists/tor", read, `{"entries":[]}`, 403, "PERMISSION_DENIED"},
		{"not JSON", http.MethodPost, profiles.PathHistory, read, `{"profileId":`, 400, "INVALID_ARGUMENT"},
		{"missing profileId", http.MethodPost, profiles.PathHistory, read, `{}`, 400, "INVALID_ARGUMENT"},
		{"unknown property", http.MethodPost, profiles.PathHistory, read, `{"profileId":"US|PASSPORT|1","x":1}`, 400, "INVALID_ARGUMENT"},
		{"profile id of two parts", http.MethodPost, profiles.PathHistory, read, `{"profileId":"US|PASSPORT"}`, 400, "INVALID_ARGUMENT"},
		{"unknown document type", http.MethodPost, profiles.PathHistory, read, `{"profileId":"US|LIBRARY-CARD|12345"}`, 400, "INVALID_ARGUMENT"},
		{"unknown profile", http.MethodPost, profiles.PathMerit, read, `{"profileId":"US|PASSPORT|00000"}`, 404, "PROFILE_NOT_FOUND"},
		{"unknown verification", http.MethodGet, "/reusage/v1/verification/" + verificationID() + "/profile", read, "", 404, "VERIFICATION_NOT_FOUND"},
		{"verification without a document", http.MethodGet, "/reusage/v1/verification/" + noDoc + "/profile", read, "", 404, "NO_PROFILE"},
		{"unknown list", http.MethodPut, "/reusage/v1/lists/bananas", e.token("ops", profiles.ScopeAdmin), `{"entries":[]}`, 404, "LIST_NOT_FOUND"},
		{"wrong method", http.MethodGet, profiles.PathRisk, read, "", 405, "METHOD_NOT_ALLOWED"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := e.do(tc.method, tc.path, tc.token, tc.body)
			if tc.status == 405 {
				require.Equal(t, 405, r.status)
				return
			}
			requireError(t, r, tc.status, tc.code)
		})
	}
	t.Run("messages never repeat the profile id", func(t *testing.T) {
		r := e.query(profiles.PathHistory, merchantA, "US|LIBRARY-CARD|9876543")
		requireError(t, r, 400, "INVALID_ARGUMENT")
		assert.NotContains(t, string(r.body), "9876543")
	})
}

func TestListImportRefusesABadFileWhole(t *testing.T) {
	e := newEnv(t, envOptions{})
	good := e.importList(profiles.ListTor, `{"entries":["185.220.101.0/24","185.220.102.4","2a0b:f4c2::/32","185.220.102.4"]}`)
	require.Equal(t, http.StatusOK, good.status, "body: %s", good.body)
	list := good.json(t)["list"].(map[string]any)
	assert.Equal(t, "tor", list["name"])
	assert.EqualValues(t, 3, list["entries"], "duplicates are counted once")
	digest := list["sha256"]

	doc := profiles.DocumentIdentity{Country: "NL", Type: "passport", Number: uniqueID("L")}
	f := cleanFacts(merchantA, doc, epoch)
	f.Signals.IP = "185.220.102.4"
	require.NoError(t, e.recorder.RecordVerification(context.Background(), f))
	profileID, err := profiles.ProfileIDOf(doc)
	require.NoError(t, err)
	scoreNow := func() any { return e.query(profiles.PathRisk, merchantA, profileID).json(t)["riskScore"] }
	assert.InDelta(t, 25.0, scoreNow(), 1e-9)

	bad := e.importList(profiles.ListTor, `{"entries":["10.0.0.0/8","not-an-ip","300.1.1.1",42,"fe80::1%eth0"]}`)
	requireError(t, bad, http.StatusBadRequest, "INVALID_LIST")
	msg := bad.json(t)["message"].(string)
	for _, want := range []string{"entry 2", "entry 3", "entry 4", "entry 5", "nothing was imported"} {
		assert.Contains(t, msg, want)
	}
	assert.NotContains(t, msg, "not-an-ip", "problems never repeat the entries")
	assert.NotContains(t, msg, "entry 1:", "the valid entry is not a problem")

	lists := e.do(http.MethodGet, profiles.PathLists, e.token("ops", profiles.ScopeAdmin), "")
	require.Equal(t, http.StatusOK, lists.status, "body: %s", lists.body)
	infos := lists.json(t)["lists"].([]any)
	require.Len(t, infos, 1)
	assert.Equal(t, digest, infos[0].(map[string]any)["sha256"], "the old list stays in force")
	assert.InDelta(t, 25.0, scoreNow(), 1e-9, "and so do its matches")

	emptied := e.importList(profiles.ListTor, `{"entries":[]}`)
	require.Equal(t, http.StatusOK, emptied.status, "body: %s", emptied.body)
	assert.InDelta(t, 0.0, scoreNow(), 1e-9, "an explicit empty list replaces the old one")

	watch := e.importList(profiles.ListWatchlist, `{"entries":[{"id":"A","name":"Ok Name"},{"id":"A","name":"Dup"},{"id":"B","name":"--"},{"name":"No Id"},{"id":"C","name":"X","extra":1}]}`)
	requireError(t, watch, http.StatusBadRequest, "INVALID_LIST")
	wmsg := watch.json(t)["message"].(string)
	for _, want := range []string{"entry 2", "entry 3", "entry 4", "entry 5"} {
		assert.Contains(t, wmsg, want)
	}
	assert.False(t, strings.Contains(wmsg, "entry 1:"))
}

func TestNFCDocumentBecomesTheProfileWhenAuthentic(t *testing.T) {
	e := newEnv(t, envOptions{})
	ctx := context.Background()
	typed := profiles.DocumentIdentity{Country: "UT", Type: "passport", Number: "L898902C3"}
	chip := profiles.DocumentIdentity{Country: "UTO", Type: "P<", Number: "L898902C<"}
	id := verificationID()
	nfc := profiles.NFCFacts{MerchantID: merchantA, VerificationID: id, Verdict: "AUTHENTIC", Document: &chip,
		Names: []string{"ANNA MARIA ERIKSSON"}, At: epoch.Add(time.Minute)}
	require.NoError(t, e.recorder.RecordNFCResult(ctx, nfc), "an NFC result may arrive before its verification")

	profilePath := "/reusage/v1/verification/" + id + "/profile"
	requireError(t, e.do(http.MethodGet, profilePath, e.token(merchantA, profiles.ScopeRead), ""), 404, "VERIFICATION_NOT_FOUND")

	f := cleanFacts(merchantA, typed, epoch)
	f.VerificationID = id
	f.Document = &profiles.DocumentIdentity{Country: "UT", Type: "passport", Number: "TYPO1234"}
	f.CompletedSteps = []string{"selfie"}
	require.NoError(t, e.recorder.RecordVerification(ctx, f))

	r := e.do(http.MethodGet, profilePath, e.token(merchantA, profiles.ScopeRead), "")
	require.Equal(t, http.StatusOK, r.status, "body: %s", r.body)
	assert.JSONEq(t, `{"responseStatus":"SUCCESS","profileId":"UT|PASSPORT|L898902C"}`, string(r.body),
		"the authentic chip's document wins over the one the merchant typed")
	merits := e.query(profiles.PathMerit, merchantA, "UT|PASSPORT|L898902C")
	assert.JSONEq(t, `{"responseStatus":"SUCCESS","uniqueMerits":["Biometric Verification","NFC Document Verification"]}`, string(merits.body))

	require.ErrorIs(t, e.recorder.RecordNFCResult(ctx, profiles.NFCFacts{MerchantID: merchantB, VerificationID: id,
		Verdict: "DS_REVOKED", At: epoch}), profiles.ErrInvalidFacts, "another merchant cannot attach a result to A's verification")

	require.NoError(t, e.recorder.ForgetVerification(ctx, merchantA, id))
	requireError(t, e.do(http.MethodGet, profilePath, e.token(merchantA, profiles.ScopeRead), ""), 404, "VERIFICATION_NOT_FOUND")
	requireError(t, e.query(profiles.PathMerit, merchantA, "UT|PASSPORT|L898902C"), 404, "PROFILE_NOT_FOUND")
	require.NoError(t, e.recorder.ForgetVerification(ctx, merchantA, id), "forgetting twice is harmless")
}

func TestRecorderRefusesUnusableFacts(t *testing.T) {
	e := newEnv(t, envOptions{})
	ctx := context.Background()
	other := randomKey(t)
	valid := cleanFacts(merchantA, profiles.DocumentIdentity{Country: "US", Type: "passport", Number: "P1"}, epoch)
	tests := []struct {
		name string
		edit func(f *profiles.VerificationFacts)
	}{
		{"no merchant", func(f *profiles.VerificationFacts) { f.MerchantID = "" }},
		{"no verification id", func(f *profiles.VerificationFacts) { f.VerificationID = "" }},
		{"no creation time", func(f *profiles.VerificationFacts) { f.CreatedAt = time.Time{} }},
		{"bad document", func(f *profiles.VerificationFacts) {
			f.Document = &profiles.DocumentIdentity{Country: "US", Type: "passport", Number: "#!"}
		}},
		{"template sealed with another key", func(f *profiles.VerificationFacts) {
			blob, err := biometric.SealTemplate(other, biometric.Template{ModelID: e.calibration.ModelID, Vector: []float32{1, 0}})
			require.NoError(t, err)
			f.FaceTemplate = blob
		}},
		{"not a sealed template", func(f *profiles.VerificationFacts) { f.FaceTemplate = []byte("plain") }},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f := valid
			f.VerificationID = verificationID()
			tc.edit(&f)
			err := e.recorder.RecordVerification(ctx, f)
			require.Error(t, err)
			assert.NotContains(t, err.Error(), "#!")
		})
	}
	t.Run("a verification id of another merchant", func(t *testing.T) {
		f := valid
		f.VerificationID = verificationID()
		require.NoError(t, e.recorder.RecordVerification(ctx, f))
		f.MerchantID = merchantB
		require.ErrorIs(t, e.recorder.RecordVerification(ctx, f), profiles.ErrInvalidFacts)
	})
}

func TestADocumentWithoutNumberNamesNoProfile(t *testing.T) {
	e := newEnv(t, envOptions{})
	id := verificationID()
	require.NoError(t, e.recorder.RecordVerification(context.Background(), profiles.VerificationFacts{
		MerchantID: merchantA, VerificationID: id, CreatedAt: epoch,
		Document: &profiles.DocumentIdentity{Country: "US", Type: "passport"},
	}), "a document photo of known type and country only is not an error")
	requireError(t, e.do(http.MethodGet, "/reusage/v1/verification/"+id+"/profile", e.token(merchantA, profiles.ScopeRead), ""),
		http.StatusNotFound, "NO_PROFILE")
}

func TestConcurrentFactsOfOneVerificationAreMerged(t *testing.T) {
	e := newEnv(t, envOptions{})
	doc := profiles.DocumentIdentity{Country: "PT", Type: "passport", Number: uniqueID("CC")}
	base := cleanFacts(merchantA, doc, epoch)
	base.StatusChanges = nil
	statuses := []string{"pending", "running", "reviewNeeded", "verified"}
	var wg sync.WaitGroup
	errs := make(chan error, len(statuses))
	for i, s := range statuses {
		wg.Go(func() {
			f := base
			f.StatusChanges = []profiles.StatusChange{{Status: s, At: epoch.Add(time.Duration(i) * time.Minute)}}
			f.CompletedSteps = []string{fmt.Sprintf("step-%d", i)}
			errs <- e.recorder.RecordVerification(context.Background(), f)
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		require.NoError(t, err)
	}
	id, err := profiles.ProfileIDOf(doc)
	require.NoError(t, err)
	r := e.query(profiles.PathStatusVerification, merchantA, id)
	require.Equal(t, http.StatusOK, r.status, "body: %s", r.body)
	assert.Contains(t, string(r.body), `"statusChangeHistory":[{"status":"reviewNeeded","date":"2025-03-01T11:08:49Z"},{"status":"verified","date":"2025-03-01T11:09:49Z"}]`,
		"no concurrent write is lost")
	v := e.query(profiles.PathVerification, merchantA, id)
	assert.Contains(t, string(v.body), `"status":"verified"`)
}
