// Package storetest is the conformance suite every store backend must pass.
// A backend's test calls RunTests with a constructor for fresh, empty stores:
//
//	func TestConformance(t *testing.T) {
//		storetest.RunTests(t, func(t *testing.T) store.Store { ... })
//	}
package storetest

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kycgate/kycgate/kycmatch"
	"github.com/kycgate/kycgate/store"
)

// RunTests runs the conformance suite. newStore must return a new, empty
// store for each call; the suite closes it when the subtest ends and checks
// that Close succeeds.
func RunTests(t *testing.T, newStore func(t *testing.T) store.Store) {
	tests := []struct {
		name string
		run  func(t *testing.T, s store.Store)
	}{
		{"UpsertGetRoundtrip", testRoundtrip},
		{"UpsertEmptyAttributes", testEmptyAttributes},
		{"UpsertKeepsGivenUpdatedAt", testGivenUpdatedAt},
		{"UpsertSetsMissingUpdatedAt", testMissingUpdatedAt},
		{"UpdateReplaces", testUpdateReplaces},
		{"UpsertEmptyBatch", testEmptyBatch},
		{"GetUnknown", testGetUnknown},
		{"AllOrNothing", testAllOrNothing},
		{"ConcurrentReadersAndWriters", testConcurrent},
		{"CanceledContext", testCanceledContext},
		{"Ping", testPing},
		{"NFCSessions", testNFCSessions},
		{"Verifications", testVerifications},
		{"Outbox", testOutbox},
		{"OutboxDepth", testCountPendingEvents},
		{"Profiles", testProfiles},
		{"Counters", testCounters},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := newStore(t)
			t.Cleanup(func() { assert.NoError(t, s.Close(), "Close") })
			tc.run(t, s)
		})
	}
}

// fullRecord is a subscriber carrying every known attribute, with values
// that exercise non-ASCII text.
func fullRecord(phone string) kycmatch.Subscriber {
	attrs := make(map[string]string, len(kycmatch.Attributes))
	for i, a := range kycmatch.Attributes {
		attrs[a.Name] = fmt.Sprintf("%s-%d Ĳsselmeer straße ﾌｪﾃﾞﾘｶ フェデリカ 🙂 \"quoted\"", a.Name, i)
	}
	return kycmatch.Subscriber{PhoneNumber: phone, LineType: kycmatch.LineMobile, Attributes: attrs}
}

func testRoundtrip(t *testing.T, s store.Store) {
	ctx := context.Background()
	want := fullRecord("+34629255833")
	require.NoError(t, s.UpsertSubscribers(ctx, []kycmatch.Subscriber{want}))

	got, err := s.GetSubscriber(ctx, want.PhoneNumber)
	require.NoError(t, err)
	assert.Equal(t, want.PhoneNumber, got.PhoneNumber)
	assert.Equal(t, want.LineType, got.LineType)
	assert.Equal(t, want.Attributes, got.Attributes)
	assert.False(t, got.UpdatedAt.IsZero(), "UpdatedAt must be set")
}

func testEmptyAttributes(t *testing.T, s store.Store) {
	ctx := context.Background()
	sub := kycmatch.Subscriber{PhoneNumber: "+4930123456", LineType: kycmatch.LineIoT}
	require.NoError(t, s.UpsertSubscribers(ctx, []kycmatch.Subscriber{sub}))

	got, err := s.GetSubscriber(ctx, sub.PhoneNumber)
	require.NoError(t, err)
	assert.Equal(t, kycmatch.LineIoT, got.LineType)
	assert.NotNil(t, got.Attributes, "a record without attributes reads back as an empty map")
	assert.Empty(t, got.Attributes)
}

func testGivenUpdatedAt(t *testing.T, s store.Store) {
	ctx := context.Background()
	at := time.Date(2024, 2, 29, 23, 59, 58, 123456000, time.FixedZone("CET", 3600))
	sub := kycmatch.Subscriber{PhoneNumber: "+31201234567", LineType: kycmatch.LineMobile, UpdatedAt: at}
	require.NoError(t, s.UpsertSubscribers(ctx, []kycmatch.Subscriber{sub}))

	got, err := s.GetSubscriber(ctx, sub.PhoneNumber)
	require.NoError(t, err)
	assert.True(t, at.Equal(got.UpdatedAt), "want %v, got %v", at, got.UpdatedAt)
}

func testMissingUpdatedAt(t *testing.T, s store.Store) {
	ctx := context.Background()
	before := time.Now().Add(-time.Second)
	sub := kycmatch.Subscriber{PhoneNumber: "+31201234568", LineType: kycmatch.LineMobile}
	require.NoError(t, s.UpsertSubscribers(ctx, []kycmatch.Subscriber{sub}))
	after := time.Now().Add(time.Second)

	got, err := s.GetSubscriber(ctx, sub.PhoneNumber)
	require.NoError(t, err)
	assert.True(t, got.UpdatedAt.After(before) && got.UpdatedAt.Before(after),
		"UpdatedAt %v must be the time of the upsert", got.UpdatedAt)
}

func testUpdateReplaces(t *testing.T, s store.Store) {
	ctx := context.Background()
	phone := "+819012345678"
	first := kycmatch.Subscriber{PhoneNumber: phone, LineType: kycmatch.LineMobile, Attributes: map[string]string{
		"givenName": "Hanako", "familyName": "Yamada", "email": "hanako@example.jp",
	}}
	second := kycmatch.Subscriber{PhoneNumber: phone, LineType: kycmatch.LineBusiness, Attributes: map[string]string{
		"givenName": "Hanako", "nameKanaZenkaku": "ヤマダ　ハナコ",
	}}
	require.NoError(t, s.UpsertSubscribers(ctx, []kycmatch.Subscriber{first}))
	require.NoError(t, s.UpsertSubscribers(ctx, []kycmatch.Subscriber{second}))

	got, err := s.GetSubscriber(ctx, phone)
	require.NoError(t, err)
	assert.Equal(t, kycmatch.LineBusiness, got.LineType)
	assert.Equal(t, second.Attributes, got.Attributes, "an update replaces the attributes, it does not merge them")
}

func testEmptyBatch(t *testing.T, s store.Store) {
	require.NoError(t, s.UpsertSubscribers(context.Background(), nil))
}

func testGetUnknown(t *testing.T, s store.Store) {
	_, err := s.GetSubscriber(context.Background(), "+34600000000")
	require.ErrorIs(t, err, store.ErrNotFound)
}

func testAllOrNothing(t *testing.T, s store.Store) {
	ctx := context.Background()
	existing := kycmatch.Subscriber{PhoneNumber: "+34600000001", LineType: kycmatch.LineMobile,
		Attributes: map[string]string{"givenName": "Before"}}
	require.NoError(t, s.UpsertSubscribers(ctx, []kycmatch.Subscriber{existing}))

	tests := []struct {
		name    string
		invalid kycmatch.Subscriber
	}{
		{"empty phone number", kycmatch.Subscriber{LineType: kycmatch.LineMobile}},
		{"empty line type", kycmatch.Subscriber{PhoneNumber: "+34600000003"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			batch := []kycmatch.Subscriber{
				{PhoneNumber: "+34600000002", LineType: kycmatch.LineMobile, Attributes: map[string]string{"givenName": "New"}},
				{PhoneNumber: existing.PhoneNumber, LineType: kycmatch.LineIoT, Attributes: map[string]string{"givenName": "After"}},
				tc.invalid,
			}
			require.Error(t, s.UpsertSubscribers(ctx, batch), "the backend must refuse the invalid record")

			_, err := s.GetSubscriber(ctx, "+34600000002")
			assert.ErrorIs(t, err, store.ErrNotFound, "the new record of a failed batch must not be written")
			got, err := s.GetSubscriber(ctx, existing.PhoneNumber)
			require.NoError(t, err)
			assert.Equal(t, existing.LineType, got.LineType, "the update of a failed batch must not be written")
			assert.Equal(t, existing.Attributes, got.Attributes, "the update of a failed batch must not be written")
		})
	}
}

func testConcurrent(t *testing.T, s store.Store) {
	ctx := context.Background()
	const writers, readers, perWriter = 4, 4, 20
	phone := func(w, i int) string { return fmt.Sprintf("+4915%02d%06d", w, i) }

	var wg sync.WaitGroup
	errs := make(chan error, writers*perWriter+readers*perWriter)
	for w := range writers {
		wg.Go(func() {
			for i := range perWriter {
				sub := kycmatch.Subscriber{PhoneNumber: phone(w, i), LineType: kycmatch.LineMobile,
					Attributes: map[string]string{"givenName": fmt.Sprintf("W%dI%d", w, i)}}
				errs <- s.UpsertSubscribers(ctx, []kycmatch.Subscriber{sub})
			}
		})
	}
	for r := range readers {
		wg.Go(func() {
			for i := range perWriter {
				_, err := s.GetSubscriber(ctx, phone(r%writers, i))
				if errors.Is(err, store.ErrNotFound) {
					err = nil // not written yet
				}
				errs <- err
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		require.NoError(t, err)
	}
	for w := range writers {
		for i := range perWriter {
			got, err := s.GetSubscriber(ctx, phone(w, i))
			require.NoError(t, err)
			assert.Equal(t, fmt.Sprintf("W%dI%d", w, i), got.Attributes["givenName"])
		}
	}
}

func testCanceledContext(t *testing.T, s store.Store) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	sub := kycmatch.Subscriber{PhoneNumber: "+34600000009", LineType: kycmatch.LineMobile}
	assert.Error(t, s.UpsertSubscribers(ctx, []kycmatch.Subscriber{sub}), "upsert with a canceled context")
	_, err := s.GetSubscriber(ctx, sub.PhoneNumber)
	assert.Error(t, err, "get with a canceled context")
	assert.NotErrorIs(t, err, store.ErrNotFound, "a canceled lookup is not a missing record")

	_, err = s.GetSubscriber(context.Background(), sub.PhoneNumber)
	assert.ErrorIs(t, err, store.ErrNotFound, "a canceled upsert writes nothing")
}

func testPing(t *testing.T, s store.Store) {
	require.NoError(t, s.Ping(context.Background()))
}
