package webhook_test

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kycgate/kycgate/webhook"
)

func post(t *testing.T, h http.Handler, body, signature, eventID string) int {
	t.Helper()
	req := httptest.NewRequest(http.MethodPost, "/", strings.NewReader(body))
	req.Header.Set(webhook.HeaderSignature, signature)
	req.Header.Set(webhook.HeaderEventID, eventID)
	req.Header.Set(webhook.HeaderEventName, "step_completed")
	req.Header.Set(webhook.HeaderAttempt, "1")
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec.Code
}

func TestReceiverKeepsSignedDeliveriesOncePerEvent(t *testing.T) {
	r := webhook.NewReceiver("secret", 2)
	body := `{"eventName":"step_completed"}`
	sig := webhook.Sign("secret", []byte(body))

	assert.Equal(t, http.StatusNoContent, post(t, r, body, sig, "e1"))
	assert.Equal(t, http.StatusNoContent, post(t, r, body, sig, "e1"), "a duplicate is acknowledged")
	assert.Equal(t, http.StatusUnauthorized, post(t, r, body, webhook.Sign("other", []byte(body)), "e2"))
	assert.Equal(t, http.StatusBadRequest, post(t, r, "not json", webhook.Sign("secret", []byte("not json")), "e3"))

	rec := httptest.NewRecorder()
	r.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/", nil))
	require.Equal(t, http.StatusOK, rec.Code)
	var list []webhook.Received
	require.NoError(t, json.Unmarshal(rec.Body.Bytes(), &list))
	require.Len(t, list, 1)
	assert.Equal(t, "e1", list[0].EventID)
	assert.True(t, list[0].SignatureValid)
	assert.JSONEq(t, body, string(list[0].Body))

	for _, id := range []string{"e4", "e5"} {
		require.Equal(t, http.StatusNoContent, post(t, r, body, sig, id))
	}
	ids := []string{}
	for _, d := range r.Deliveries() {
		ids = append(ids, d.EventID)
	}
	assert.Equal(t, []string{"e4", "e5"}, ids, "only the last deliveries are kept")
}
