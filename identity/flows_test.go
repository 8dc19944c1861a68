package identity_test

import (
	"encoding/json"
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kycgate/kycgate/identity"
)

func TestFlowLifecycle(t *testing.T) {
	e := newEnv(t, envOptions{engine: noneEngine()})
	tokenA := e.token(merchantA)

	created := e.postJSON("/v2/flows", tokenA, map[string]any{
		"id": "returning-customers", "name": "Returning customers",
		"steps":      []string{"re-facematch", "selfie"},
		"webhookUrl": e.receiver.url(), "facematchThreshold": 70,
	})
	require.Equal(t, http.StatusCreated, created.status, "body: %s", created.body)
	assert.Equal(t, "/v2/flows/returning-customers", created.header.Get("Location"))
	flow := created.object(t)
	assert.Equal(t, []any{"selfie", "re-facematch"}, flow["steps"], "steps in the order they run")
	assert.Equal(t, 70.0, flow["facematchThreshold"])
	secret, _ := flow["webhookSecret"].(string)
	assert.GreaterOrEqual(t, len(secret), 16, "a generated secret is shown once")

	got := e.call(http.MethodGet, "/v2/flows/returning-customers", tokenA, nil, "")
	require.Equal(t, http.StatusOK, got.status)
	assert.NotContains(t, got.object(t), "webhookSecret", "the secret is never read back")

	body, err := json.Marshal(map[string]any{"name": "Renamed", "steps": []string{"selfie"}, "webhookUrl": e.receiver.url()})
	require.NoError(t, err)
	updated := e.call(http.MethodPut, "/v2/flows/returning-customers", tokenA, body, "")
	require.Equal(t, http.StatusOK, updated.status, "body: %s", updated.body)
	assert.Equal(t, "Renamed", updated.object(t)["name"])
	assert.NotContains(t, updated.object(t), "webhookSecret", "the secret is kept, not regenerated")

	second := e.postJSON("/v2/flows", tokenA, map[string]any{"steps": []string{"selfie"}})
	require.Equal(t, http.StatusCreated, second.status)
	assert.Regexp(t, `^[0-9a-f]{24}$`, second.object(t)["id"], "a generated id")

	list := e.call(http.MethodGet, "/v2/flows", tokenA, nil, "")
	require.Equal(t, http.StatusOK, list.status)
	var flows []map[string]any
	require.NoError(t, json.Unmarshal(list.body, &flows))
	assert.Len(t, flows, 2)

	t.Run("isolation", func(t *testing.T) {
		tokenB := e.token(merchantB)
		requireError(t, e.call(http.MethodGet, "/v2/flows/returning-customers", tokenB, nil, ""), http.StatusNotFound, "NOT_FOUND")
		requireError(t, e.call(http.MethodPut, "/v2/flows/returning-customers", tokenB, body, ""), http.StatusNotFound, "NOT_FOUND")
		none := e.call(http.MethodGet, "/v2/flows", tokenB, nil, "")
		require.Equal(t, http.StatusOK, none.status)
		assert.JSONEq(t, `[]`, string(none.body))
		same := e.postJSON("/v2/flows", tokenB, map[string]any{"id": "returning-customers", "steps": []string{"selfie"}})
		assert.Equal(t, http.StatusCreated, same.status, "flow ids are per merchant")
	})
	t.Run("duplicate id", func(t *testing.T) {
		r := e.postJSON("/v2/flows", tokenA, map[string]any{"id": "returning-customers", "steps": []string{"selfie"}})
		requireError(t, r, http.StatusConflict, "CONFLICT")
	})
	t.Run("scopes", func(t *testing.T) {
		readOnly := e.token(merchantA, identity.ScopeFlowsRead)
		requireError(t, e.postJSON("/v2/flows", readOnly, map[string]any{"steps": []string{"selfie"}}), http.StatusForbidden, "PERMISSION_DENIED")
		requireError(t, e.call(http.MethodGet, "/v2/flows", e.token(merchantA, identity.ScopeVerificationsRead), nil, ""),
			http.StatusForbidden, "PERMISSION_DENIED")
	})
}

func TestInvalidFlowsAreRefusedWithTheReason(t *testing.T) {
	e := newEnv(t, envOptions{engine: noneEngine()})
	tests := []struct {
		name   string
		body   map[string]any
		reason string
	}{
		{"no steps", map[string]any{"steps": []string{}}, ""},
		{"unknown step", map[string]any{"steps": []string{"selfie", "palm-print"}}, ""},
		{"step twice", map[string]any{"steps": []string{"selfie", "selfie"}}, "listed twice"},
		{"comparison without a selfie", map[string]any{"steps": []string{"facematch"}}, "add the selfie or liveness step"},
		{"threshold too high", map[string]any{"steps": []string{"selfie"}, "facematchThreshold": 101}, ""},
		{"threshold zero", map[string]any{"steps": []string{"selfie"}, "facematchThreshold": 0}, ""},
		{"not a URL", map[string]any{"steps": []string{"selfie"}, "webhookUrl": "hooks"}, "webhookUrl"},
		{"metadata address", map[string]any{"steps": []string{"selfie"}, "webhookUrl": "http://169.254.169.254/"}, "metadata"},
		{"short secret", map[string]any{"steps": []string{"selfie"}, "webhookSecret": "short"}, ""},
		{"bad id", map[string]any{"id": "has spaces", "steps": []string{"selfie"}}, ""},
		{"unknown field", map[string]any{"steps": []string{"selfie"}, "color": "blue"}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := e.postJSON("/v2/flows", e.token(merchantA), tt.body)
			requireError(t, r, http.StatusBadRequest, "INVALID_ARGUMENT")
			assert.Contains(t, r.object(t)["message"], tt.reason)
		})
	}
}
