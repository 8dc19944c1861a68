package profiles

import (
	"context"
	"encoding/json"
	"fmt"
	mrand "math/rand/v2"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/kycgate/kycgate/biometric"
	"github.com/kycgate/kycgate/config"
	"github.com/kycgate/kycgate/store"
	"github.com/kycgate/kycgate/store/sqlite"
)

// benchLists builds lists of realistic size: 50,000 ranges in each IP
// list, 20,000 fraud e-mails and a watch list of 10,000 entries with two
// aliases each.
func benchLists(b *testing.B) *compiledLists {
	b.Helper()
	r := mrand.New(mrand.NewPCG(9, 9))
	c := &compiledLists{ip: map[string]*ipMatcher{}, digests: map[string]string{}}
	for _, name := range []string{ListVPN, ListHosting, ListTor, ListFraudIPs} {
		var ranges []string
		for range 50_000 {
			ranges = append(ranges, fmt.Sprintf("%d.%d.%d.0/%d", 1+r.IntN(222), r.IntN(256), r.IntN(256), 20+r.IntN(13)))
		}
		parsed, err := ParseList(name, []byte(strings.Join(ranges, "\n")))
		require.NoError(b, err)
		require.NoError(b, c.compileList(name, parsed.Entries))
	}
	var emails []string
	for i := range 20_000 {
		emails = append(emails, fmt.Sprintf("user%d@domain%d.example", i, r.IntN(500)))
	}
	parsed, err := ParseList(ListFraudEmails, []byte(strings.Join(emails, "\n")))
	require.NoError(b, err)
	require.NoError(b, c.compileList(ListFraudEmails, parsed.Entries))
	syllables := []string{"an", "ko", "vi", "mar", "tel", "sa", "ru", "dro", "li", "ne", "ga", "zu"}
	word := func() string {
		var w string
		for range 2 + r.IntN(2) {
			w += syllables[r.IntN(len(syllables))]
		}
		return w
	}
	var entries []WatchEntry
	for i := range 10_000 {
		entries = append(entries, WatchEntry{ID: fmt.Sprintf("WL-%05d", i), Name: word() + " " + word() + " " + word(),
			Aliases: []string{word() + " " + word(), word() + " " + word()}})
	}
	raw, err := json.Marshal(entries)
	require.NoError(b, err)
	require.NoError(b, c.compileList(ListWatchlist, raw))
	return c
}

// benchProfile is a profile of ten verifications by five merchants.
func benchProfile() []*record {
	start := time.Date(2025, 5, 1, 0, 0, 0, 0, time.UTC)
	var out []*record
	for i := range 10 {
		rec := &record{}
		rec.VerificationID = fmt.Sprintf("v%d", i)
		rec.MerchantID = fmt.Sprintf("m%d", i%5)
		rec.ProfileID = "US|PASSPORT|123"
		rec.CreatedAt = start.Add(time.Duration(i) * time.Hour)
		rec.Email = fmt.Sprintf("person%d@example.com", i%2)
		rec.doc = recordDoc{HasVerification: true, IP: fmt.Sprintf("203.0.%d.%d", i, i), Names: []string{"Jane Roe"},
			Statuses: []statusDoc{{Status: StatusRejected, At: rec.CreatedAt.Add(time.Minute)}}}
		out = append(out, rec)
	}
	return out
}

// BenchmarkRiskRules measures the in-memory part of a profile assessment:
// the signals of ten verifications against lists of 50,000 ranges each,
// 20,000 e-mails and a 10,000-entry watch list, the repeated-decision and
// velocity rules, and the summing of the indicators.
func BenchmarkRiskRules(b *testing.B) {
	rules, err := newRiskRules(config.DefaultProfiles().Risk)
	require.NoError(b, err)
	lists := benchLists(b)
	profile := benchProfile()
	now := profile[len(profile)-1].CreatedAt.Add(time.Hour)
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		var in []Indicator
		screen := newNameScreen(context.Background(), lists.watch, rules.watchlistThreshold)
		for _, rec := range profile {
			in = append(in, rules.signalIndicators(rec, lists, screen)...)
		}
		if x, ok := rules.repeatedDecisions(profile, now); ok {
			in = append(in, x)
		}
		if x, ok := rules.documentVelocity(profile, now); ok {
			in = append(in, x)
		}
		if a := newAssessment(in, rules.threshold, now); a.Score == 0 {
			b.Fatal("the bench profile raises indicators")
		}
	}
}

// BenchmarkProfileAssessment measures the risk answer's computation
// through the service on a real SQLite store: reading the lists' digests,
// the e-mail velocity queries, and the 1:N face search of the profile's
// newest templates over 10,000 stored templates (the index is built
// before the timer starts).
func BenchmarkProfileAssessment(b *testing.B) {
	ctx := context.Background()
	st, err := sqlite.Open(ctx, filepath.Join(b.TempDir(), "bench.db"))
	require.NoError(b, err)
	b.Cleanup(func() { st.Close() })
	key := make([]byte, biometric.SealKeySize)
	cal, _ := biometric.BuiltinCalibration(biometric.FacepluginModelID)
	svc, err := New(config.DefaultProfiles(), Deps{Store: st, TemplateKey: key, ReferenceKey: key, Calibration: cal})
	require.NoError(b, err)
	r := mrand.New(mrand.NewPCG(1, 1))
	unit := func() []float32 {
		v := make([]float32, 512)
		for i := range v {
			v[i] = float32(r.NormFloat64())
		}
		u, _ := unitVector(v)
		return u
	}
	var last VerificationFacts
	for i := range 10_000 {
		blob, err := biometric.SealTemplate(key, biometric.Template{ModelID: cal.ModelID, Vector: unit()})
		require.NoError(b, err)
		doc := DocumentIdentity{Country: "US", Type: "passport", Number: fmt.Sprintf("N%d", i%5000)}
		last = VerificationFacts{MerchantID: fmt.Sprintf("m%d", i%7), VerificationID: fmt.Sprintf("v%d", i),
			CreatedAt:     time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC).Add(time.Duration(i) * time.Minute),
			StatusChanges: []StatusChange{{Status: StatusVerified, At: time.Date(2025, 1, 2, 0, 0, 0, 0, time.UTC)}},
			Document:      &doc, Signals: RequestSignals{IP: "198.51.100.1", Email: fmt.Sprintf("p%d@example.com", i%5000)},
			FaceTemplate: blob}
		rec := &record{ProfileRecord: storeRecordOf(last)}
		require.NoError(b, rec.applyVerification(last, merchantSettings{}))
		enc, err := rec.encode()
		require.NoError(b, err)
		_, err = st.PutProfileRecord(ctx, enc)
		require.NoError(b, err)
	}
	profile, err := svc.profileRecords(ctx, "US|PASSPORT|N4999")
	require.NoError(b, err)
	require.Len(b, profile, 2)
	_, err = svc.assess(ctx, profile, profile) // builds the face index
	require.NoError(b, err)
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		if _, err := svc.assess(ctx, profile, profile); err != nil {
			b.Fatal(err)
		}
	}
}

// storeRecordOf starts the store form of a verification's record.
func storeRecordOf(f VerificationFacts) store.ProfileRecord {
	return store.ProfileRecord{VerificationID: f.VerificationID}
}
