package api_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/kycgate/kycgate/biometric"
	"github.com/kycgate/kycgate/config"
	"github.com/kycgate/kycgate/gateway"
	"github.com/kycgate/kycgate/gateway/auth"
	"github.com/kycgate/kycgate/gateway/auth/devissuer"
	"github.com/kycgate/kycgate/internal/testassets"
	"github.com/kycgate/kycgate/nfc/chipfile"
	"github.com/kycgate/kycgate/nfc/partner"
	"github.com/kycgate/kycgate/nfc/readerclient"
	"github.com/kycgate/kycgate/nfc/service"
	"github.com/kycgate/kycgate/nfc/session"
	"github.com/kycgate/kycgate/nfc/setup"
	"github.com/kycgate/kycgate/operators"
	"github.com/kycgate/kycgate/store/sqlite"
	"github.com/kycgate/kycgate/webhook"
)

// webhookSecret signs the test partner's result webhooks.
const webhookSecret = "test-webhook-secret"

// clock is a settable test clock.
type clock struct{ offset atomic.Int64 }

func (c *clock) now() time.Time          { return time.Now().Add(time.Duration(c.offset.Load())) }
func (c *clock) advance(d time.Duration) { c.offset.Add(int64(d)) }

// delivery is one webhook call captured by the partner's endpoint.
type delivery struct {
	header http.Header
	body   []byte
}

// partnerEndpoint is the partner's webhook receiver on loopback; every body
// it receives is checked against the NFCResult schema.
type partnerEndpoint struct {
	srv       *httptest.Server
	mu        sync.Mutex
	received  []delivery
	arrived   chan struct{}
	failFirst atomic.Int32
}

func newPartnerEndpoint(t *testing.T) *partnerEndpoint {
	p := &partnerEndpoint{arrived: make(chan struct{}, 100)}
	p.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		if err := validateResultWebhook(t, body); err != nil {
			t.Errorf("result webhook not as NFCResult documents: %v\nbody: %s", err, body)
		}
		if p.failFirst.Add(-1) >= 0 {
			w.WriteHeader(http.StatusServiceUnavailable)
			return
		}
		p.mu.Lock()
		p.received = append(p.received, delivery{header: r.Header.Clone(), body: body})
		p.mu.Unlock()
		p.arrived <- struct{}{}
		w.WriteHeader(http.StatusNoContent)
	}))
	t.Cleanup(p.srv.Close)
	return p
}

// next waits for the next delivery.
func (p *partnerEndpoint) next(t *testing.T) delivery {
	t.Helper()
	select {
	case <-p.arrived:
	case <-time.After(10 * time.Second):
		t.Fatal("no webhook delivered within 10s")
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.received[len(p.received)-1]
}

// nextWithRef waits for the next delivery whose ref is ref, skipping others.
func (p *partnerEndpoint) nextWithRef(t *testing.T, ref string) map[string]any {
	t.Helper()
	for {
		w := decodeWebhook(t, p.next(t))
		if w["ref"] == ref {
			return w
		}
	}
}

// env is a gateway with the NFC module, a SQLite store, a running webhook
// worker and a partner endpoint, all real, on loopback.
type env struct {
	t       *testing.T
	gateway *httptest.Server
	nfc     *setup.NFC
	store   *sqlite.Store
	partner *partnerEndpoint
	clock   *clock
	apiKey  string
	reader  *readerclient.Client
}

// envOptions adjust the test gateway.
type envOptions struct {
	maxFailures int
	engine      biometric.Engine
	observer    service.Observer
	lostStolen  config.NFCLostStolen
	// steps are the partner's steps (nil: the default, all of them).
	steps []string
}

func newEnv(t *testing.T, opts envOptions) *env {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	st, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "kycgate.db"))
	require.NoError(t, err)
	t.Cleanup(func() { st.Close() })

	worker, err := webhook.NewWorker(st, webhook.Config{
		Guard:          webhook.Guard{AllowHTTP: true, AllowPrivateNetworks: true},
		InitialBackoff: 20 * time.Millisecond, MaxBackoff: 50 * time.Millisecond, PollInterval: 20 * time.Millisecond,
		Timeout: 5 * time.Second, Lease: 10 * time.Second,
	}, nil)
	require.NoError(t, err)
	done := make(chan struct{})
	go func() { defer close(done); _ = worker.Run(ctx) }()
	t.Cleanup(func() { cancel(); <-done })

	e := &env{t: t, store: st, partner: newPartnerEndpoint(t), clock: &clock{}}
	cfg := nfcConfig(t, e.partner.srv.URL, opts)
	e.apiKey = testAPIKey
	e.nfc, err = setup.New(cfg, setup.Deps{Store: st, Outbox: worker, Engine: opts.engine, Now: e.clock.now, Observer: opts.observer})
	require.NoError(t, err)
	e.gateway = startGateway(t, ctx, st, e.nfc.Module)
	e.reader = &readerclient.Client{BaseURL: e.gateway.URL, HTTP: e.gateway.Client()}
	return e
}

// testAPIKey is the partner's key; only its hash is configured.
var testAPIKey, testAPIKeyHash = partner.NewKey()

// nfcConfig is the NFC configuration of the tests: the specimen's CSCA
// trusted, one partner with its webhook on the loopback endpoint.
func nfcConfig(t *testing.T, webhookURL string, opts envOptions) config.NFC {
	f := specimenChip(t)
	dir := t.TempDir()
	cscaPath, crlPath := filepath.Join(dir, "csca.der"), filepath.Join(dir, "csca.crl")
	require.NoError(t, os.WriteFile(cscaPath, f.CSCA, 0o600))
	require.NoError(t, os.WriteFile(crlPath, f.CRL, 0o600))
	cfg := config.DefaultNFC()
	cfg.Enabled = true
	cfg.AllowInsecureURLs = true
	cfg.Trust = config.NFCTrust{Certificates: []string{cscaPath}, CRLs: []string{crlPath}, Revocation: config.NFCRevocationRequire}
	cfg.LostStolen = opts.lostStolen
	if opts.maxFailures > 0 {
		cfg.Redeem.MaxFailuresPerAddress, cfg.Redeem.MaxFailuresPerCode = opts.maxFailures, opts.maxFailures
	} else {
		cfg.Redeem.MaxFailuresPerAddress, cfg.Redeem.MaxFailuresPerCode = 1000, 1000
	}
	cfg.Partners = []config.NFCPartner{{
		ID: "acme", APIKeySHA256: testAPIKeyHash, Webhook: webhookURL + "/hook", WebhookSecret: webhookSecret,
		RedirectURL: "https://acme.example/done", ConfirmationTimeout: config.Duration(2 * time.Minute),
		SendImages: true, SendVectors: true, Steps: opts.steps,
	}}
	whole := config.Default()
	whole.NFC = cfg
	require.NoError(t, whole.Validate())
	return cfg
}

// startGateway runs the gateway with the module, a real issuer and verifier;
// every answer of an NFC route is checked against its OpenAPI document.
func startGateway(t *testing.T, ctx context.Context, st *sqlite.Store, m gateway.Module) *httptest.Server {
	issuer := devissuer.NewTestServer(t, devissuer.Options{Audience: "kycgate-test"})
	gcfg := config.Default()
	gcfg.Auth.Issuer, gcfg.Auth.Audience = issuer.URL(), "kycgate-test"
	verifier, err := auth.NewVerifier(auth.Config{Issuer: issuer.URL(), Audience: "kycgate-test",
		Leeway: time.Minute, RefreshCooldown: time.Minute})
	require.NoError(t, err)
	verifier.Start(ctx)
	router, err := operators.NewRouter(nil)
	require.NoError(t, err)
	srv, err := gateway.New(gateway.Deps{Config: gcfg, Store: st, Verifier: verifier, Router: router,
		Logger: slog.New(slog.DiscardHandler), Modules: []gateway.Module{m}})
	require.NoError(t, err)
	ts := httptest.NewServer(conformingHandler(t, srv.Handler()))
	t.Cleanup(ts.Close)
	return ts
}

// specimen is the chip image shared by the tests (its keys are slow to make).
var specimen struct {
	once sync.Once
	file *chipfile.File
	err  error
}

// specimenChip returns the test chip, with a shared face photo as DG2 when
// ../shared/faces is present.
func specimenChip(t *testing.T) *chipfile.File {
	specimen.once.Do(func() {
		photo, _ := os.ReadFile(filepath.Join(sharedFaces(t), "kit@1.jpg"))
		specimen.file, specimen.err = chipfile.Build(chipfile.Options{Photo: photo})
	})
	require.NoError(t, specimen.err)
	return specimen.file
}

// sharedFaces returns ../shared/faces relative to the module root.
func sharedFaces(t testing.TB) string {
	return filepath.Join(testassets.ModuleRoot(t), "..", "shared", "faces")
}

// post sends a JSON body to the gateway.
func (e *env) post(path string, body any) (int, map[string]any, http.Header) {
	e.t.Helper()
	raw, err := json.Marshal(body)
	require.NoError(e.t, err)
	res, err := e.gateway.Client().Post(e.gateway.URL+path, "application/json", bytes.NewReader(raw))
	require.NoError(e.t, err)
	defer res.Body.Close()
	var out map[string]any
	data, _ := io.ReadAll(res.Body)
	require.NoError(e.t, json.Unmarshal(data, &out), "body: %s", data)
	return res.StatusCode, out, res.Header
}

// initSession calls session_init and returns the init code.
func (e *env) initSession(extra map[string]any) string {
	e.t.Helper()
	body := map[string]any{"api_key": e.apiKey, "ref": "order-42", "method": "enroll",
		"send_scan": []string{"selfie", "docface"}, "options": map[string]any{"num_images_liveness": 2}}
	for k, v := range extra {
		body[k] = v
	}
	status, out, _ := e.post("/nfc/v1/session_init", body)
	require.Equal(e.t, http.StatusOK, status, "%v", out)
	data := out["data"].(map[string]any)
	code := data["init_code"].(string)
	require.True(e.t, session.ValidCode(code), code)
	return code
}

// confirm calls webhook_confirmation.
func (e *env) confirm(code, recv string) (int, map[string]any) {
	e.t.Helper()
	status, out, _ := e.post("/nfc/v1/webhook_confirmation", map[string]any{"api_key": e.apiKey, "init_code": code, "recv": recv})
	return status, out
}

// selfies returns n selfie images: shared photos of the DG2 person when
// present, generated pictures otherwise.
func selfies(t *testing.T, n int, person string) [][]byte {
	out := make([][]byte, 0, n)
	for i := range n {
		data, err := os.ReadFile(filepath.Join(sharedFaces(t), person+"@"+string(rune('2'+i%2))+".jpg"))
		if err != nil {
			data = []byte{0xff, 0xd8, 0xff, 0xd9}
		}
		out = append(out, data)
	}
	return out
}

// decodeWebhook parses a delivered result.
func decodeWebhook(t *testing.T, d delivery) map[string]any {
	t.Helper()
	var out map[string]any
	require.NoError(t, json.Unmarshal(d.body, &out))
	return out
}

// b64 decodes a base64 field.
func b64(t *testing.T, v any) []byte {
	t.Helper()
	s, _ := v.(string)
	raw, err := base64.StdEncoding.DecodeString(s)
	require.NoError(t, err)
	return raw
}
