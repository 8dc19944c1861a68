package profiles_test

import (
	"context"
	"crypto/rand"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"math"
	mrand "math/rand/v2"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
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
	"github.com/kycgate/kycgate/identity/profiles"
	"github.com/kycgate/kycgate/internal/syncio"
	"github.com/kycgate/kycgate/openapi"
	"github.com/kycgate/kycgate/operators"
	"github.com/kycgate/kycgate/store/sqlite"
	"github.com/kycgate/kycgate/telemetry"
)

const testAudience = "kycgate-profiles-test"

// Merchants of the tests: A and B verify the same people; C never does
// (except where a case needs a third merchant for velocity).
const (
	merchantA = "merchant-a"
	merchantB = "merchant-b"
	merchantC = "merchant-c"
)

// epoch is the fixed start of the test clock.
var epoch = time.Date(2025, 3, 1, 11, 6, 49, 0, time.UTC)

// clock is a settable test clock.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *clock) Set(t time.Time) {
	c.mu.Lock()
	c.now = t
	c.mu.Unlock()
}

// env is a gateway serving the profiles module, with a real token issuer,
// a real SQLite store and the service as the recorder, on loopback.
type env struct {
	t           testing.TB
	issuer      *devissuer.Issuer
	gateway     *httptest.Server
	service     *profiles.Service
	recorder    profiles.Recorder
	clock       *clock
	templateKey []byte
	calibration biometric.Calibration
	logs        *syncio.Buffer
	doc         *openapi.Document
}

// envOptions adjust the configuration of the test gateway.
type envOptions struct {
	configure func(*config.Profiles)
}

func newEnv(t testing.TB, opts envOptions) *env {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	issuer := devissuer.NewTestServer(t, devissuer.Options{Audience: testAudience})

	st, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "kycgate.db"))
	require.NoError(t, err)
	t.Cleanup(func() { st.Close() })

	cfg := config.Default()
	cfg.Auth.Issuer = issuer.URL()
	cfg.Auth.Audience = testAudience
	cfg.Profiles.Enabled = true
	cfg.Profiles.Merchants = []config.ProfileMerchant{
		{ClientID: merchantA, Vertical: "Lending", Country: "US"},
		{ClientID: merchantB, Vertical: "Gaming", Country: "MX"},
	}
	if opts.configure != nil {
		opts.configure(&cfg.Profiles)
	}
	templateKey, refKey := randomKey(t), randomKey(t)
	cal, ok := biometric.BuiltinCalibration(biometric.FacepluginModelID)
	require.True(t, ok)
	clk := &clock{now: epoch}
	logs := &syncio.Buffer{}
	logger := slog.New(slog.NewJSONHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	svc, err := profiles.New(cfg.Profiles, profiles.Deps{
		Store: st, TemplateKey: templateKey, ReferenceKey: refKey, Calibration: cal, Logger: logger, Now: clk.Now,
	})
	require.NoError(t, err)

	verifier, err := auth.NewVerifier(auth.Config{Issuer: cfg.Auth.Issuer, Audience: cfg.Auth.Audience,
		Leeway: cfg.Auth.Leeway.D(), RefreshCooldown: cfg.Auth.RefreshCooldown.D()})
	require.NoError(t, err)
	verifier.Start(ctx)
	require.Eventually(t, func() bool { return verifier.Ready() == nil }, 5*time.Second, 10*time.Millisecond)
	router, err := operators.NewRouter(nil)
	require.NoError(t, err)
	srv, err := gateway.New(gateway.Deps{Config: cfg, Store: st, Verifier: verifier, Router: router,
		Logger: logger, Modules: []gateway.Module{svc}, Metrics: telemetry.NewMetrics()})
	require.NoError(t, err)
	ts := httptest.NewServer(srv.Handler())
	t.Cleanup(ts.Close)
	doc, err := openapi.NewDocument(profiles.DocumentName)
	require.NoError(t, err)
	return &env{t: t, issuer: issuer, gateway: ts, service: svc, recorder: svc, clock: clk,
		templateKey: templateKey, calibration: cal, logs: logs, doc: doc}
}

func randomKey(t testing.TB) []byte {
	key := make([]byte, biometric.SealKeySize)
	_, err := rand.Read(key)
	require.NoError(t, err)
	return key
}

// token mints a token of merchant with scope.
func (e *env) token(merchant, scope string) string {
	e.t.Helper()
	tok, err := e.issuer.Mint(devissuer.Claims{ClientID: merchant, Subject: merchant, Scope: scope})
	require.NoError(e.t, err)
	return tok
}

// response is a gateway answer.
type response struct {
	status int
	header http.Header
	body   []byte
}

func (r response) json(t testing.TB) map[string]any {
	t.Helper()
	var m map[string]any
	require.NoError(t, json.Unmarshal(r.body, &m), "body: %s", r.body)
	return m
}

// do sends a request and checks every answer against the profile API's
// OpenAPI document (status declared, body of the declared schema).
func (e *env) do(method, path, token, body string) response {
	e.t.Helper()
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req, err := http.NewRequest(method, e.gateway.URL+path, rd)
	require.NoError(e.t, err)
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	res, err := e.gateway.Client().Do(req)
	require.NoError(e.t, err)
	defer res.Body.Close()
	raw, err := io.ReadAll(res.Body)
	require.NoError(e.t, err)
	e.validate(method, path, res, raw)
	return response{status: res.StatusCode, header: res.Header, body: raw}
}

// validate checks an answer of a documented route against the document.
func (e *env) validate(method, path string, res *http.Response, raw []byte) {
	e.t.Helper()
	route := path
	switch {
	case strings.HasPrefix(path, "/reusage/v1/verification/"):
		route = profiles.PathVerificationProfile
	case strings.HasPrefix(path, "/reusage/v1/lists/"):
		route = profiles.PathList
	}
	op, err := e.doc.Operation(method, route)
	if err != nil {
		return // an undocumented method or path, answered by the gateway
	}
	require.NoError(e.t, op.ValidateResponse(context.Background(), res.StatusCode, res.Header, raw), "body: %s", raw)
}

// query posts {"profileId": id} to a profile route as merchant.
func (e *env) query(path, merchant, profileID string) response {
	e.t.Helper()
	body, err := json.Marshal(map[string]string{"profileId": profileID})
	require.NoError(e.t, err)
	return e.do(http.MethodPost, path, e.token(merchant, profiles.ScopeRead), string(body))
}

// importList replaces a list through the admin endpoint.
func (e *env) importList(name, body string) response {
	e.t.Helper()
	return e.do(http.MethodPut, "/reusage/v1/lists/"+name, e.token("ops", profiles.ScopeAdmin), body)
}

// requireError asserts an error answer in the profile API's envelope.
func requireError(t testing.TB, r response, status int, code string) {
	t.Helper()
	require.Equal(t, status, r.status, "body: %s", r.body)
	var m map[string]any
	require.NoError(t, json.Unmarshal(r.body, &m), "body: %s", r.body)
	require.Equal(t, "ERROR", m["responseStatus"], "body: %s", r.body)
	require.Equal(t, code, m["code"], "body: %s", r.body)
	require.NotEmpty(t, m["message"])
	require.Len(t, m, 3, "an error has exactly responseStatus, code and message")
}

// seq makes the ids and document numbers of the tests unique.
var seq atomic.Int64

func uniqueID(prefix string) string { return fmt.Sprintf("%s%06d", prefix, seq.Add(1)) }

// verificationID returns a fresh 24-hex-digit verification id.
func verificationID() string { return fmt.Sprintf("%024x", seq.Add(1)+0x63ff31c99605df00) }

// sealedFace seals a template of the calibrated model with vector v.
func (e *env) sealedFace(v []float32) []byte {
	e.t.Helper()
	blob, err := biometric.SealTemplate(e.templateKey, biometric.Template{
		ModelID: e.calibration.ModelID, ModelVersion: biometric.FacepluginModelVersion, Vector: v,
	})
	require.NoError(e.t, err)
	return blob
}

// randomUnit returns a random unit vector of dims float32.
func randomUnit(r *mrand.Rand, dims int) []float32 {
	v := make([]float32, dims)
	var sum float64
	for i := range v {
		x := r.NormFloat64()
		v[i] = float32(x)
		sum += x * x
	}
	norm := float32(math.Sqrt(sum))
	for i := range v {
		v[i] /= norm
	}
	return v
}
