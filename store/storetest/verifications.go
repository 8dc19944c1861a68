package storetest

import (
	"context"
	"encoding/json"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kycgate/kycgate/store"
)

// verificationEpoch is the fixed clock of the verification and outbox
// tests, at the microsecond precision every backend keeps.
var verificationEpoch = time.Date(2025, 6, 1, 10, 20, 30, 123456000, time.UTC)

// verificationSeq makes ids unique across the cases.
var verificationSeq atomic.Int64

func nextID(prefix string) string {
	return fmt.Sprintf("%s-%06d", prefix, verificationSeq.Add(1))
}

// testVerifications runs the flow, identity and verification cases on one
// store; each case uses its own ids.
func testVerifications(t *testing.T, s store.Store) {
	cases := []struct {
		name string
		run  func(t *testing.T, s store.Store)
	}{
		{"FlowLifecycle", testFlowLifecycle},
		{"CreateGetRoundtrip", testVerificationRoundtrip},
		{"CreateWithEventsIsAtomic", testCreateVerificationAtomic},
		{"IdentityOfAnotherMerchant", testIdentityOfAnotherMerchant},
		{"UpdateIsOptimistic", testUpdateVerificationOptimistic},
		{"UpdateWithEventsIsAtomic", testUpdateVerificationAtomic},
		{"LatestBiometric", testLatestBiometric},
		{"DeleteRemovesEverything", testDeleteVerification},
		{"ClaimJobs", testClaimJobs},
		{"ConcurrentClaimsNeverShare", testConcurrentJobClaims},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) { tc.run(t, s) })
	}
}

// requireJSONEqual compares two JSON documents semantically.
func requireJSONEqual(t *testing.T, want, got json.RawMessage) {
	t.Helper()
	require.JSONEq(t, string(want), string(got))
}

func testFlowLifecycle(t *testing.T, s store.Store) {
	ctx := context.Background()
	merchant := nextID("merchant")
	flow := store.Flow{MerchantID: merchant, ID: "flow-b", Document: json.RawMessage(`{"steps":["selfie"],"name":"ß 🙂"}`)}
	created, err := s.CreateFlow(ctx, flow)
	require.NoError(t, err)
	assert.False(t, created.CreatedAt.IsZero())

	_, err = s.CreateFlow(ctx, flow)
	require.ErrorIs(t, err, store.ErrConflict, "a second flow with the same id")

	got, err := s.GetFlow(ctx, merchant, "flow-b")
	require.NoError(t, err)
	requireJSONEqual(t, flow.Document, got.Document)
	assert.Equal(t, created.CreatedAt, got.CreatedAt)

	_, err = s.GetFlow(ctx, nextID("other"), "flow-b")
	require.ErrorIs(t, err, store.ErrNotFound, "another merchant's flow")

	flow.Document = json.RawMessage(`{"steps":["selfie","re-facematch"]}`)
	updated, err := s.UpdateFlow(ctx, flow)
	require.NoError(t, err)
	requireJSONEqual(t, flow.Document, updated.Document)
	assert.Equal(t, created.CreatedAt, updated.CreatedAt)
	assert.False(t, updated.UpdatedAt.Before(created.UpdatedAt))

	_, err = s.UpdateFlow(ctx, store.Flow{MerchantID: nextID("other"), ID: "flow-b", Document: json.RawMessage(`{}`)})
	require.ErrorIs(t, err, store.ErrNotFound, "updating another merchant's flow")

	_, err = s.CreateFlow(ctx, store.Flow{MerchantID: merchant, ID: "flow-a", Document: json.RawMessage(`{}`)})
	require.NoError(t, err)
	list, err := s.ListFlows(ctx, merchant)
	require.NoError(t, err)
	require.Len(t, list, 2)
	assert.Equal(t, "flow-a", list[0].ID)
	assert.Equal(t, "flow-b", list[1].ID)
	none, err := s.ListFlows(ctx, nextID("other"))
	require.NoError(t, err)
	assert.Empty(t, none)
}

// newVerification returns a verification of a fresh identity.
func newVerification(merchant string) store.Verification {
	return store.Verification{
		ID:         nextID("ver"),
		MerchantID: merchant,
		IdentityID: nextID("idn"),
		FlowID:     "flow",
		Status:     "pending",
		Document:   json.RawMessage(`{"metadata":{"k":"välue"},"steps":[]}`),
	}
}

// newEvent returns a pending outbox event of merchant about resource.
func newEvent(merchant, resource string) store.OutboxEvent {
	return store.OutboxEvent{
		ID: nextID("evt"), MerchantID: merchant, ResourceID: resource, EventName: "step_completed",
		URL: "https://hooks.example/receive", Secret: "s3cret", Payload: []byte(`{"eventName":"step_completed"}`),
		Status: store.EventPending, CreatedAt: verificationEpoch, NextAttemptAt: verificationEpoch,
		DeliverBy: verificationEpoch.Add(time.Hour),
	}
}

func testVerificationRoundtrip(t *testing.T, s store.Store) {
	ctx := context.Background()
	merchant := nextID("merchant")
	v := newVerification(merchant)
	v.Biometric = true
	v.JobDueAt = verificationEpoch
	created, err := s.CreateVerification(ctx, v, nil)
	require.NoError(t, err)
	assert.Equal(t, int64(1), created.Version)

	got, err := s.GetVerification(ctx, merchant, v.ID)
	require.NoError(t, err)
	assert.Equal(t, v.IdentityID, got.IdentityID)
	assert.Equal(t, v.FlowID, got.FlowID)
	assert.Equal(t, v.Status, got.Status)
	assert.True(t, got.Biometric)
	assert.True(t, verificationEpoch.Equal(got.JobDueAt), "job due at %v", got.JobDueAt)
	assert.Equal(t, int64(1), got.Version)
	assert.Equal(t, created.CreatedAt, got.CreatedAt)
	requireJSONEqual(t, v.Document, got.Document)

	identity, err := s.GetIdentity(ctx, merchant, v.IdentityID)
	require.NoError(t, err)
	assert.Equal(t, merchant, identity.MerchantID)

	other := nextID("other")
	_, err = s.GetVerification(ctx, other, v.ID)
	require.ErrorIs(t, err, store.ErrNotFound, "another merchant's verification")
	_, err = s.GetIdentity(ctx, other, v.IdentityID)
	require.ErrorIs(t, err, store.ErrNotFound, "another merchant's identity")
	_, err = s.CreateVerification(ctx, v, nil)
	require.ErrorIs(t, err, store.ErrConflict, "a duplicate verification id")

	// A document that is not JSON breaks a rule of the schema, not a
	// uniqueness rule: an error, never reported as a conflict, and nothing
	// is written.
	broken := newVerification(merchant)
	broken.Document = []byte(`{"steps":`)
	_, err = s.CreateVerification(ctx, broken, nil)
	require.Error(t, err)
	assert.NotErrorIs(t, err, store.ErrConflict, "a document the schema refuses is not a conflict")
	_, err = s.GetVerification(ctx, merchant, broken.ID)
	require.ErrorIs(t, err, store.ErrNotFound)
}

func testCreateVerificationAtomic(t *testing.T, s store.Store) {
	ctx := context.Background()
	merchant := nextID("merchant")
	existing := newEvent(merchant, "")
	require.NoError(t, s.EnqueueEvents(ctx, []store.OutboxEvent{existing}))

	v := newVerification(merchant)
	_, err := s.CreateVerification(ctx, v, []store.OutboxEvent{newEvent(merchant, v.ID), existing})
	require.ErrorIs(t, err, store.ErrConflict, "a duplicate event id")
	_, err = s.GetVerification(ctx, merchant, v.ID)
	require.ErrorIs(t, err, store.ErrNotFound, "the verification is rolled back with its events")
	_, err = s.GetIdentity(ctx, merchant, v.IdentityID)
	require.ErrorIs(t, err, store.ErrNotFound, "the identity is rolled back too")

	ok := newEvent(merchant, v.ID)
	_, err = s.CreateVerification(ctx, v, []store.OutboxEvent{ok})
	require.NoError(t, err)
	got, _, err := s.GetEvent(ctx, merchant, ok.ID)
	require.NoError(t, err)
	assert.Equal(t, ok.Payload, got.Payload)
}

func testIdentityOfAnotherMerchant(t *testing.T, s store.Store) {
	ctx := context.Background()
	first := newVerification(nextID("merchant"))
	_, err := s.CreateVerification(ctx, first, nil)
	require.NoError(t, err)

	stolen := newVerification(nextID("other"))
	stolen.IdentityID = first.IdentityID
	_, err = s.CreateVerification(ctx, stolen, nil)
	require.ErrorIs(t, err, store.ErrConflict)

	again := newVerification(first.MerchantID)
	again.IdentityID = first.IdentityID
	_, err = s.CreateVerification(ctx, again, nil)
	require.NoError(t, err, "the same merchant re-verifies its identity")
}

func testUpdateVerificationOptimistic(t *testing.T, s store.Store) {
	ctx := context.Background()
	merchant := nextID("merchant")
	v, err := s.CreateVerification(ctx, newVerification(merchant), nil)
	require.NoError(t, err)

	v.Status = "running"
	v.Document = json.RawMessage(`{"steps":[{"id":"selfie"}]}`)
	v.JobDueAt = verificationEpoch.Add(time.Minute)
	v.JobAttempts = 2
	updated, err := s.UpdateVerification(ctx, v, nil)
	require.NoError(t, err)
	assert.Equal(t, int64(2), updated.Version)

	got, err := s.GetVerification(ctx, merchant, v.ID)
	require.NoError(t, err)
	assert.Equal(t, "running", got.Status)
	assert.Equal(t, 2, got.JobAttempts)
	assert.Equal(t, int64(2), got.Version)
	assert.True(t, v.JobDueAt.Equal(got.JobDueAt))
	requireJSONEqual(t, v.Document, got.Document)

	_, err = s.UpdateVerification(ctx, v, nil)
	require.ErrorIs(t, err, store.ErrConflict, "a write based on version 1 after version 2")

	got.JobDueAt = time.Time{}
	cleared, err := s.UpdateVerification(ctx, got, nil)
	require.NoError(t, err)
	reread, err := s.GetVerification(ctx, merchant, v.ID)
	require.NoError(t, err)
	assert.True(t, reread.JobDueAt.IsZero(), "a zero JobDueAt clears the job")
	assert.Equal(t, cleared.Version, reread.Version)

	foreign := reread
	foreign.MerchantID = nextID("other")
	_, err = s.UpdateVerification(ctx, foreign, nil)
	require.ErrorIs(t, err, store.ErrNotFound, "another merchant's verification")
	missing := newVerification(merchant)
	missing.Version = 1
	_, err = s.UpdateVerification(ctx, missing, nil)
	require.ErrorIs(t, err, store.ErrNotFound)
}

func testUpdateVerificationAtomic(t *testing.T, s store.Store) {
	ctx := context.Background()
	merchant := nextID("merchant")
	v, err := s.CreateVerification(ctx, newVerification(merchant), nil)
	require.NoError(t, err)
	existing := newEvent(merchant, v.ID)
	require.NoError(t, s.EnqueueEvents(ctx, []store.OutboxEvent{existing}))

	changed := v
	changed.Status = "verified"
	_, err = s.UpdateVerification(ctx, changed, []store.OutboxEvent{existing})
	require.ErrorIs(t, err, store.ErrConflict)
	got, err := s.GetVerification(ctx, merchant, v.ID)
	require.NoError(t, err)
	assert.Equal(t, v.Status, got.Status, "the state change is rolled back with its events")
	assert.Equal(t, v.Version, got.Version)
}

func testLatestBiometric(t *testing.T, s store.Store) {
	ctx := context.Background()
	merchant := nextID("merchant")
	first := newVerification(merchant)
	first.Biometric = true
	_, err := s.CreateVerification(ctx, first, nil)
	require.NoError(t, err)
	_, err = s.LatestBiometricVerification(ctx, nextID("other"), first.IdentityID)
	require.ErrorIs(t, err, store.ErrNotFound, "another merchant's identity")

	time.Sleep(2 * time.Millisecond)
	second := newVerification(merchant)
	second.IdentityID, second.Biometric = first.IdentityID, true
	_, err = s.CreateVerification(ctx, second, nil)
	require.NoError(t, err)
	time.Sleep(2 * time.Millisecond)
	third := newVerification(merchant)
	third.IdentityID = first.IdentityID
	_, err = s.CreateVerification(ctx, third, nil)
	require.NoError(t, err)

	latest, err := s.LatestBiometricVerification(ctx, merchant, first.IdentityID)
	require.NoError(t, err)
	assert.Equal(t, second.ID, latest.ID, "the newest verification with a biometric reference")

	lone := newVerification(merchant)
	_, err = s.CreateVerification(ctx, lone, nil)
	require.NoError(t, err)
	_, err = s.LatestBiometricVerification(ctx, merchant, lone.IdentityID)
	require.ErrorIs(t, err, store.ErrNotFound, "an identity without a biometric verification")
}

func testDeleteVerification(t *testing.T, s store.Store) {
	ctx := context.Background()
	merchant := nextID("merchant")
	first := newVerification(merchant)
	event := newEvent(merchant, first.ID)
	_, err := s.CreateVerification(ctx, first, []store.OutboxEvent{event})
	require.NoError(t, err)
	require.NoError(t, s.RecordAttempt(ctx, store.DeliveryAttempt{EventID: event.ID, At: verificationEpoch, StatusCode: 500, Error: "x"},
		store.AttemptOutcome{Status: store.EventPending, NextAttemptAt: verificationEpoch}))
	second := newVerification(merchant)
	second.IdentityID = first.IdentityID
	_, err = s.CreateVerification(ctx, second, nil)
	require.NoError(t, err)
	unrelated := newEvent(merchant, second.ID)
	require.NoError(t, s.EnqueueEvents(ctx, []store.OutboxEvent{unrelated}))

	require.ErrorIs(t, s.DeleteVerification(ctx, nextID("other"), first.ID), store.ErrNotFound, "another merchant's verification")
	require.NoError(t, s.DeleteVerification(ctx, merchant, first.ID))
	_, err = s.GetVerification(ctx, merchant, first.ID)
	require.ErrorIs(t, err, store.ErrNotFound)
	_, _, err = s.GetEvent(ctx, merchant, event.ID)
	require.ErrorIs(t, err, store.ErrNotFound, "the verification's events go with it")
	_, _, err = s.GetEvent(ctx, merchant, unrelated.ID)
	require.NoError(t, err, "other verifications' events stay")
	_, err = s.GetIdentity(ctx, merchant, first.IdentityID)
	require.NoError(t, err, "the identity stays while a verification refers to it")

	require.NoError(t, s.DeleteVerification(ctx, merchant, second.ID))
	_, err = s.GetIdentity(ctx, merchant, first.IdentityID)
	require.ErrorIs(t, err, store.ErrNotFound, "the identity goes with its last verification")
	require.ErrorIs(t, s.DeleteVerification(ctx, merchant, second.ID), store.ErrNotFound)
}

func testClaimJobs(t *testing.T, s store.Store) {
	ctx := context.Background()
	merchant := nextID("merchant")
	// Earlier than every job written before, so that only this case's jobs
	// are due; ConcurrentClaimsNeverShare, which runs later, goes earlier
	// still.
	base := verificationEpoch.Add(-24 * 365 * time.Hour)
	var ids []string
	for i, due := range []time.Time{base.Add(2 * time.Second), base, {}, base.Add(time.Hour)} {
		v := newVerification(merchant)
		v.JobDueAt = due
		_, err := s.CreateVerification(ctx, v, nil)
		require.NoError(t, err, "verification %d", i)
		ids = append(ids, v.ID)
	}
	now := base.Add(time.Minute)
	claimed, err := s.ClaimVerificationJobs(ctx, now, 30*time.Second, 10)
	require.NoError(t, err)
	require.Len(t, claimed, 2, "only the due jobs")
	assert.Equal(t, ids[1], claimed[0].ID, "oldest first")
	assert.Equal(t, ids[0], claimed[1].ID)
	for _, c := range claimed {
		assert.Equal(t, 1, c.JobAttempts)
		assert.Equal(t, int64(2), c.Version)
		assert.True(t, now.Add(30*time.Second).Equal(c.JobDueAt), "leased until %v", c.JobDueAt)
		stored, err := s.GetVerification(ctx, merchant, c.ID)
		require.NoError(t, err)
		assert.Equal(t, c.Version, stored.Version)
		assert.True(t, c.JobDueAt.Equal(stored.JobDueAt))
	}

	again, err := s.ClaimVerificationJobs(ctx, now.Add(10*time.Second), 30*time.Second, 10)
	require.NoError(t, err)
	assert.Empty(t, again, "leased jobs are not claimed again before the lease ends")

	later, err := s.ClaimVerificationJobs(ctx, now.Add(31*time.Second), 30*time.Second, 1)
	require.NoError(t, err)
	require.Len(t, later, 1, "limit")
	assert.Equal(t, 2, later[0].JobAttempts, "an expired lease is claimed again")
}

func testConcurrentJobClaims(t *testing.T, s store.Store) {
	ctx := context.Background()
	merchant := nextID("merchant")
	base := verificationEpoch.Add(-48 * 365 * time.Hour)
	const jobs = 12
	for range jobs {
		v := newVerification(merchant)
		v.JobDueAt = base
		_, err := s.CreateVerification(ctx, v, nil)
		require.NoError(t, err)
	}
	var mu sync.Mutex
	seen := map[string]int{}
	var wg sync.WaitGroup
	for range 4 {
		wg.Go(func() {
			for range 6 {
				claimed, err := s.ClaimVerificationJobs(ctx, base.Add(time.Second), time.Hour, 2)
				assert.NoError(t, err)
				mu.Lock()
				for _, c := range claimed {
					seen[c.ID]++
				}
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	assert.Len(t, seen, jobs, "every job is claimed")
	for id, n := range seen {
		assert.Equal(t, 1, n, "job %s claimed once", id)
	}
}
