package gateway_test

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/kycgate/kycgate/config"
	"github.com/kycgate/kycgate/gateway"
	"github.com/kycgate/kycgate/gateway/auth"
	"github.com/kycgate/kycgate/gateway/auth/devissuer"
	"github.com/kycgate/kycgate/internal/syncio"
	"github.com/kycgate/kycgate/kycmatch"
	"github.com/kycgate/kycgate/openapi/openapitest"
	"github.com/kycgate/kycgate/operators"
	"github.com/kycgate/kycgate/operators/local"
	"github.com/kycgate/kycgate/store/sqlite"
	"github.com/kycgate/kycgate/telemetry"
)

// Phone numbers of the test subscribers in testdata/subscribers.json.
const (
	federica     = "+34629255833"
	jose         = "+34600000002"
	iotLine      = "+34600000003"
	oliverUK     = "+44700000004"
	unknownES    = "+34699999999"
	unroutedJP   = "+81312345678"
	matchScope   = "kyc-match:match"
	dpvScope     = "dpv:FraudPreventionAndDetection#kyc-match:match"
	testAudience = "kycgate-test"
)

// env is a running gateway with its issuer and store, all real, on loopback.
type env struct {
	t       testing.TB
	issuer  *devissuer.Issuer
	gateway *httptest.Server
	logs    *syncio.Buffer
}

// envOptions adjust the test gateway.
type envOptions struct {
	refreshCooldown time.Duration
	maxBodyBytes    int64
	extraRoutes     []operators.Route
	modules         []gateway.Module
	trustedProxies  []string
}

// newEnv starts an issuer, a SQLite store with the test subscribers, the
// reference operator for +34 and an idDocument-requiring one for +44, and the
// gateway, each on a real loopback listener.
func newEnv(t testing.TB, opts envOptions) *env {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)

	issuer := devissuer.NewTestServer(t, devissuer.Options{Audience: testAudience})

	st, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "kycgate.db"))
	require.NoError(t, err)
	t.Cleanup(func() { st.Close() })
	f, err := os.Open("testdata/subscribers.json")
	require.NoError(t, err)
	defer f.Close()
	_, err = local.Import(ctx, st, f)
	require.NoError(t, err)

	deps := operators.Deps{Store: st, Logger: slog.New(slog.DiscardHandler)}
	es, err := operators.New("local", "es", json.RawMessage(`{}`), deps)
	require.NoError(t, err)
	uk, err := operators.New("local", "uk", json.RawMessage(`{"requireIdDocument":true}`), deps)
	require.NoError(t, err)
	routes := append([]operators.Route{
		{Name: "es", Adapter: es, Prefixes: []string{"+34"}},
		{Name: "uk", Adapter: uk, Prefixes: []string{"+44"}},
	}, opts.extraRoutes...)
	router, err := operators.NewRouter(routes)
	require.NoError(t, err)

	cfg := config.Default()
	cfg.Auth.Issuer = issuer.URL()
	cfg.Auth.Audience = testAudience
	if opts.refreshCooldown > 0 {
		cfg.Auth.RefreshCooldown = config.Duration(opts.refreshCooldown)
	}
	if opts.maxBodyBytes > 0 {
		cfg.Server.MaxBodyBytes = opts.maxBodyBytes
	}
	cfg.Server.TrustedProxies = opts.trustedProxies
	verifier, err := auth.NewVerifier(auth.Config{
		Issuer:          cfg.Auth.Issuer,
		Audience:        cfg.Auth.Audience,
		Leeway:          cfg.Auth.Leeway.D(),
		RefreshCooldown: cfg.Auth.RefreshCooldown.D(),
	})
	require.NoError(t, err)
	verifier.Start(ctx)
	require.Eventually(t, func() bool { return verifier.Ready() == nil }, 5*time.Second, 10*time.Millisecond)

	logs := &syncio.Buffer{}
	srv, err := gateway.New(gateway.Deps{
		Config:   cfg,
		Store:    st,
		Verifier: verifier,
		Router:   router,
		Logger:   slog.New(slog.NewJSONHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug})),
		Modules:  opts.modules,
		Metrics:  telemetry.NewMetrics(),
	})
	require.NoError(t, err)
	ts := httptest.NewServer(srv.Handler())
	t.Cleanup(ts.Close)
	return &env{t: t, issuer: issuer, gateway: ts, logs: logs}
}

// token mints a 2-legged token with the given scope.
func (e *env) token(scope string) string {
	return e.mint(devissuer.Claims{Scope: scope})
}

// token3 mints a 3-legged token for phone.
func (e *env) token3(phone string) string {
	return e.mint(devissuer.Claims{Scope: matchScope, Subject: "tel:" + phone})
}

func (e *env) mint(c devissuer.Claims) string {
	e.t.Helper()
	tok, err := e.issuer.Mint(c)
	require.NoError(e.t, err)
	return tok
}

// response is a gateway answer.
type response struct {
	status int
	header http.Header
	body   []byte
}

// json decodes the body into a map.
func (r response) json(t *testing.T) map[string]any {
	t.Helper()
	var m map[string]any
	require.NoError(t, json.Unmarshal(r.body, &m), "body: %s", r.body)
	return m
}

// request is one call to the gateway.
type request struct {
	method      string
	path        string
	token       string
	body        string
	contentType string
	correlator  string
	noBody      bool
	header      http.Header
}

// do sends req and returns the answer. KYC Match answers are validated
// against the official CAMARA document of their version.
func (e *env) do(req request) response {
	e.t.Helper()
	if req.method == "" {
		req.method = http.MethodPost
	}
	var body io.Reader
	if !req.noBody {
		body = strings.NewReader(req.body)
	}
	r, err := http.NewRequest(req.method, e.gateway.URL+req.path, body)
	require.NoError(e.t, err)
	if req.token != "" {
		r.Header.Set("Authorization", "Bearer "+req.token)
	}
	if req.contentType == "" {
		req.contentType = "application/json"
	}
	if !req.noBody {
		r.Header.Set("Content-Type", req.contentType)
	}
	if req.correlator != "" {
		r.Header.Set("x-correlator", req.correlator)
	}
	for name, values := range req.header {
		r.Header[name] = values
	}
	res, err := e.gateway.Client().Do(r)
	require.NoError(e.t, err)
	defer res.Body.Close()
	raw, err := io.ReadAll(res.Body)
	require.NoError(e.t, err)
	out := response{status: res.StatusCode, header: res.Header, body: raw}
	if official, ok := officialDocument(req.path); ok && req.method == http.MethodPost {
		openapitest.ValidateOfficialResponse(e.t, official, r, res.StatusCode, res.Header, raw)
	}
	return out
}

// officialDocument names the official CAMARA document for a KYC Match path.
func officialDocument(path string) (string, bool) {
	for _, v := range kycmatch.Versions {
		if path == matchPath(v) {
			return "kyc-match-v" + v.String() + ".yaml", true
		}
	}
	return "", false
}

func matchPath(v kycmatch.Version) string { return "/kyc-match/" + v.PathSegment() + "/match" }

// match posts body to the version's match path with tok.
func (e *env) match(v kycmatch.Version, tok, body string) response {
	e.t.Helper()
	return e.do(request{path: matchPath(v), token: tok, body: body})
}

// requireError asserts a CAMARA error body with status and code.
func requireError(t *testing.T, r response, status int, code string) {
	t.Helper()
	require.Equal(t, status, r.status, "body: %s", r.body)
	m := r.json(t)
	require.Equal(t, float64(status), m["status"], "body: %s", r.body)
	require.Equal(t, code, m["code"], "body: %s", r.body)
	require.NotEmpty(t, m["message"])
	require.Len(t, m, 3, "a CAMARA error body has exactly status, code and message")
	require.Equal(t, "application/json; charset=utf-8", r.header.Get("Content-Type"))
}
