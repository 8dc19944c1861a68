package identity_test

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kycgate/kycgate/internal/sealed"
)

// TestWebhookSecretsAreSealedAtRest checks that neither the stored flow nor
// the outbox rows hold a flow's webhook secret in clear, and that the
// deliveries are still signed with it.
func TestWebhookSecretsAreSealedAtRest(t *testing.T) {
	e := newEnv(t, envOptions{engine: noneEngine()})
	flowID := e.createFlow(merchantA, "selfie")
	ctx := context.Background()

	rec, err := e.store.GetFlow(ctx, merchantA, flowID)
	require.NoError(t, err)
	assert.NotContains(t, string(rec.Document), e.receiver.secret, "the stored flow holds no secret in clear")
	var doc map[string]any
	require.NoError(t, json.Unmarshal(rec.Document, &doc))
	stored, _ := doc["webhookSecret"].(string)
	assert.True(t, sealed.IsSealed(stored), "the stored secret is sealed: %.12s…", stored)

	v := e.start(merchantA, flowID, "", nil)
	id, _ := v["id"].(string)
	require.NotEmpty(t, id)
	var hooks []hook
	require.Eventually(t, func() bool { hooks = e.receiver.of(id); return len(hooks) > 0 }, 15*time.Second, 20*time.Millisecond,
		"verification_started is delivered")
	e.receiver.requireSigned(hooks)
	event, _, err := e.store.GetEvent(ctx, merchantA, hooks[0].eventID)
	require.NoError(t, err)
	assert.True(t, sealed.IsSealed(event.Secret), "the outbox row's secret is sealed")
	assert.NotContains(t, event.Secret, e.receiver.secret)
}

func TestAFlowSecretThatLooksSealedIsRefused(t *testing.T) {
	e := newEnv(t, envOptions{engine: noneEngine()})
	r := e.postJSON("/v2/flows", e.token(merchantA), map[string]any{
		"steps": []string{"selfie"}, "webhookUrl": e.receiver.url(), "webhookSecret": sealed.Prefix + "0123456789abcdef",
	})
	requireError(t, r, http.StatusBadRequest, "INVALID_ARGUMENT")
}

// TestAFlowWhoseSecretNoLongerOpensCanBeGivenANewOne restarts the gateway
// with another webhooks.secret_key: the flow is still shown and used,
// updating it generates a new secret, and its webhooks are signed with that
// one.
func TestAFlowWhoseSecretNoLongerOpensCanBeGivenANewOne(t *testing.T) {
	e := newEnv(t, envOptions{engine: noneEngine()})
	flowID := e.createFlow(merchantA, "selfie")
	e.stop()

	e = newEnv(t, envOptions{engine: noneEngine(), dir: e.dir, secretsKey: bytes.Repeat([]byte{0x44}, 32)})
	token := e.token(merchantA)
	shown := e.call(http.MethodGet, "/v2/flows/"+flowID, token, nil, "")
	require.Equal(t, http.StatusOK, shown.status, "body: %s", shown.body)
	meanwhile := e.start(merchantA, flowID, "", nil)
	require.NotEmpty(t, meanwhile["id"], "verifications still start, without webhooks")

	body, err := json.Marshal(map[string]any{"steps": []string{"selfie"}, "webhookUrl": e.receiver.url()})
	require.NoError(t, err)
	updated := e.call(http.MethodPut, "/v2/flows/"+flowID, token, body, "")
	require.Equal(t, http.StatusOK, updated.status, "body: %s", updated.body)
	secret, _ := updated.object(t)["webhookSecret"].(string)
	require.GreaterOrEqual(t, len(secret), 16, "a new secret is generated and shown once")
	assert.NotEqual(t, e.receiver.secret, secret)

	e.receiver.secret = secret
	v := e.start(merchantA, flowID, "", nil)
	id, _ := v["id"].(string)
	var hooks []hook
	require.Eventually(t, func() bool { hooks = e.receiver.of(id); return len(hooks) > 0 }, 15*time.Second, 20*time.Millisecond,
		"verification_started is delivered")
	e.receiver.requireSigned(hooks)
}
