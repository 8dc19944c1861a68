package identity_test

import (
	"context"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kycgate/kycgate/identity"
)

func TestRedeliveryOfAPurgedEventIsRefused(t *testing.T) {
	e := newEnv(t, envOptions{engine: noneEngine()})
	flow := e.createFlow(merchantA, identity.StepSelfie)
	_, hooks := e.verifySelfie(flow, "", nil, noFacePhoto(t))
	tokenA := e.token(merchantA)
	path := "/v2/webhooks/deliveries/" + hooks[0].eventID
	require.Eventually(t, func() bool {
		r := e.call(http.MethodGet, path, tokenA, nil, "")
		return r.status == http.StatusOK && r.object(t)["status"] == "delivered"
	}, 10*time.Second, 20*time.Millisecond)

	// The retention period has passed for every finished event.
	later := time.Now().Add(time.Hour)
	n, err := e.store.PurgePayloads(context.Background(), later, later, 1000)
	require.NoError(t, err)
	require.Positive(t, n)

	before := len(e.receiver.all())
	requireError(t, e.call(http.MethodPost, path+"/redeliver", tokenA, nil, ""), http.StatusConflict, "WEBHOOKS.PAYLOAD_PURGED")
	requireError(t, e.call(http.MethodPost, path+"/redeliver", e.token(merchantB), nil, ""), http.StatusNotFound, "NOT_FOUND")

	one := e.call(http.MethodGet, path, tokenA, nil, "")
	require.Equal(t, http.StatusOK, one.status)
	event := one.object(t)
	assert.Equal(t, "delivered", event["status"], "the history stays readable")
	assert.Equal(t, map[string]any{}, event["payload"], "the payload is erased")
	assert.NotEmpty(t, event["payloadPurgedAt"])
	assert.Len(t, event["history"], 1)
	assert.Len(t, e.receiver.all(), before, "nothing is sent again")
}
