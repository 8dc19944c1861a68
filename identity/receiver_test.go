package identity_test

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// hook is one webhook delivery seen by the receiver.
type hook struct {
	eventID   string
	eventName string
	signature string
	timestamp string
	raw       []byte
	body      map[string]any
}

// receiver is a loopback webhook endpoint that keeps every delivery and
// checks its signature with its own HMAC computation.
type receiver struct {
	t      *testing.T
	secret string
	server *httptest.Server

	mu    sync.Mutex
	hooks []hook
}

func newReceiver(t *testing.T) *receiver {
	r := &receiver{t: t, secret: "receiver-secret-0123456789"}
	r.server = httptest.NewServer(http.HandlerFunc(r.serve))
	t.Cleanup(r.server.Close)
	return r
}

func (r *receiver) url() string { return r.server.URL + "/hooks" }

func (r *receiver) serve(w http.ResponseWriter, req *http.Request) {
	raw, _ := io.ReadAll(req.Body)
	h := hook{eventID: req.Header.Get("x-event-id"), eventName: req.Header.Get("x-event-name"),
		signature: req.Header.Get("x-signature"), timestamp: req.Header.Get("x-event-timestamp"), raw: raw}
	_ = json.Unmarshal(raw, &h.body)
	r.mu.Lock()
	r.hooks = append(r.hooks, h)
	r.mu.Unlock()
	w.WriteHeader(http.StatusOK)
}

// restart serves the receiver again on the address it had, after its
// server was closed.
func (r *receiver) restart(t *testing.T) {
	t.Helper()
	ln, err := net.Listen("tcp", r.server.Listener.Addr().String())
	require.NoError(t, err)
	r.server = &httptest.Server{Listener: ln, Config: &http.Server{Handler: http.HandlerFunc(r.serve)}}
	r.server.Start()
	t.Cleanup(r.server.Close)
}

// all returns the deliveries so far.
func (r *receiver) all() []hook {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]hook{}, r.hooks...)
}

// of returns the deliveries about one verification, in arrival order.
func (r *receiver) of(verificationID string) []hook {
	var out []hook
	for _, h := range r.all() {
		if resource, _ := h.body["resource"].(string); resource == "https://kyc.example.test/v2/verifications/"+verificationID {
			out = append(out, h)
		}
	}
	return out
}

// waitFor waits until the verification's verification_completed arrived
// and returns its deliveries.
func (r *receiver) waitFor(verificationID string) []hook {
	r.t.Helper()
	require.Eventually(r.t, func() bool {
		for _, h := range r.of(verificationID) {
			if h.eventName == "verification_completed" {
				return true
			}
		}
		return false
	}, 30*time.Second, 20*time.Millisecond, "verification_completed is delivered")
	return r.of(verificationID)
}

// requireSigned checks every delivery's signature and envelope basics.
func (r *receiver) requireSigned(hooks []hook) {
	r.t.Helper()
	seen := map[string]bool{}
	for _, h := range hooks {
		mac := hmac.New(sha256.New, []byte(r.secret))
		mac.Write(h.raw)
		assert.Equal(r.t, hex.EncodeToString(mac.Sum(nil)), h.signature, "x-signature of %s", h.eventName)
		assert.Equal(r.t, h.eventName, h.body["eventName"], "x-event-name matches the body")
		assert.Regexp(r.t, `^[0-9a-f]{32}$`, h.eventID)
		assert.False(r.t, seen[h.eventID], "each event id arrives once")
		seen[h.eventID] = true
		ts, _ := h.body["timestamp"].(string)
		assert.Regexp(r.t, `^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$`, ts, "timestamp like the seed's")
		assert.Equal(r.t, ts, h.timestamp, "x-event-timestamp of %s is the body's timestamp", h.eventName)
	}
}

// names lists the event names of hooks.
func names(hooks []hook) []string {
	out := make([]string, 0, len(hooks))
	for _, h := range hooks {
		out = append(out, h.eventName)
	}
	return out
}

// stepHook returns the step_completed delivery of a step.
func stepHook(t *testing.T, hooks []hook, stepID string) map[string]any {
	t.Helper()
	for _, h := range hooks {
		if step, ok := h.body["step"].(map[string]any); ok && step["id"] == stepID {
			return h.body
		}
	}
	require.Failf(t, "no step_completed webhook", "step %s", stepID)
	return nil
}
