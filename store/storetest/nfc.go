package storetest

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kycgate/kycgate/nfc/session"
	"github.com/kycgate/kycgate/store"
)

// nfcEpoch is the fixed clock of the NFC session tests.
var nfcEpoch = time.Date(2025, 3, 14, 9, 26, 53, 589793000, time.UTC)

// testNFCSessions runs the NFC session conformance cases on one store; each
// case uses its own session ids and init codes.
func testNFCSessions(t *testing.T, s store.Store) {
	cases := []struct {
		name string
		run  func(t *testing.T, s store.Store)
	}{
		{"CreateGetRoundtrip", testNFCRoundtrip},
		{"LiveCodeIsUnique", testNFCLiveCodeUnique},
		{"CodeReusableAfterEnd", testNFCCodeReusable},
		{"ForwardOnlyTransitions", testNFCForwardOnly},
		{"TransitionRestrictedToFrom", testNFCTransitionFrom},
		{"TransitionWritesUpdate", testNFCTransitionUpdate},
		{"TransitionWithEventsIsAtomic", testNFCTransitionEvents},
		{"ConcurrentRedeemHasOneWinner", testNFCConcurrentRedeem},
		{"FindByUploadToken", testNFCFindByToken},
		{"FindByPartnerCode", testNFCFindByPartnerCode},
		{"DueSessions", testNFCDue},
		{"SessionsInState", testNFCInState},
		{"SODSeenElsewhere", testNFCSODSeen},
		{"Unknown", testNFCUnknown},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) { tc.run(t, s) })
	}
}

// nfcSeq makes session ids and codes unique across the cases.
var nfcSeq atomic.Int64

// newNFCSession returns a session in state created with a fresh id and code.
func newNFCSession(partner string) session.Session {
	n := nfcSeq.Add(1)
	code := make([]byte, session.CodeLength)
	for i := range code {
		code[i] = session.CodeAlphabet[(int(n)>>(5*i))%len(session.CodeAlphabet)]
	}
	return session.Session{
		ID:        fmt.Sprintf("sess-%06d", n),
		PartnerID: partner,
		Ref:       "ref-Ĳ-🙂",
		Method:    "enroll",
		InitCode:  string(code),
		State:     session.Created,
		Deadline:  nfcEpoch.Add(10 * time.Minute),
		Options: session.Options{
			NumImagesLiveness: 2, Webhook: "https://partner.example/hook", RedirectURL: "https://partner.example/done",
			SendScan: []session.Scan{session.ScanSelfie, session.ScanDocFace}, SendVectors: true,
			ConfirmationTimeout: 90 * time.Second, ForceMRZConsent: true,
		},
	}
}

func createNFC(t *testing.T, s store.Store, sess session.Session) session.Session {
	t.Helper()
	require.NoError(t, s.CreateNFCSession(context.Background(), sess, nfcEpoch))
	got, err := s.GetNFCSession(context.Background(), sess.ID)
	require.NoError(t, err)
	return got
}

func moveNFC(s store.Store, id string, to session.State, u session.Update) (session.Session, error) {
	return s.TransitionNFCSession(context.Background(), store.NFCTransition{ID: id, To: to, Update: u, Now: nfcEpoch.Add(time.Minute)})
}

func testNFCRoundtrip(t *testing.T, s store.Store) {
	want := newNFCSession("acme")
	got := createNFC(t, s, want)
	assert.Equal(t, want.ID, got.ID)
	assert.Equal(t, want.PartnerID, got.PartnerID)
	assert.Equal(t, want.Ref, got.Ref)
	assert.Equal(t, want.Method, got.Method)
	assert.Equal(t, want.InitCode, got.InitCode)
	assert.Equal(t, want.Options, got.Options)
	assert.Equal(t, session.Created, got.State)
	assert.True(t, nfcEpoch.Truncate(time.Microsecond).Equal(got.CreatedAt), "created at %v", got.CreatedAt)
	assert.True(t, want.Deadline.Equal(got.Deadline))
	assert.Empty(t, got.UploadTokenHash)
	assert.Empty(t, got.Challenge)
}

func testNFCLiveCodeUnique(t *testing.T, s store.Store) {
	first := createNFC(t, s, newNFCSession("acme"))
	for _, st := range []session.State{session.Created, session.Redeemed} {
		clash := newNFCSession("other")
		clash.InitCode = first.InitCode
		err := s.CreateNFCSession(context.Background(), clash, nfcEpoch)
		require.ErrorIs(t, err, store.ErrConflict, "a live session in %s holds the code", st)
		_, err = moveNFC(s, first.ID, session.Redeemed, session.Update{})
		if st == session.Created {
			require.NoError(t, err)
		}
	}
	dup := newNFCSession("acme")
	dup.ID = first.ID
	require.ErrorIs(t, s.CreateNFCSession(context.Background(), dup, nfcEpoch), store.ErrConflict, "the id is taken")
}

func testNFCCodeReusable(t *testing.T, s store.Store) {
	for _, end := range []session.State{session.Expired, session.Errored} {
		first := createNFC(t, s, newNFCSession("acme"))
		_, err := moveNFC(s, first.ID, end, session.Update{Reason: "test"})
		require.NoError(t, err)
		again := newNFCSession("acme")
		again.InitCode = first.InitCode
		require.NoError(t, s.CreateNFCSession(context.Background(), again, nfcEpoch), "code free again after %s", end)
		live, err := s.FindLiveNFCSessionByCode(context.Background(), first.InitCode)
		require.NoError(t, err)
		assert.Equal(t, again.ID, live.ID, "the live session owns the code")
	}
}

func testNFCForwardOnly(t *testing.T, s store.Store) {
	sess := createNFC(t, s, newNFCSession("acme"))
	path := []session.State{session.Redeemed, session.Uploaded, session.Verified, session.Delivered, session.Confirmed}
	for i, to := range path {
		got, err := moveNFC(s, sess.ID, to, session.Update{})
		require.NoError(t, err, "step %d to %s", i, to)
		assert.Equal(t, to, got.State)
		for _, back := range append([]session.State{session.Created}, path[:i]...) {
			_, err := moveNFC(s, sess.ID, back, session.Update{})
			var te *session.TransitionError
			require.ErrorAs(t, err, &te, "%s → %s must be refused", to, back)
			assert.Equal(t, to, te.From)
			assert.Equal(t, back, te.To)
		}
	}
	for _, to := range session.States() {
		_, err := moveNFC(s, sess.ID, to, session.Update{})
		var te *session.TransitionError
		require.ErrorAs(t, err, &te, "nothing leaves a confirmed session (to %s)", to)
	}
	got, err := s.GetNFCSession(context.Background(), sess.ID)
	require.NoError(t, err)
	assert.Equal(t, session.Confirmed, got.State)
}

func testNFCTransitionFrom(t *testing.T, s store.Store) {
	sess := createNFC(t, s, newNFCSession("acme"))
	_, err := s.TransitionNFCSession(context.Background(), store.NFCTransition{
		ID: sess.ID, From: []session.State{session.Redeemed}, To: session.Expired, Now: nfcEpoch})
	var te *session.TransitionError
	require.ErrorAs(t, err, &te, "the session is not in an allowed source state")
	assert.Equal(t, session.Created, te.From)
	got, err := s.TransitionNFCSession(context.Background(), store.NFCTransition{
		ID: sess.ID, From: []session.State{session.Created}, To: session.Expired, Now: nfcEpoch})
	require.NoError(t, err)
	assert.Equal(t, session.Expired, got.State)
}

func testNFCTransitionUpdate(t *testing.T, s store.Store) {
	sess := createNFC(t, s, newNFCSession("acme"))
	deadline := nfcEpoch.Add(15 * time.Minute)
	got, err := moveNFC(s, sess.ID, session.Redeemed, session.Update{
		Deadline: deadline, UploadTokenHash: []byte("0123456789abcdef0123456789abcdef"), Challenge: []byte{1, 2, 3, 4, 5, 6, 7, 8}})
	require.NoError(t, err)
	assert.True(t, deadline.Equal(got.Deadline))
	assert.Equal(t, []byte{1, 2, 3, 4, 5, 6, 7, 8}, got.Challenge)
	assert.True(t, nfcEpoch.Add(time.Minute).Truncate(time.Microsecond).Equal(got.UpdatedAt))

	got, err = moveNFC(s, sess.ID, session.Uploaded, session.Update{Deadline: deadline, SODFingerprint: "ab12"})
	require.NoError(t, err)
	assert.Equal(t, []byte{1, 2, 3, 4, 5, 6, 7, 8}, got.Challenge, "unset fields are kept")
	assert.Equal(t, "ab12", got.SODFingerprint)

	code := 207
	got, err = moveNFC(s, sess.ID, session.Verified, session.Update{ResultCode: &code, Verdict: "CSCA_UNKNOWN"})
	require.NoError(t, err)
	assert.Equal(t, 207, got.ResultCode)
	assert.Equal(t, "CSCA_UNKNOWN", got.Verdict)
	assert.Equal(t, "ab12", got.SODFingerprint)
	assert.True(t, got.Deadline.IsZero(), "the deadline is always written")

	got, err = moveNFC(s, sess.ID, session.Errored, session.Update{Reason: "partner answered ERR"})
	require.NoError(t, err)
	assert.Equal(t, "partner answered ERR", got.Reason)
	assert.Equal(t, 207, got.ResultCode)
}

func testNFCTransitionEvents(t *testing.T, s store.Store) {
	ctx := context.Background()
	sess := createNFC(t, s, newNFCSession("acme"))
	event := func(id string) store.OutboxEvent {
		return store.OutboxEvent{ID: id, MerchantID: "acme", ResourceID: sess.ID, EventName: "nfc_result",
			URL: "https://partner.example/hook", Secret: "s", Payload: []byte(`{"result":"Ok"}`),
			Status: store.EventPending, CreatedAt: nfcEpoch, NextAttemptAt: nfcEpoch, DeliverBy: nfcEpoch.Add(time.Hour)}
	}
	_, err := s.TransitionNFCSession(ctx, store.NFCTransition{ID: sess.ID, To: session.Verified, Now: nfcEpoch,
		Events: []store.OutboxEvent{event(sess.ID + "-refused")}})
	require.Error(t, err, "created → verified is not an edge")
	_, _, err = s.GetEvent(ctx, "acme", sess.ID+"-refused")
	require.ErrorIs(t, err, store.ErrNotFound, "no event without the state change")

	for _, to := range []session.State{session.Redeemed, session.Uploaded} {
		_, err := moveNFC(s, sess.ID, to, session.Update{})
		require.NoError(t, err)
	}
	existing := event(sess.ID + "-dup")
	require.NoError(t, s.EnqueueEvents(ctx, []store.OutboxEvent{existing}))
	_, err = s.TransitionNFCSession(ctx, store.NFCTransition{ID: sess.ID, To: session.Verified, Now: nfcEpoch,
		Events: []store.OutboxEvent{existing}})
	require.ErrorIs(t, err, store.ErrConflict, "a failing event insert")
	got, err := s.GetNFCSession(ctx, sess.ID)
	require.NoError(t, err)
	assert.Equal(t, session.Uploaded, got.State, "no state change without the event")

	got, err = s.TransitionNFCSession(ctx, store.NFCTransition{ID: sess.ID, To: session.Verified, Now: nfcEpoch,
		Events: []store.OutboxEvent{event(sess.ID + "-ok")}})
	require.NoError(t, err)
	assert.Equal(t, session.Verified, got.State)
	ev, _, err := s.GetEvent(ctx, "acme", sess.ID+"-ok")
	require.NoError(t, err)
	assert.JSONEq(t, `{"result":"Ok"}`, string(ev.Payload))
}

func testNFCConcurrentRedeem(t *testing.T, s store.Store) {
	sess := createNFC(t, s, newNFCSession("acme"))
	const workers = 8
	var wins atomic.Int32
	var wg sync.WaitGroup
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, err := moveNFC(s, sess.ID, session.Redeemed, session.Update{UploadTokenHash: []byte(fmt.Sprintf("token-%02d-0123456789abcdef0123", w))})
			var te *session.TransitionError
			switch {
			case err == nil:
				wins.Add(1)
			case !errors.As(err, &te):
				t.Errorf("worker %d: %v", w, err)
			}
		}()
	}
	wg.Wait()
	assert.Equal(t, int32(1), wins.Load(), "exactly one redeem succeeds")
}

func testNFCFindByToken(t *testing.T, s store.Store) {
	ctx := context.Background()
	sess := createNFC(t, s, newNFCSession("acme"))
	hash := []byte(sess.ID + "-hash-0123456789abcdef0123456789")
	_, err := moveNFC(s, sess.ID, session.Redeemed, session.Update{UploadTokenHash: hash})
	require.NoError(t, err)
	got, err := s.FindNFCSessionByUploadToken(ctx, hash)
	require.NoError(t, err)
	assert.Equal(t, sess.ID, got.ID)
	assert.Equal(t, hash, got.UploadTokenHash)
	_, err = s.FindNFCSessionByUploadToken(ctx, []byte("other"))
	assert.ErrorIs(t, err, store.ErrNotFound)
	_, err = s.FindNFCSessionByUploadToken(ctx, nil)
	assert.ErrorIs(t, err, store.ErrNotFound)
}

func testNFCFindByPartnerCode(t *testing.T, s store.Store) {
	ctx := context.Background()
	old := createNFC(t, s, newNFCSession("acme"))
	_, err := moveNFC(s, old.ID, session.Expired, session.Update{})
	require.NoError(t, err)
	got, err := s.FindNFCSessionByPartnerCode(ctx, "acme", old.InitCode)
	require.NoError(t, err)
	assert.Equal(t, old.ID, got.ID, "terminal sessions are found")

	newer := newNFCSession("acme")
	newer.InitCode = old.InitCode
	require.NoError(t, s.CreateNFCSession(ctx, newer, nfcEpoch.Add(time.Second)))
	got, err = s.FindNFCSessionByPartnerCode(ctx, "acme", old.InitCode)
	require.NoError(t, err)
	assert.Equal(t, newer.ID, got.ID, "the most recent session wins")

	_, err = s.FindNFCSessionByPartnerCode(ctx, "other", old.InitCode)
	assert.ErrorIs(t, err, store.ErrNotFound, "another partner's code is not found")
}

func testNFCDue(t *testing.T, s store.Store) {
	ctx := context.Background()
	partner := fmt.Sprintf("due-%d", nfcSeq.Add(1))
	late := newNFCSession(partner)
	late.Deadline = nfcEpoch.Add(-2 * time.Hour)
	later := newNFCSession(partner)
	later.Deadline = nfcEpoch.Add(-3 * time.Hour)
	future := newNFCSession(partner)
	future.Deadline = nfcEpoch.Add(3 * time.Hour)
	ended := newNFCSession(partner)
	ended.Deadline = nfcEpoch.Add(-4 * time.Hour)
	for _, sess := range []session.Session{late, later, future, ended} {
		createNFC(t, s, sess)
	}
	_, err := s.TransitionNFCSession(ctx, store.NFCTransition{ID: ended.ID, To: session.Expired, Now: nfcEpoch,
		Update: session.Update{Deadline: ended.Deadline}})
	require.NoError(t, err)

	due, err := s.DueNFCSessions(ctx, nfcEpoch.Add(-time.Hour), 10)
	require.NoError(t, err)
	var ids []string
	for _, d := range due {
		if d.PartnerID == partner {
			ids = append(ids, d.ID)
		}
	}
	assert.Equal(t, []string{later.ID, late.ID}, ids, "live sessions past their deadline, earliest first")
	due, err = s.DueNFCSessions(ctx, nfcEpoch.Add(-time.Hour), 1)
	require.NoError(t, err)
	assert.Len(t, due, 1)
}

func testNFCSODSeen(t *testing.T, s store.Store) {
	ctx := context.Background()
	a := createNFC(t, s, newNFCSession("acme"))
	b := createNFC(t, s, newNFCSession("other"))
	fp := fmt.Sprintf("%064d", nfcSeq.Add(1))
	for _, to := range []session.State{session.Redeemed, session.Uploaded} {
		_, err := moveNFC(s, a.ID, to, session.Update{SODFingerprint: fp})
		require.NoError(t, err)
	}
	seen, err := s.NFCSODSeenElsewhere(ctx, fp, a.ID)
	require.NoError(t, err)
	assert.False(t, seen, "the session's own record does not count")
	seen, err = s.NFCSODSeenElsewhere(ctx, fp, b.ID)
	require.NoError(t, err)
	assert.True(t, seen)
	seen, err = s.NFCSODSeenElsewhere(ctx, "", b.ID)
	require.NoError(t, err)
	assert.False(t, seen)
}

func testNFCUnknown(t *testing.T, s store.Store) {
	ctx := context.Background()
	_, err := s.GetNFCSession(ctx, "missing")
	assert.ErrorIs(t, err, store.ErrNotFound)
	_, err = s.FindLiveNFCSessionByCode(ctx, "zzzz")
	assert.ErrorIs(t, err, store.ErrNotFound)
	_, err = moveNFC(s, "missing", session.Redeemed, session.Update{})
	assert.ErrorIs(t, err, store.ErrNotFound)
}

func testNFCInState(t *testing.T, s store.Store) {
	ctx := context.Background()
	a := createNFC(t, s, newNFCSession("acme"))
	b := createNFC(t, s, newNFCSession("acme"))
	for _, id := range []string{b.ID, a.ID} {
		for _, to := range []session.State{session.Redeemed, session.Uploaded, session.Verified} {
			_, err := moveNFC(s, id, to, session.Update{})
			require.NoError(t, err)
		}
	}
	list, err := s.NFCSessionsInState(ctx, session.Verified, 100)
	require.NoError(t, err)
	var ids []string
	for _, sess := range list {
		assert.Equal(t, session.Verified, sess.State)
		if sess.ID == a.ID || sess.ID == b.ID {
			ids = append(ids, sess.ID)
		}
	}
	assert.ElementsMatch(t, []string{a.ID, b.ID}, ids)
	list, err = s.NFCSessionsInState(ctx, session.Verified, 1)
	require.NoError(t, err)
	assert.Len(t, list, 1)
}
