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

// profileEpoch is the fixed creation time of the profile records, at the
// microsecond precision every backend keeps.
var profileEpoch = time.Date(2025, 7, 1, 8, 15, 35, 654321000, time.UTC)

// profileSeq makes the ids of the profile cases unique.
var profileSeq atomic.Int64

func profileTestID(prefix string) string {
	return fmt.Sprintf("%s-%06d", prefix, profileSeq.Add(1))
}

// testProfiles runs the profile record, face and list cases on one store;
// each case uses its own ids.
func testProfiles(t *testing.T, s store.Store) {
	cases := []struct {
		name string
		run  func(t *testing.T, s store.Store)
	}{
		{"RecordRoundtrip", testProfileRecordRoundtrip},
		{"RecordIsOptimistic", testProfileRecordOptimistic},
		{"FaceSequence", testProfileFaceSequence},
		{"FacesAfterCursor", testProfileFaces},
		{"RecordsOfProfile", testProfileRecordsOfProfile},
		{"RecordsByEmail", testProfileRecordsByEmail},
		{"Delete", testProfileRecordDelete},
		{"ConcurrentWritersOneWinner", testProfileRecordConcurrent},
		{"Lists", testProfileLists},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) { tc.run(t, s) })
	}
}

// newProfileRecord returns a record of a fresh verification with a face.
func newProfileRecord(profileID string) store.ProfileRecord {
	return store.ProfileRecord{
		VerificationID: profileTestID("ver"),
		MerchantID:     profileTestID("merchant"),
		ProfileID:      profileID,
		Email:          "person@example.com",
		CreatedAt:      profileEpoch,
		Document:       json.RawMessage(`{"statusHistory":[{"status":"verified"}],"name":"Zoë Ĳsselmeer 🙂"}`),
		FaceTemplate:   []byte{1, 0, 0xff, 0x10, 0x20},
	}
}

func testProfileRecordRoundtrip(t *testing.T, s store.Store) {
	ctx := context.Background()
	r := newProfileRecord("US|DRIVING-LICENSE|" + profileTestID("N"))
	created, err := s.PutProfileRecord(ctx, r)
	require.NoError(t, err)
	assert.Equal(t, int64(1), created.Version)
	assert.Positive(t, created.FaceSeq, "a record with a template gets a face sequence number")
	assert.False(t, created.UpdatedAt.IsZero())

	got, err := s.GetProfileRecord(ctx, r.VerificationID)
	require.NoError(t, err)
	assert.Equal(t, r.MerchantID, got.MerchantID)
	assert.Equal(t, r.ProfileID, got.ProfileID)
	assert.Equal(t, r.Email, got.Email)
	assert.True(t, profileEpoch.Equal(got.CreatedAt), "created at %v", got.CreatedAt)
	require.JSONEq(t, string(r.Document), string(got.Document))
	assert.Equal(t, r.FaceTemplate, got.FaceTemplate)
	assert.Equal(t, created.FaceSeq, got.FaceSeq)
	assert.Equal(t, int64(1), got.Version)
	assert.True(t, created.UpdatedAt.Equal(got.UpdatedAt))

	bare := store.ProfileRecord{VerificationID: profileTestID("ver"), MerchantID: "m", CreatedAt: profileEpoch,
		Document: json.RawMessage(`{}`)}
	created, err = s.PutProfileRecord(ctx, bare)
	require.NoError(t, err)
	assert.Zero(t, created.FaceSeq, "no template, no face sequence number")
	got, err = s.GetProfileRecord(ctx, bare.VerificationID)
	require.NoError(t, err)
	assert.Empty(t, got.ProfileID)
	assert.Empty(t, got.FaceTemplate)
	assert.Zero(t, got.FaceSeq)

	_, err = s.GetProfileRecord(ctx, profileTestID("unknown"))
	require.ErrorIs(t, err, store.ErrNotFound)
}

func testProfileRecordOptimistic(t *testing.T, s store.Store) {
	ctx := context.Background()
	r := newProfileRecord("")
	created, err := s.PutProfileRecord(ctx, r)
	require.NoError(t, err)

	_, err = s.PutProfileRecord(ctx, r)
	require.ErrorIs(t, err, store.ErrConflict, "creating an existing record")

	created.Document = json.RawMessage(`{"v":2}`)
	updated, err := s.PutProfileRecord(ctx, created)
	require.NoError(t, err)
	assert.Equal(t, int64(2), updated.Version)

	_, err = s.PutProfileRecord(ctx, created)
	require.ErrorIs(t, err, store.ErrConflict, "a write from a stale version")
	got, err := s.GetProfileRecord(ctx, r.VerificationID)
	require.NoError(t, err)
	require.JSONEq(t, `{"v":2}`, string(got.Document))

	missing := newProfileRecord("")
	missing.Version = 3
	_, err = s.PutProfileRecord(ctx, missing)
	require.ErrorIs(t, err, store.ErrNotFound, "replacing a record that does not exist")
}

func testProfileFaceSequence(t *testing.T, s store.Store) {
	ctx := context.Background()
	r, err := s.PutProfileRecord(ctx, newProfileRecord("FR|PASSPORT|"+profileTestID("N")))
	require.NoError(t, err)
	first := r.FaceSeq

	r.Document = json.RawMessage(`{"status":"rejected"}`)
	r, err = s.PutProfileRecord(ctx, r)
	require.NoError(t, err)
	assert.Equal(t, first, r.FaceSeq, "same template and profile id keep the number")

	r.FaceTemplate = []byte{9, 9, 9}
	r, err = s.PutProfileRecord(ctx, r)
	require.NoError(t, err)
	assert.Greater(t, r.FaceSeq, first, "a new template draws a new number")
	second := r.FaceSeq

	r.ProfileID = "FR|NATIONAL-ID|" + profileTestID("N")
	r, err = s.PutProfileRecord(ctx, r)
	require.NoError(t, err)
	assert.Greater(t, r.FaceSeq, second, "a new profile id draws a new number")
	third := r.FaceSeq

	r.FaceTemplate = nil
	r, err = s.PutProfileRecord(ctx, r)
	require.NoError(t, err)
	assert.Zero(t, r.FaceSeq, "removing the template removes the number")

	require.NoError(t, s.DeleteProfileRecord(ctx, r.VerificationID))
	next, err := s.PutProfileRecord(ctx, newProfileRecord("FR|PASSPORT|"+profileTestID("N")))
	require.NoError(t, err)
	assert.Greater(t, next.FaceSeq, third, "numbers are never reused")
}

func testProfileFaces(t *testing.T, s store.Store) {
	ctx := context.Background()
	cursor := lastFaceSeq(t, s)
	withProfile := make([]store.ProfileRecord, 3)
	for i := range withProfile {
		r, err := s.PutProfileRecord(ctx, newProfileRecord(fmt.Sprintf("DE|PASSPORT|%s", profileTestID("N"))))
		require.NoError(t, err)
		withProfile[i] = r
	}
	_, err := s.PutProfileRecord(ctx, newProfileRecord(""))
	require.NoError(t, err)

	faces, err := s.ProfileFaces(ctx, cursor, 2)
	require.NoError(t, err)
	require.Len(t, faces, 2, "the limit applies")
	assert.Equal(t, withProfile[0].VerificationID, faces[0].VerificationID)
	assert.Equal(t, withProfile[0].ProfileID, faces[0].ProfileID)
	assert.Equal(t, withProfile[0].FaceSeq, faces[0].Seq)
	assert.Equal(t, withProfile[0].FaceTemplate, faces[0].Sealed)
	assert.Equal(t, withProfile[1].VerificationID, faces[1].VerificationID)

	rest, err := s.ProfileFaces(ctx, faces[1].Seq, 10)
	require.NoError(t, err)
	require.Len(t, rest, 1, "records without a profile id are left out")
	assert.Equal(t, withProfile[2].VerificationID, rest[0].VerificationID)

	require.NoError(t, s.DeleteProfileRecord(ctx, withProfile[2].VerificationID))
	rest, err = s.ProfileFaces(ctx, faces[1].Seq, 10)
	require.NoError(t, err)
	assert.Empty(t, rest, "deleted records are gone")
}

// lastFaceSeq returns the greatest face sequence number stored.
func lastFaceSeq(t *testing.T, s store.Store) int64 {
	t.Helper()
	var last int64
	for {
		faces, err := s.ProfileFaces(context.Background(), last, 1000)
		require.NoError(t, err)
		if len(faces) == 0 {
			return last
		}
		last = faces[len(faces)-1].Seq
	}
}

func testProfileRecordsOfProfile(t *testing.T, s store.Store) {
	ctx := context.Background()
	profile := "US|DRIVING-LICENSE|" + profileTestID("N")
	times := []time.Duration{2 * time.Hour, 0, time.Hour}
	ids := make([]string, len(times))
	for i, d := range times {
		r := newProfileRecord(profile)
		r.CreatedAt = profileEpoch.Add(d)
		_, err := s.PutProfileRecord(ctx, r)
		require.NoError(t, err)
		ids[i] = r.VerificationID
	}
	_, err := s.PutProfileRecord(ctx, newProfileRecord("US|DRIVING-LICENSE|"+profileTestID("N")))
	require.NoError(t, err)

	got, err := s.ProfileRecords(ctx, profile)
	require.NoError(t, err)
	require.Len(t, got, 3)
	assert.Equal(t, []string{ids[1], ids[2], ids[0]}, []string{got[0].VerificationID, got[1].VerificationID, got[2].VerificationID},
		"oldest first")

	none, err := s.ProfileRecords(ctx, "US|PASSPORT|"+profileTestID("N"))
	require.NoError(t, err)
	assert.Empty(t, none)
	none, err = s.ProfileRecords(ctx, "")
	require.NoError(t, err)
	assert.Empty(t, none, "the empty profile id matches no record")
}

func testProfileRecordsByEmail(t *testing.T, s store.Store) {
	ctx := context.Background()
	email := profileTestID("velocity") + "@example.com"
	var ids []string
	for i := range 3 {
		r := newProfileRecord("")
		r.Email = email
		r.CreatedAt = profileEpoch.Add(time.Duration(i) * time.Hour)
		_, err := s.PutProfileRecord(ctx, r)
		require.NoError(t, err)
		ids = append(ids, r.VerificationID)
	}
	got, err := s.ProfileRecordsByEmail(ctx, email, profileEpoch.Add(time.Hour))
	require.NoError(t, err)
	require.Len(t, got, 2, "since is inclusive and earlier records are left out")
	assert.Equal(t, ids[1], got[0].VerificationID)
	assert.Equal(t, ids[2], got[1].VerificationID)

	none, err := s.ProfileRecordsByEmail(ctx, "", time.Time{})
	require.NoError(t, err)
	assert.Empty(t, none, "the empty e-mail matches no record")
}

func testProfileRecordDelete(t *testing.T, s store.Store) {
	ctx := context.Background()
	r := newProfileRecord("IT|NATIONAL-ID|" + profileTestID("N"))
	_, err := s.PutProfileRecord(ctx, r)
	require.NoError(t, err)
	require.NoError(t, s.DeleteProfileRecord(ctx, r.VerificationID))
	_, err = s.GetProfileRecord(ctx, r.VerificationID)
	require.ErrorIs(t, err, store.ErrNotFound)
	require.ErrorIs(t, s.DeleteProfileRecord(ctx, r.VerificationID), store.ErrNotFound)
	left, err := s.ProfileRecords(ctx, r.ProfileID)
	require.NoError(t, err)
	assert.Empty(t, left)
}

func testProfileRecordConcurrent(t *testing.T, s store.Store) {
	ctx := context.Background()
	created, err := s.PutProfileRecord(ctx, newProfileRecord(""))
	require.NoError(t, err)
	const writers = 6
	var wins atomic.Int32
	var wg sync.WaitGroup
	errs := make(chan error, writers)
	for i := range writers {
		wg.Go(func() {
			r := created
			r.Document = json.RawMessage(fmt.Sprintf(`{"writer":%d}`, i))
			_, err := s.PutProfileRecord(ctx, r)
			if err == nil {
				wins.Add(1)
				return
			}
			errs <- err
		})
	}
	wg.Wait()
	close(errs)
	assert.Equal(t, int32(1), wins.Load(), "exactly one writer of a version wins")
	for err := range errs {
		assert.ErrorIs(t, err, store.ErrConflict)
	}
}

func testProfileLists(t *testing.T, s store.Store) {
	ctx := context.Background()
	name := profileTestID("tor")
	first := store.ProfileList{Name: name, Entries: json.RawMessage(`["185.220.101.0/24","2001:db8::/32"]`), Count: 2, Digest: "d1"}
	written, err := s.ReplaceProfileList(ctx, first)
	require.NoError(t, err)
	assert.False(t, written.ImportedAt.IsZero())

	got, err := s.GetProfileList(ctx, name)
	require.NoError(t, err)
	require.JSONEq(t, string(first.Entries), string(got.Entries))
	assert.Equal(t, 2, got.Count)
	assert.Equal(t, "d1", got.Digest)
	assert.True(t, written.ImportedAt.Equal(got.ImportedAt))

	second := store.ProfileList{Name: name, Entries: json.RawMessage(`["203.0.113.7"]`), Count: 1, Digest: "d2"}
	_, err = s.ReplaceProfileList(ctx, second)
	require.NoError(t, err)
	got, err = s.GetProfileList(ctx, name)
	require.NoError(t, err)
	require.JSONEq(t, `["203.0.113.7"]`, string(got.Entries), "a list is replaced whole")
	assert.Equal(t, 1, got.Count)

	other := profileTestID("a-first")
	_, err = s.ReplaceProfileList(ctx, store.ProfileList{Name: other, Entries: json.RawMessage(`[]`), Digest: "d0"})
	require.NoError(t, err)
	infos, err := s.ProfileListInfos(ctx)
	require.NoError(t, err)
	var names []string
	for _, info := range infos {
		assert.Empty(t, info.Entries, "infos carry no entries")
		if info.Name == name || info.Name == other {
			names = append(names, info.Name)
		}
	}
	assert.Equal(t, []string{other, name}, names, "ordered by name")

	_, err = s.GetProfileList(ctx, profileTestID("unknown"))
	require.ErrorIs(t, err, store.ErrNotFound)
}
