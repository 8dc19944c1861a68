package webhook_test

import (
	"bytes"
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kycgate/kycgate/internal/sealed"
	"github.com/kycgate/kycgate/store"
	"github.com/kycgate/kycgate/webhook"
)

// secretsBox returns a Box whose key is fill repeated.
func secretsBox(t *testing.T, fill byte) *sealed.Box {
	t.Helper()
	b, err := sealed.New(bytes.Repeat([]byte{fill}, sealed.KeySize))
	require.NoError(t, err)
	return b
}

func TestSealedSecretsAreStoredSealedAndSignAsBefore(t *testing.T) {
	st := newStore(t)
	receiver, server := newCaptureServer(t)
	cfg := fastConfig()
	cfg.Secrets = secretsBox(t, 7)
	w := newWorker(t, st, cfg)

	events := enqueue(t, st, w, server.URL+"/hooks", "ver-1", "verification_started")
	stored, _ := status(t, st, events[0].ID)
	assert.True(t, sealed.IsSealed(stored.Secret), "the outbox row holds the sealed secret")
	assert.NotContains(t, stored.Secret, testSecret)

	runWorker(t, w)
	eventually(t, func() bool { return allDelivered(t, st, events) }, "the event is delivered")
	got := receiver.all()
	require.Len(t, got, 1)
	assert.Equal(t, hmacHex(testSecret, got[0].body), got[0].header.Get("X-Signature"), "signed with the secret itself")
}

func TestSecretsWrittenBeforeSealingStillSign(t *testing.T) {
	st := newStore(t)
	receiver, server := newCaptureServer(t)
	plain := newWorker(t, st, fastConfig())
	events := enqueue(t, st, plain, server.URL+"/hooks", "ver-1", "verification_started")

	cfg := fastConfig()
	cfg.Secrets = secretsBox(t, 7)
	w := newWorker(t, st, cfg)
	runWorker(t, w)
	eventually(t, func() bool { return allDelivered(t, st, events) }, "the event written without sealing is delivered")
	got := receiver.all()
	require.Len(t, got, 1)
	assert.Equal(t, hmacHex(testSecret, got[0].body), got[0].header.Get("X-Signature"))
}

func TestASecretThatDoesNotOpenSendsNothing(t *testing.T) {
	st := newStore(t)
	receiver, server := newCaptureServer(t)
	before := fastConfig()
	before.Secrets = secretsBox(t, 7)
	events := enqueue(t, st, newWorker(t, st, before), server.URL+"/hooks", "ver-1", "verification_started")

	after := fastConfig()
	after.Secrets = secretsBox(t, 8) // the key was changed
	runWorker(t, newWorker(t, st, after))
	eventually(t, func() bool {
		_, attempts := status(t, st, events[0].ID)
		return len(attempts) > 0
	}, "the attempt is recorded")
	stored, attempts := status(t, st, events[0].ID)
	assert.Equal(t, store.EventFailed, stored.Status, "retrying cannot open it: failed at once")
	assert.Len(t, attempts, 1)
	assert.Contains(t, attempts[0].Error, "webhooks.secret_key")
	assert.Zero(t, attempts[0].StatusCode)
	assert.Empty(t, receiver.all(), "nothing is sent without the right secret")
}

func TestASealedSecretCopiedToAnotherEventDoesNotOpen(t *testing.T) {
	st := newStore(t)
	receiver, server := newCaptureServer(t)
	cfg := fastConfig()
	cfg.Secrets = secretsBox(t, 7)
	w := newWorker(t, st, cfg)
	donor := w.NewEvent(webhook.Message{MerchantID: testMerchant, ResourceID: "ver-1", EventName: "x", URL: server.URL, Secret: testSecret, Payload: []byte(`{}`)})
	other := w.NewEvent(webhook.Message{MerchantID: testMerchant, ResourceID: "ver-2", EventName: "x", URL: server.URL, Secret: "another-secret-0123", Payload: []byte(`{}`)})
	other.Secret = donor.Secret
	require.NoError(t, st.EnqueueEvents(context.Background(), []store.OutboxEvent{other}))
	runWorker(t, w)
	eventually(t, func() bool {
		_, attempts := status(t, st, other.ID)
		return len(attempts) > 0
	}, "the attempt is recorded")
	assert.Empty(t, receiver.all())
}
