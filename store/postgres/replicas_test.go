package postgres

import (
	"context"
	"encoding/json"
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

func TestVerificationWrittenOnOneReplicaIsReadOnAnother(t *testing.T) {
	stores := replicas(t, 2)
	ctx := context.Background()
	v := store.Verification{ID: "ver-1", MerchantID: "acme", IdentityID: "idn-1", FlowID: "flow", Status: "pending",
		Document: json.RawMessage(`{"steps":[]}`)}
	created, err := stores[0].CreateVerification(ctx, v, nil)
	require.NoError(t, err)

	got, err := stores[1].GetVerification(ctx, "acme", v.ID)
	require.NoError(t, err)
	assert.JSONEq(t, string(created.Document), string(got.Document), "JSONB keeps the document's meaning, not its spacing")
	created.Document = got.Document
	assert.Equal(t, created, got)

	got.Status = "running"
	_, err = stores[1].UpdateVerification(ctx, got, nil)
	require.NoError(t, err)
	created.Status = "stale"
	_, err = stores[0].UpdateVerification(ctx, created, nil)
	require.ErrorIs(t, err, store.ErrConflict, "a write from the version the other replica replaced")
}

func TestNFCInitCodeRedeemedOnOneReplicaIsSpentOnAll(t *testing.T) {
	stores := replicas(t, 2)
	ctx := context.Background()
	now := time.Date(2025, 3, 14, 9, 0, 0, 0, time.UTC)
	sess := session.Session{ID: "sess-1", PartnerID: "acme", Method: "enroll", InitCode: "E4mY", Deadline: now.Add(time.Minute)}
	require.NoError(t, stores[0].CreateNFCSession(ctx, sess, now))

	var wins atomic.Int32
	var wg sync.WaitGroup
	for i := range 8 {
		s := stores[i%2]
		wg.Go(func() {
			_, err := s.TransitionNFCSession(ctx, store.NFCTransition{ID: sess.ID, From: []session.State{session.Created},
				To: session.Redeemed, Now: now, Update: session.Update{UploadTokenHash: fmt.Appendf(nil, "token-%d", i)}})
			var te *session.TransitionError
			switch {
			case err == nil:
				wins.Add(1)
			case !errors.As(err, &te):
				t.Errorf("redeemer %d: %v", i, err)
			}
		})
	}
	wg.Wait()
	assert.Equal(t, int32(1), wins.Load(), "exactly one redemption succeeds across the replicas")

	for i, s := range stores {
		live, err := s.FindLiveNFCSessionByCode(ctx, sess.InitCode)
		require.NoError(t, err, "replica %d", i)
		assert.Equal(t, session.Redeemed, live.State, "replica %d sees the code spent", i)
	}
	clash := sess
	clash.ID = "sess-2"
	require.ErrorIs(t, stores[1].CreateNFCSession(ctx, clash, now), store.ErrConflict,
		"another replica cannot hand out the live code again")
}

// TestProfileFaceNumbersBecomeVisibleInOrder checks that a face number drawn
// by a later transaction is not committed before an earlier, still open one:
// otherwise the 1:N index, which reads the faces after the last number it
// saw, would skip the earlier record for good.
func TestProfileFaceNumbersBecomeVisibleInOrder(t *testing.T) {
	stores := replicas(t, 2)
	ctx := context.Background()

	tx, err := stores[0].pool.Begin(ctx)
	require.NoError(t, err)
	defer func() { _ = tx.Rollback(ctx) }()
	var early int64
	require.NoError(t, tx.QueryRow(ctx, `UPDATE profile_face_seq SET last = last + 1 WHERE id = 1 RETURNING last`).Scan(&early))

	done := make(chan store.ProfileRecord, 1)
	errs := make(chan error, 1)
	go func() {
		r, err := stores[1].PutProfileRecord(ctx, store.ProfileRecord{VerificationID: "ver-late", MerchantID: "acme",
			ProfileID: "FR|PASSPORT|X1", CreatedAt: time.Now(), Document: json.RawMessage(`{}`), FaceTemplate: []byte{1, 2, 3}})
		if err != nil {
			errs <- err
			return
		}
		done <- r
	}()
	select {
	case r := <-done:
		t.Fatalf("face number %d was committed while number %d was still open", r.FaceSeq, early)
	case err := <-errs:
		t.Fatal(err)
	case <-time.After(300 * time.Millisecond):
	}
	require.NoError(t, tx.Commit(ctx))
	select {
	case r := <-done:
		assert.Equal(t, early+1, r.FaceSeq)
	case err := <-errs:
		t.Fatal(err)
	case <-time.After(10 * time.Second):
		t.Fatal("the second writer never finished")
	}
}
