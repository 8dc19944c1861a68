package main

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kycgate/kycgate/biometric"
	"github.com/kycgate/kycgate/gateway/auth/devissuer"
	"github.com/kycgate/kycgate/internal/sealed"
	"github.com/kycgate/kycgate/internal/syncio"
	"github.com/kycgate/kycgate/nfc/partner"
	"github.com/kycgate/kycgate/store/postgres/pgtest"
	"github.com/kycgate/kycgate/webhook"
)

// replicaWebhookTimeout bounds one delivery attempt of the replicas; their
// webhook lease is 3 × this + 10 s (webhookConfig).
const replicaWebhookTimeout = time.Second

// replicaLease is the webhook lease the replicas run with.
const replicaLease = 3*replicaWebhookTimeout + 10*time.Second

// replicaScopes are the scopes of the merchant's tokens.
const replicaScopes = "flows:read flows:write verifications:read verifications:write webhooks:read"

// TestReplicasShareOnePostgreSQL runs two `kycgate serve` processes on one
// PostgreSQL schema behind no load balancer, calling each directly, and
// shows that they act as one gateway: a verification started on one is
// read on the other, an NFC init code redeemed on one is refused on the
// other (and failed redemptions on both count against one limit), webhook
// events produced under load are delivered exactly once by the two, and a
// replica killed with SIGKILL under load loses no answered request and
// leaves its claimed events to the other once their lease ends.
func TestReplicasShareOnePostgreSQL(t *testing.T) {
	dsn := pgtest.DSN(t)
	bin := buildKycgate(t)
	schema := pgtest.FreshSchema(t, dsn, "kgt_replicas_")
	issuer := devissuer.NewTestServer(t, devissuer.Options{Audience: "kycgate-replicas"})
	hooks := newHookReceiver(t)
	apiKey, apiKeyHash := partner.NewKey()
	dir := t.TempDir()
	cfg := writeReplicaConfig(t, dir, replicaConfigValues{issuer: issuer.URL(), audience: "kycgate-replicas",
		schema: schema, partnerKeyHash: apiKeyHash, partnerWebhook: hooks.srv.URL + "/nfc"})
	a := startReplica(t, bin, cfg, dir, "a")
	b := startReplica(t, bin, cfg, dir, "b")
	token, err := issuer.Mint(devissuer.Claims{ClientID: "merchant-1", Scope: replicaScopes})
	require.NoError(t, err)
	api := &replicaClient{t: t, token: token}
	db := replicaDB(t, dsn, schema)

	var flow map[string]any
	require.Equal(t, http.StatusCreated, api.json(a.base, http.MethodPost, "/v2/flows",
		map[string]any{"id": "replicas", "steps": []string{"selfie"}, "webhookUrl": hooks.srv.URL + "/verifications",
			"webhookSecret": replicaFlowSecret}, &flow))

	t.Run("a verification started on one replica is read and continued on the other", func(t *testing.T) {
		api.t = t
		id := api.startVerification(a.base)
		var got map[string]any
		require.Equal(t, http.StatusOK, api.json(b.base, http.MethodGet, "/v2/verifications/"+id, nil, &got))
		assert.Equal(t, id, got["id"])
		assert.Equal(t, "pending", got["status"])
		api.sendSelfie(b.base, id)
		assert.Contains(t, []string{"verified", "rejected", "reviewNeeded"}, api.await(a.base, id)["status"],
			"the input sent to the second replica completes the verification read on the first")
	})

	t.Run("an NFC init code redeemed on one replica is refused on the other", func(t *testing.T) {
		api.t = t
		var init nfcEnvelope
		require.Equal(t, http.StatusOK, api.json(a.base, http.MethodPost, "/nfc/v1/session_init",
			map[string]any{"api_key": apiKey, "ref": "replicas", "method": "enroll"}, &init))
		code := init.Data["init_code"].(string)
		var redemption map[string]any
		require.Equal(t, http.StatusOK, api.json(a.base, http.MethodPost, "/nfc/reader/v1/redeem", map[string]any{"init_code": code}, &redemption))
		assert.NotEmpty(t, redemption["upload_token"])
		assert.Equal(t, http.StatusNotFound, api.json(b.base, http.MethodPost, "/nfc/reader/v1/redeem", map[string]any{"init_code": code}, nil),
			"the code is spent on every replica")
		assert.Equal(t, http.StatusNotFound, api.json(a.base, http.MethodPost, "/nfc/reader/v1/redeem", map[string]any{"init_code": code}, nil))
		// That made two failures from this address (max_failures_per_address
		// is 3): one more on the second replica reaches the shared limit,
		// and the first replica refuses the next attempt without trying it.
		assert.Equal(t, http.StatusNotFound, api.json(b.base, http.MethodPost, "/nfc/reader/v1/redeem", map[string]any{"init_code": "AAAA"}, nil))
		assert.Equal(t, http.StatusTooManyRequests, api.json(a.base, http.MethodPost, "/nfc/reader/v1/redeem", map[string]any{"init_code": "AAAE"}, nil),
			"failures on both replicas count against one limit")
	})

	t.Run("webhook events produced under load are each delivered exactly once", func(t *testing.T) {
		api.t = t
		ids := api.verifyConcurrently(a.base, b.base, 4, 6)
		for _, id := range ids {
			api.await(b.base, id)
		}
		require.Eventually(t, func() bool { return db.undelivered(t) == 0 }, 30*time.Second, 100*time.Millisecond,
			"every event is delivered")
		produced := db.eventIDs(t)
		require.GreaterOrEqual(t, len(produced), 4*len(ids), "started, inputs completed, step completed and completed per verification")
		counts := hooks.counts()
		for _, id := range produced {
			assert.Equal(t, 1, counts[id], "event %s delivered exactly once across both replicas", id)
		}
		assert.Len(t, counts, len(produced), "nothing but the outbox's events was delivered")
		assert.Zero(t, hooks.badSignatures.Load(), "every delivery is signed with the flow's secret, sealed at rest")
		secrets := db.merchantSecrets(t)
		require.NotEmpty(t, secrets)
		for _, s := range secrets {
			assert.True(t, sealed.IsSealed(s), "the outbox holds the flow's secret sealed")
			assert.NotContains(t, s, replicaFlowSecret)
		}
	})

	t.Run("a replica killed under load loses no answered request and its events are delivered by the other", func(t *testing.T) {
		api.t = t
		hooks.hold.Store(int64(600 * time.Millisecond)) // keeps every worker's slots busy
		before := hooks.counts()
		load := api.startLoad([]string{a.base, b.base}, 3, 100*time.Millisecond)
		time.Sleep(1500 * time.Millisecond)
		a.kill(t)
		killedAt := time.Now()
		time.Sleep(500 * time.Millisecond)
		answered := load.stop()
		require.NotEmpty(t, answered)

		for _, id := range answered {
			var got map[string]any
			require.Equal(t, http.StatusOK, api.json(b.base, http.MethodGet, "/v2/verifications/"+id, nil, &got),
				"verification %s was answered with 201, so the surviving replica has it", id)
			assert.Equal(t, id, got["id"])
		}

		// The deliveries the surviving replica had in flight at the kill are
		// over by now; what is still leased to a time within a lease of the
		// kill was claimed by the killed replica.
		time.Sleep(1500 * time.Millisecond)
		orphans := db.leasedUntil(t, time.Now(), killedAt.Add(replicaLease))
		require.NotEmpty(t, orphans, "the killed replica held claimed events (the receiver holds each delivery 600ms)")
		t.Logf("%d starts answered, %d events left claimed by the killed replica", len(answered), len(orphans))
		hooks.hold.Store(0)
		require.Eventually(t, func() bool { return db.undelivered(t) == 0 }, replicaLease+20*time.Second, 200*time.Millisecond,
			"every event, the killed replica's included, is delivered by the survivor")
		times := hooks.times()
		for id, leaseEnd := range orphans {
			require.NotEmpty(t, times[id], "orphaned event %s delivered", id)
			last := times[id][len(times[id])-1]
			assert.False(t, last.Before(leaseEnd.Add(-50*time.Millisecond)),
				"orphaned event %s delivered at %s, after its lease ended at %s", id, last, leaseEnd)
		}
		counts := hooks.counts()
		for _, id := range db.eventIDs(t) {
			if _, orphan := orphans[id]; orphan {
				assert.GreaterOrEqual(t, counts[id], 1, "event %s", id)
				continue
			}
			if before[id] == 0 {
				assert.Equal(t, 1, counts[id], "event %s, never claimed by the killed replica, delivered exactly once", id)
			}
		}
		assert.Zero(t, hooks.badSignatures.Load(), "the survivor opens the secrets the killed replica sealed")
	})
	require.NoError(t, b.stop(), "the surviving replica shuts down cleanly")
}

// buildKycgate compiles this command once into a temporary folder.
func buildKycgate(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "kycgate")
	cmd := exec.Command("go", "build", "-o", bin, ".")
	out, err := cmd.CombinedOutput()
	require.NoError(t, err, "go build: %s", out)
	return bin
}

// replicaConfigValues are what differs between runs of the test.
type replicaConfigValues struct {
	issuer, audience, schema, partnerKeyHash, partnerWebhook string
}

// writeReplicaConfig writes the configuration both replicas share: one
// PostgreSQL schema, the test issuer, verifications with webhooks allowed
// to loopback, and NFC with one partner.
func writeReplicaConfig(t *testing.T, dir string, v replicaConfigValues) string {
	t.Helper()
	key := func() string { var k [32]byte; _, _ = rand.Read(k[:]); return hex.EncodeToString(k[:]) }
	cfg := map[string]any{
		"server": map[string]any{"listen": "127.0.0.1:0"},
		"auth":   map[string]any{"issuer": v.issuer, "audience": v.audience},
		"store": map[string]any{"type": "postgres", "options": map[string]any{
			"dsn_env": pgtest.DSNEnv, "schema": v.schema, "max_conns": 8}},
		"verifications": map[string]any{"enabled": true, "template_key": key(), "poll_interval": "200ms"},
		"media":         map[string]any{"dir": filepath.Join(dir, "media"), "signing_key": key()},
		"webhooks": map[string]any{"allow_http": true, "allow_private_networks": true, "secret_key": key(),
			"timeout": replicaWebhookTimeout.String(), "initial_backoff": "100ms", "max_backoff": "1s"},
		"nfc": map[string]any{"enabled": true, "allow_insecure_urls": true,
			"redeem":   map[string]any{"max_failures_per_address": 3, "max_failures_per_code": 3, "window": "15m"},
			"partners": []map[string]any{{"id": "partner-1", "api_key_sha256": v.partnerKeyHash, "webhook": v.partnerWebhook}}},
	}
	data, err := json.Marshal(cfg) // JSON is YAML
	require.NoError(t, err)
	path := filepath.Join(dir, "kycgate.yaml")
	require.NoError(t, os.WriteFile(path, data, 0o600))
	return path
}

// replica is one running `kycgate serve` process.
type replica struct {
	name string
	base string
	cmd  *exec.Cmd
	logs *syncio.Buffer
	done chan error
}

// startReplica starts the binary with cfg in dir and waits until it
// answers /health/ready. The face engine is the "none" engine (no models
// folder), which needs no models and still completes selfie steps.
func startReplica(t *testing.T, bin, cfg, dir, name string) *replica {
	t.Helper()
	r := &replica{name: name, logs: &syncio.Buffer{}, done: make(chan error, 1)}
	r.cmd = exec.Command(bin, "serve", "-config", cfg)
	r.cmd.Dir = dir
	r.cmd.Env = append(os.Environ(), biometric.ModelsDirEnv+"="+filepath.Join(dir, "no-models"))
	r.cmd.Stdout, r.cmd.Stderr = r.logs, r.logs
	require.NoError(t, r.cmd.Start())
	go func() { r.done <- r.cmd.Wait() }()
	t.Cleanup(func() {
		_ = r.cmd.Process.Kill()
		<-r.done
		if t.Failed() {
			t.Logf("replica %s log:\n%s", name, r.logs.String())
		}
	})
	require.Eventually(t, func() bool {
		if m := listenPattern.FindStringSubmatch(r.logs.String()); m != nil {
			r.base = "http://" + m[1]
			return true
		}
		select {
		case err := <-r.done:
			r.done <- err
			t.Fatalf("replica %s stopped early: %v\n%s", name, err, r.logs.String())
		default:
		}
		return false
	}, 30*time.Second, 20*time.Millisecond)
	awaitReady(t, r.base)
	return r
}

// kill ends the process with SIGKILL and waits until it is gone.
func (r *replica) kill(t *testing.T) {
	t.Helper()
	require.NoError(t, r.cmd.Process.Signal(syscall.SIGKILL))
	err := <-r.done
	r.done <- err
}

// stop ends the process with SIGTERM and returns how it exited.
func (r *replica) stop() error {
	if err := r.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		return err
	}
	select {
	case err := <-r.done:
		r.done <- err
		return err
	case <-time.After(30 * time.Second):
		return context.DeadlineExceeded
	}
}

// replicaFlowSecret signs the merchant flow's webhooks; both replicas keep
// it sealed with the webhooks.secret_key they share.
const replicaFlowSecret = "whsec_replicas_test_secret"

// hookReceiver is the merchant's and the partner's webhook endpoint. It
// counts the deliveries it answered, per event id; a delivery whose
// sender went away before the answer is not counted. It also counts the
// merchant's deliveries whose signature is not that of the flow's secret.
type hookReceiver struct {
	srv           *httptest.Server
	hold          atomic.Int64 // how long to hold each delivery, in nanoseconds
	badSignatures atomic.Int64

	mu       sync.Mutex
	answered map[string][]time.Time
}

func newHookReceiver(t *testing.T) *hookReceiver {
	h := &hookReceiver{answered: map[string][]time.Time{}}
	h.srv = httptest.NewServer(http.HandlerFunc(h.serve))
	t.Cleanup(h.srv.Close)
	return h
}

func (h *hookReceiver) serve(w http.ResponseWriter, r *http.Request) {
	id := r.Header.Get(webhook.HeaderEventID)
	body, _ := io.ReadAll(r.Body)
	if r.URL.Path == "/verifications" && !webhook.VerifySignature(replicaFlowSecret, body, r.Header.Get(webhook.HeaderSignature)) {
		h.badSignatures.Add(1)
	}
	if hold := time.Duration(h.hold.Load()); hold > 0 {
		select {
		case <-time.After(hold):
		case <-r.Context().Done():
			return
		}
	}
	h.mu.Lock()
	h.answered[id] = append(h.answered[id], time.Now())
	h.mu.Unlock()
	w.WriteHeader(http.StatusNoContent)
}

// counts returns how many deliveries of each event were answered.
func (h *hookReceiver) counts() map[string]int {
	h.mu.Lock()
	defer h.mu.Unlock()
	out := make(map[string]int, len(h.answered))
	for id, at := range h.answered {
		out[id] = len(at)
	}
	return out
}

// times returns when the deliveries of each event were answered.
func (h *hookReceiver) times() map[string][]time.Time {
	h.mu.Lock()
	defer h.mu.Unlock()
	out := make(map[string][]time.Time, len(h.answered))
	for id, at := range h.answered {
		out[id] = append([]time.Time(nil), at...)
	}
	return out
}

// replicaOutbox reads the shared outbox directly.
type replicaOutbox struct {
	conn   *pgx.Conn
	schema string
}

func replicaDB(t *testing.T, dsn, schema string) *replicaOutbox {
	conn, err := pgx.Connect(context.Background(), dsn)
	require.NoError(t, err)
	t.Cleanup(func() { _ = conn.Close(context.Background()) })
	return &replicaOutbox{conn: conn, schema: schema}
}

// undelivered counts the events not yet delivered.
func (o *replicaOutbox) undelivered(t *testing.T) int {
	var n int
	require.NoError(t, o.conn.QueryRow(context.Background(),
		`SELECT count(*) FROM `+o.schema+`.webhook_events WHERE status <> 'delivered'`).Scan(&n))
	return n
}

// eventIDs lists every event of the outbox.
func (o *replicaOutbox) eventIDs(t *testing.T) []string {
	rows, err := o.conn.Query(context.Background(), `SELECT id FROM `+o.schema+`.webhook_events`)
	require.NoError(t, err)
	ids, err := pgx.CollectRows(rows, pgx.RowTo[string])
	require.NoError(t, err)
	return ids
}

// merchantSecrets lists the stored signing secrets of the merchant flow's
// events (the partner's NFC events have none configured here).
func (o *replicaOutbox) merchantSecrets(t *testing.T) []string {
	rows, err := o.conn.Query(context.Background(), `SELECT secret FROM `+o.schema+`.webhook_events WHERE url LIKE '%/verifications'`)
	require.NoError(t, err)
	secrets, err := pgx.CollectRows(rows, pgx.RowTo[string])
	require.NoError(t, err)
	return secrets
}

// leasedUntil returns the pending events whose lease ends after now and no
// later than limit, with the end of their lease.
func (o *replicaOutbox) leasedUntil(t *testing.T, now, limit time.Time) map[string]time.Time {
	rows, err := o.conn.Query(context.Background(), `SELECT id, next_attempt_at FROM `+o.schema+`.webhook_events
WHERE status = 'pending' AND next_attempt_at > $1 AND next_attempt_at <= $2`, now, limit)
	require.NoError(t, err)
	out := map[string]time.Time{}
	for rows.Next() {
		var id string
		var until time.Time
		require.NoError(t, rows.Scan(&id, &until))
		out[id] = until
	}
	require.NoError(t, rows.Err())
	return out
}

// replicaClient calls the replicas with the merchant's token.
type replicaClient struct {
	t     *testing.T
	token string
}

// nfcEnvelope is the NFC partner API's answer.
type nfcEnvelope struct {
	Data map[string]any `json:"data"`
}

// json sends body (when not nil) as JSON and decodes the answer into out.
func (c *replicaClient) json(base, method, path string, body, out any) int {
	c.t.Helper()
	var reader io.Reader
	if body != nil {
		data, err := json.Marshal(body)
		require.NoError(c.t, err)
		reader = bytes.NewReader(data)
	}
	req, err := http.NewRequest(method, base+path, reader)
	require.NoError(c.t, err)
	req.Header.Set("Authorization", "Bearer "+c.token)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	return doJSON(c.t, req, out)
}

// startVerification starts a verification of the test flow.
func (c *replicaClient) startVerification(base string) string {
	c.t.Helper()
	var v map[string]any
	require.Equal(c.t, http.StatusCreated, c.json(base, http.MethodPost, "/v2/verifications", map[string]any{"flowId": "replicas"}, &v))
	return v["id"].(string)
}

// sendSelfie sends a picture without a face as the selfie.
func (c *replicaClient) sendSelfie(base, id string) {
	c.t.Helper()
	d := &demoClient{t: c.t, base: base, token: c.token}
	d.sendInput(id, selfieInputs, upload{"selfie", "selfie.jpg", grayJPEG(c.t)})
}

// await polls a verification until it leaves pending and running.
func (c *replicaClient) await(base, id string) map[string]any {
	c.t.Helper()
	return (&demoClient{t: c.t, base: base, token: c.token}).await(id)
}

// verifyConcurrently runs workers × each verifications at once, each
// started on one replica and given its selfie on the other, and returns
// their ids.
func (c *replicaClient) verifyConcurrently(first, second string, workers, each int) []string {
	c.t.Helper()
	var mu sync.Mutex
	var ids []string
	var wg sync.WaitGroup
	for w := range workers {
		wg.Go(func() {
			for i := range each {
				start, input := first, second
				if (w+i)%2 == 1 {
					start, input = second, first
				}
				id := c.startVerification(start)
				c.sendSelfie(input, id)
				mu.Lock()
				ids = append(ids, id)
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	return ids
}

// replicaLoad starts verifications on the replicas in turn until stopped.
type replicaLoad struct {
	cancel context.CancelFunc
	wg     sync.WaitGroup
	mu     sync.Mutex
	ids    []string
}

// startLoad runs workers loops, each starting a verification every pause
// on the next of bases, and keeping the ids of those answered with 201.
// Requests to a dead replica fail and are not kept.
func (c *replicaClient) startLoad(bases []string, workers int, pause time.Duration) *replicaLoad {
	ctx, cancel := context.WithCancel(context.Background())
	l := &replicaLoad{cancel: cancel}
	body := []byte(`{"flowId":"replicas"}`)
	for w := range workers {
		l.wg.Go(func() {
			for i := w; ctx.Err() == nil; i++ {
				if id, ok := c.tryStart(ctx, bases[i%len(bases)], body); ok {
					l.mu.Lock()
					l.ids = append(l.ids, id)
					l.mu.Unlock()
				}
				select {
				case <-ctx.Done():
				case <-time.After(pause):
				}
			}
		})
	}
	return l
}

// stop ends the load and returns the ids of the answered starts.
func (l *replicaLoad) stop() []string {
	l.cancel()
	l.wg.Wait()
	return l.ids
}

// tryStart starts a verification and reports its id when the answer was
// 201; any other outcome (a refused connection, a reset) reports false.
func (c *replicaClient) tryStart(ctx context.Context, base string, body []byte) (string, bool) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, base+"/v2/verifications", bytes.NewReader(body))
	if err != nil {
		return "", false
	}
	req.Header.Set("Authorization", "Bearer "+c.token)
	req.Header.Set("Content-Type", "application/json")
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		return "", false
	}
	defer res.Body.Close()
	var v struct {
		ID string `json:"id"`
	}
	if res.StatusCode != http.StatusCreated || json.NewDecoder(res.Body).Decode(&v) != nil || v.ID == "" {
		return "", false
	}
	return v.ID, true
}
