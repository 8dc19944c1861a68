package identity_test

import (
	"encoding/json"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kycgate/kycgate/identity"
)

func TestDeliveryHistoryAndRedelivery(t *testing.T) {
	e := newEnv(t, envOptions{engine: noneEngine()})
	flow := e.createFlow(merchantA, identity.StepSelfie)
	done, hooks := e.verifySelfie(flow, "", nil, noFacePhoto(t))
	id := done["id"].(string)
	tokenA := e.token(merchantA)

	list := e.call(http.MethodGet, "/v2/webhooks/deliveries?verificationId="+id, tokenA, nil, "")
	require.Equal(t, http.StatusOK, list.status, "body: %s", list.body)
	var deliveries []map[string]any
	require.NoError(t, json.Unmarshal(list.body, &deliveries))
	require.Len(t, deliveries, len(hooks))
	assert.Equal(t, "verification_completed", deliveries[0]["eventName"], "newest first")
	require.Eventually(t, func() bool {
		r := e.call(http.MethodGet, "/v2/webhooks/deliveries/"+hooks[0].eventID, tokenA, nil, "")
		return r.status == http.StatusOK && r.object(t)["status"] == "delivered"
	}, 10*time.Second, 20*time.Millisecond, "the history records the delivery")
	for _, d := range deliveries {
		assert.Equal(t, e.receiver.url(), d["url"])
		assert.NotContains(t, d, "secret")
		assert.NotContains(t, d, "webhookSecret")
	}

	one := e.call(http.MethodGet, "/v2/webhooks/deliveries/"+hooks[0].eventID, tokenA, nil, "")
	require.Equal(t, http.StatusOK, one.status)
	event := one.object(t)
	assert.Equal(t, hooks[0].body, event["payload"], "the payload as delivered")
	history := event["history"].([]any)
	require.Len(t, history, 1)
	assert.Equal(t, 200.0, history[0].(map[string]any)["statusCode"])

	t.Run("redeliver", func(t *testing.T) {
		before := len(e.receiver.all())
		r := e.call(http.MethodPost, "/v2/webhooks/deliveries/"+hooks[0].eventID+"/redeliver", tokenA, nil, "")
		require.Equal(t, http.StatusAccepted, r.status, "body: %s", r.body)
		require.Eventually(t, func() bool { return len(e.receiver.all()) == before+1 }, 10*time.Second, 20*time.Millisecond)
		again := e.receiver.all()[before]
		assert.Equal(t, hooks[0].eventID, again.eventID, "the same event id, for deduplication")
		assert.Equal(t, hooks[0].raw, again.raw, "the same body")
		assert.Equal(t, hooks[0].signature, again.signature)
	})

	t.Run("isolation", func(t *testing.T) {
		tokenB := e.token(merchantB)
		requireError(t, e.get(merchantB, id), http.StatusNotFound, "NOT_FOUND")
		requireError(t, e.call(http.MethodGet, "/v2/webhooks/deliveries/"+hooks[0].eventID, tokenB, nil, ""), http.StatusNotFound, "NOT_FOUND")
		requireError(t, e.call(http.MethodPost, "/v2/webhooks/deliveries/"+hooks[0].eventID+"/redeliver", tokenB, nil, ""), http.StatusNotFound, "NOT_FOUND")
		none := e.call(http.MethodGet, "/v2/webhooks/deliveries?verificationId="+id, tokenB, nil, "")
		require.Equal(t, http.StatusOK, none.status)
		assert.JSONEq(t, `[]`, string(none.body))
		requireError(t, e.call(http.MethodGet, "/v2/webhooks/deliveries", e.token(merchantA, identity.ScopeVerificationsRead), nil, ""),
			http.StatusForbidden, "PERMISSION_DENIED")
	})
}
