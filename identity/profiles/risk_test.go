package profiles_test

import (
	"context"
	"math"
	mrand "math/rand/v2"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kycgate/kycgate/config"
	"github.com/kycgate/kycgate/identity/profiles"
)

// testLists are imported through the admin endpoint before the risk cases.
var testLists = map[string]string{
	profiles.ListTor:         `{"entries":["185.220.101.0/24"]}`,
	profiles.ListVPN:         `{"entries":["192.0.2.0/24"]}`,
	profiles.ListHosting:     `{"entries":["198.18.0.0/15"]}`,
	profiles.ListFraudIPs:    `{"entries":["203.0.113.66"]}`,
	profiles.ListFraudEmails: `{"entries":["fraudster@example.net","@fraud.example"]}`,
	profiles.ListWatchlist:   `{"entries":[{"id":"WL-0042","name":"Ivan Petrovich Sidorov","aliases":["Ivan Sidorov"]}]}`,
}

func importTestLists(t *testing.T, e *env) {
	t.Helper()
	for name, body := range testLists {
		r := e.importList(name, body)
		require.Equal(t, http.StatusOK, r.status, "%s: %s", name, r.body)
	}
}

// riskCase is a constructed history of one person and the indicators it
// must raise, and only those.
type riskCase struct {
	name string
	// build returns the facts to record, in order, and the NFC results
	// recorded after them.
	build func(doc profiles.DocumentIdentity, start time.Time) ([]profiles.VerificationFacts, []profiles.NFCFacts)
	want  []string
}

// cleanFacts is a verification raising nothing: an unlisted IP, a unique
// e-mail, a name on no watch list.
func cleanFacts(merchant string, doc profiles.DocumentIdentity, created time.Time) profiles.VerificationFacts {
	id := verificationID()
	return profiles.VerificationFacts{
		MerchantID: merchant, VerificationID: id, IdentityID: "idn-" + id, CreatedAt: created,
		StatusChanges: []profiles.StatusChange{{Status: profiles.StatusVerified, At: created.Add(time.Minute)}},
		Document:      &doc,
		Names:         []string{"Maria Garcia"},
		Signals:       profiles.RequestSignals{IP: "198.51.100.77", Email: uniqueID("clean") + "@example.com"},
	}
}

// one is a single clean verification by merchant A changed by edit.
func one(edit func(f *profiles.VerificationFacts)) func(profiles.DocumentIdentity, time.Time) ([]profiles.VerificationFacts, []profiles.NFCFacts) {
	return func(doc profiles.DocumentIdentity, start time.Time) ([]profiles.VerificationFacts, []profiles.NFCFacts) {
		f := cleanFacts(merchantA, doc, start)
		edit(&f)
		return []profiles.VerificationFacts{f}, nil
	}
}

// withNFC is a clean verification with a linked NFC session's verdict.
func withNFC(verdict string) func(profiles.DocumentIdentity, time.Time) ([]profiles.VerificationFacts, []profiles.NFCFacts) {
	return func(doc profiles.DocumentIdentity, start time.Time) ([]profiles.VerificationFacts, []profiles.NFCFacts) {
		f := cleanFacts(merchantA, doc, start)
		return []profiles.VerificationFacts{f}, []profiles.NFCFacts{{MerchantID: merchantA, VerificationID: f.VerificationID,
			Verdict: verdict, Document: &doc, At: start.Add(2 * time.Minute)}}
	}
}

// decisions are verifications of the same document by the merchants, each
// with its final status, an hour apart.
func decisions(steps ...[2]string) func(profiles.DocumentIdentity, time.Time) ([]profiles.VerificationFacts, []profiles.NFCFacts) {
	return func(doc profiles.DocumentIdentity, start time.Time) ([]profiles.VerificationFacts, []profiles.NFCFacts) {
		var out []profiles.VerificationFacts
		for i, s := range steps {
			f := cleanFacts(s[0], doc, start.Add(time.Duration(i)*time.Hour))
			f.StatusChanges = []profiles.StatusChange{{Status: s[1], At: f.CreatedAt.Add(time.Minute)}}
			out = append(out, f)
		}
		out[0], out[len(out)-1] = out[len(out)-1], out[0]
		out[0], out[len(out)-1] = out[len(out)-1], out[0]
		return out, nil
	}
}

// visits are clean verifications of the document by merchants A, B, C,
// gap apart; sameEmail gives them one e-mail address.
func visits(gap time.Duration) func(profiles.DocumentIdentity, time.Time) ([]profiles.VerificationFacts, []profiles.NFCFacts) {
	return func(doc profiles.DocumentIdentity, start time.Time) ([]profiles.VerificationFacts, []profiles.NFCFacts) {
		var out []profiles.VerificationFacts
		for i, m := range []string{merchantB, merchantC, merchantA} {
			out = append(out, cleanFacts(m, doc, start.Add(time.Duration(i)*gap)))
		}
		return out, nil
	}
}

// sharedEmail is one e-mail address used at merchants B, C and A with
// three different documents (the queried profile is A's), gap apart.
func sharedEmail(gap time.Duration) func(profiles.DocumentIdentity, time.Time) ([]profiles.VerificationFacts, []profiles.NFCFacts) {
	return func(doc profiles.DocumentIdentity, start time.Time) ([]profiles.VerificationFacts, []profiles.NFCFacts) {
		email := uniqueID("shared") + "@example.com"
		var out []profiles.VerificationFacts
		for i, m := range []string{merchantB, merchantC, merchantA} {
			d := doc
			if m != merchantA {
				d.Number = uniqueID("OTHER")
			}
			f := cleanFacts(m, d, start.Add(time.Duration(i)*gap))
			f.Signals.Email = email
			out = append(out, f)
		}
		return out, nil
	}
}

func TestRiskIndicatorsAreRaisedByTheirCaseOnly(t *testing.T) {
	e := newEnv(t, envOptions{})
	importTestLists(t, e)
	weights := config.DefaultProfileWeights()
	cases := []riskCase{
		{"clean", one(func(*profiles.VerificationFacts) {}), nil},
		{"Tor exit IP", one(func(f *profiles.VerificationFacts) { f.Signals.IP = "185.220.101.7" }), []string{profiles.ReasonIPTor}},
		{"VPN IP", one(func(f *profiles.VerificationFacts) { f.Signals.IP = "192.0.2.9" }), []string{profiles.ReasonIPVPN}},
		{"hosting IP", one(func(f *profiles.VerificationFacts) { f.Signals.IP = "198.19.1.1" }), []string{profiles.ReasonIPHosting}},
		{"IPv4-mapped IPv6 hosting IP", one(func(f *profiles.VerificationFacts) { f.Signals.IP = "::ffff:198.18.0.1" }), []string{profiles.ReasonIPHosting}},
		{"IP next to a listed range", one(func(f *profiles.VerificationFacts) { f.Signals.IP = "198.20.0.1" }), nil},
		{"fraud IP", one(func(f *profiles.VerificationFacts) { f.Signals.IP = "203.0.113.66" }), []string{profiles.ReasonIPFraud}},
		{"fraud e-mail address", one(func(f *profiles.VerificationFacts) { f.Signals.Email = "Fraudster@Example.net" }), []string{profiles.ReasonEmailFraud}},
		{"fraud e-mail subdomain", one(func(f *profiles.VerificationFacts) { f.Signals.Email = "x@mail.fraud.example" }), []string{profiles.ReasonEmailFraud}},
		{"watch-listed name, reordered", one(func(f *profiles.VerificationFacts) { f.Names = []string{"SIDOROV, Ivan"} }), []string{profiles.ReasonNameWatchlist}},
		{"watch-listed name, misspelt", one(func(f *profiles.VerificationFacts) { f.Names = []string{"Iwan Petrovich Sidorov"} }), []string{profiles.ReasonNameWatchlist}},
		{"name far from the watch list", one(func(f *profiles.VerificationFacts) { f.Names = []string{"Ivana Smith"} }), nil},
		{"NFC: document signer revoked", withNFC("DS_REVOKED"), []string{profiles.ReasonNFCRevoked}},
		{"NFC: tampered data group", withNFC("DG_HASH_MISMATCH"), []string{profiles.ReasonNFCTampered}},
		{"NFC: authentic", withNFC("AUTHENTIC"), nil},
		{"rejected by A, reviewed by B", decisions([2]string{merchantA, "rejected"}, [2]string{merchantB, "reviewNeeded"}),
			[]string{profiles.ReasonDocumentRejected}},
		{"rejected twice by A alone", decisions([2]string{merchantA, "rejected"}, [2]string{merchantA, "rejected"}), nil},
		{"rejected by A, verified by B", decisions([2]string{merchantA, "rejected"}, [2]string{merchantB, "verified"}), nil},
		{"document at three merchants in two hours", visits(time.Hour), []string{profiles.ReasonDocumentVelocity}},
		{"document at three merchants in ten days", visits(5 * 24 * time.Hour), nil},
		{"e-mail at three merchants in two hours", sharedEmail(time.Hour), []string{profiles.ReasonEmailVelocity}},
		{"e-mail at three merchants in ten days", sharedEmail(5 * 24 * time.Hour), nil},
		{"everything at once", one(func(f *profiles.VerificationFacts) {
			f.Signals = profiles.RequestSignals{IP: "203.0.113.66", Email: "fraudster@example.net"}
			f.Names = []string{"Ivan Sidorov"}
		}), []string{profiles.ReasonIPFraud, profiles.ReasonEmailFraud, profiles.ReasonNameWatchlist}},
	}
	start := epoch
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			start = start.Add(30 * 24 * time.Hour)
			doc := profiles.DocumentIdentity{Country: "FR", Type: "passport", Number: uniqueID("RISK")}
			facts, nfc := tc.build(doc, start)
			for _, f := range facts {
				e.clock.Set(f.CreatedAt.Add(time.Minute))
				require.NoError(t, e.recorder.RecordVerification(context.Background(), f))
			}
			for _, n := range nfc {
				require.NoError(t, e.recorder.RecordNFCResult(context.Background(), n))
			}
			profileID, err := profiles.ProfileIDOf(doc)
			require.NoError(t, err)

			r := e.query(profiles.PathRisk, merchantA, profileID)
			require.Equal(t, http.StatusOK, r.status, "body: %s", r.body)
			body := r.json(t)
			var want float64
			for _, code := range tc.want {
				want += weights[code]
			}
			want = math.Min(want, 100)
			assert.InDelta(t, want, body["riskScore"], 1e-9, "profile score: %s", r.body)
			assert.Equal(t, want > 50, body["profileRisk"])

			txs := body["transactions"].([]any)
			require.NotEmpty(t, txs)
			newest := txs[0].(map[string]any)
			assert.ElementsMatch(t, tc.want, messageCodes(newest["message"]), "codes of the newest transaction: %s", r.body)
			assert.InDelta(t, want, newest["riskScore"], 1e-9)
			if len(tc.want) == 0 {
				assert.Nil(t, newest["reasonCode"])
				assert.Nil(t, newest["message"])
				return
			}
			assert.Equal(t, heaviest(tc.want, weights), newest["reasonCode"], "the reason code is the heaviest indicator")
			for _, secret := range []string{doc.Number, "Sidorov", "SIDOROV", "fraudster", "185.220.101.7", "203.0.113.66"} {
				assert.NotContains(t, newest["message"], secret, "evidence holds no personal data")
			}
		})
	}
}

// messageCodes returns the reason codes of a transaction message
// "CODE (+W): evidence; CODE (+W): evidence".
func messageCodes(message any) []string {
	s, _ := message.(string)
	if s == "" {
		return nil
	}
	var codes []string
	for _, part := range strings.Split(s, "; ") {
		code, _, ok := strings.Cut(part, " (+")
		if ok {
			codes = append(codes, code)
		}
	}
	return codes
}

// heaviest returns the code with the greatest weight (ties: the smallest
// code).
func heaviest(codes []string, weights map[string]float64) string {
	sorted := slices.Clone(codes)
	slices.SortFunc(sorted, func(a, b string) int {
		if weights[a] != weights[b] {
			return int(weights[b] - weights[a])
		}
		return strings.Compare(a, b)
	})
	return sorted[0]
}

func TestFaceLinkedToAnotherDocument(t *testing.T) {
	e := newEnv(t, envOptions{})
	r := mrand.New(mrand.NewPCG(7, 7))
	face := randomUnit(r, 512)
	ctx := context.Background()
	record := func(merchant string, number string, vector []float32) string {
		doc := profiles.DocumentIdentity{Country: "DE", Type: "national-id", Number: number}
		f := cleanFacts(merchant, doc, e.clock.Now())
		f.FaceTemplate = e.sealedFace(vector)
		require.NoError(t, e.recorder.RecordVerification(ctx, f))
		id, err := profiles.ProfileIDOf(doc)
		require.NoError(t, err)
		return id
	}
	codes := func(merchant, profileID string) ([]string, any) {
		res := e.query(profiles.PathRisk, merchant, profileID)
		require.Equal(t, http.StatusOK, res.status, "body: %s", res.body)
		body := res.json(t)
		return messageCodes(body["transactions"].([]any)[0].(map[string]any)["message"]), body["riskScore"]
	}

	first := record(merchantB, uniqueID("X"), face)
	got, score := codes(merchantB, first)
	assert.Empty(t, got, "the first verification of a face links to nothing")
	assert.InDelta(t, 0.0, score, 1e-9)

	sameDocAgain := record(merchantB, strings.Split(first, "|")[2], perturb(r, face, 0.2))
	got, _ = codes(merchantB, sameDocAgain)
	assert.Empty(t, got, "the same face with the same document is a returning customer, not a risk")

	other := record(merchantA, uniqueID("Y"), perturb(r, face, 0.2))
	got, score = codes(merchantA, other)
	assert.Equal(t, []string{profiles.ReasonFaceOtherDocument}, got, "the same face with another document")
	assert.InDelta(t, 60.0, score, 1e-9)

	_, score = codes(merchantB, first)
	assert.InDelta(t, 60.0, score, 1e-9, "the link is found from the first profile too, at query time")

	stranger := record(merchantA, uniqueID("Z"), randomUnit(r, 512))
	got, score = codes(merchantA, stranger)
	assert.Empty(t, got, "another face raises nothing")
	assert.InDelta(t, 0.0, score, 1e-9)
}

// perturb adds gaussian noise of the given norm to v and renormalises.
func perturb(r *mrand.Rand, v []float32, noise float64) []float32 {
	n := randomUnit(r, len(v))
	out := make([]float32, len(v))
	var sum float64
	for i := range v {
		out[i] = v[i] + float32(noise)*n[i]
		sum += float64(out[i]) * float64(out[i])
	}
	norm := float32(math.Sqrt(sum))
	for i := range out {
		out[i] /= norm
	}
	return out
}

func TestTransactionsKeepTheScoreOfTheirTime(t *testing.T) {
	e := newEnv(t, envOptions{})
	ctx := context.Background()
	doc := profiles.DocumentIdentity{Country: "ES", Type: "national-id", Number: uniqueID("T")}
	first := cleanFacts(merchantA, doc, epoch)
	first.Signals.IP = "185.220.101.7"
	require.NoError(t, e.recorder.RecordVerification(ctx, first))

	require.Equal(t, http.StatusOK, e.importList(profiles.ListTor, testLists[profiles.ListTor]).status)
	second := cleanFacts(merchantA, doc, epoch.Add(time.Hour))
	second.Signals.IP = "185.220.101.8"
	e.clock.Set(epoch.Add(2 * time.Hour))
	require.NoError(t, e.recorder.RecordVerification(ctx, second))

	profileID, err := profiles.ProfileIDOf(doc)
	require.NoError(t, err)
	r := e.query(profiles.PathRisk, merchantA, profileID)
	body := r.json(t)
	txs := body["transactions"].([]any)
	require.Len(t, txs, 2)
	assert.Equal(t, []string{profiles.ReasonIPTor}, messageCodes(txs[0].(map[string]any)["message"]),
		"the verification recorded after the import")
	assert.Empty(t, messageCodes(txs[1].(map[string]any)["message"]), "the verification recorded before the import keeps its score")
	assert.InDelta(t, 25.0, body["riskScore"], 1e-9, "the profile is scored with the lists of now")
}

func TestProfileRiskThresholdAndCap(t *testing.T) {
	e := newEnv(t, envOptions{configure: func(p *config.Profiles) {
		p.Risk.Threshold = 30
		p.Risk.Weights[profiles.ReasonIPFraud] = 80
		p.Risk.Weights[profiles.ReasonEmailFraud] = 80
		p.Risk.Weights[profiles.ReasonIPTor] = 0
	}})
	importTestLists(t, e)
	ctx := context.Background()
	tests := []struct {
		name    string
		signals profiles.RequestSignals
		score   float64
		risky   bool
	}{
		{"disabled indicator", profiles.RequestSignals{IP: "185.220.101.1"}, 0, false},
		{"one heavy indicator", profiles.RequestSignals{IP: "203.0.113.66"}, 80, true},
		{"capped at 100", profiles.RequestSignals{IP: "203.0.113.66", Email: "fraudster@example.net"}, 100, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			doc := profiles.DocumentIdentity{Country: "IT", Type: "passport", Number: uniqueID("C")}
			f := cleanFacts(merchantA, doc, epoch)
			f.Signals = tc.signals
			require.NoError(t, e.recorder.RecordVerification(ctx, f))
			id, err := profiles.ProfileIDOf(doc)
			require.NoError(t, err)
			body := e.query(profiles.PathRisk, merchantA, id).json(t)
			assert.InDelta(t, tc.score, body["riskScore"], 1e-9)
			assert.Equal(t, tc.risky, body["profileRisk"])
			assert.Equal(t, tc.risky, body["transactions"].([]any)[0].(map[string]any)["risk"])
		})
	}
}
