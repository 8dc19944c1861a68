// Package camaratest starts real kycgate gateways on loopback for tests:
// each with its own development issuer, SQLite store, operators built from
// configuration, and token verification, exactly as `kycgate serve` wires
// them. A gateway serving a local operator is the upstream operator of the
// camara adapter's tests; a gateway with camara operators is an aggregator.
package camaratest

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"sync/atomic"
	"testing"
	"time"

	"github.com/kycgate/kycgate/config"
	"github.com/kycgate/kycgate/gateway"
	"github.com/kycgate/kycgate/gateway/auth"
	"github.com/kycgate/kycgate/gateway/auth/devissuer"
	"github.com/kycgate/kycgate/internal/syncio"
	"github.com/kycgate/kycgate/operators"
	"github.com/kycgate/kycgate/operators/local"
	"github.com/kycgate/kycgate/store/sqlite"

	// The camara adapter type, for aggregator gateways.
	_ "github.com/kycgate/kycgate/operators/camara"
)

// Client is the OAuth2 client registered at every test gateway's issuer.
const (
	ClientID     = "aggregator"
	ClientSecret = "aggregator-secret"
	Scope        = "kyc-match:match"
	Audience     = "kycgate-test"
)

// Options configure a test gateway. The zero value is an upstream operator
// with no subscribers.
type Options struct {
	// Subscribers is a subscriber import file (operators/local format)
	// loaded into the gateway's store.
	Subscribers []byte
	// Operators are the gateway's operators. Nil means one local operator,
	// "local", serving every number, with LocalOptions.
	Operators []config.Operator
	// LocalOptions are the options of the default local operator.
	LocalOptions json.RawMessage
	// Discovery configures fan-out; nil means the defaults.
	Discovery *config.Discovery
	// TokenTTL is the lifetime of the issuer's tokens (default one hour).
	TokenTTL time.Duration
	// RefreshCooldown is the verifier's unknown-kid refresh cooldown
	// (default 1ms, so that a key rotation is seen at once).
	RefreshCooldown time.Duration
	// Wrap, when set, wraps the gateway's handler (e.g. to count or delay
	// requests).
	Wrap func(http.Handler) http.Handler
	// Decorators wrap the transports of the gateway's camara operators.
	Decorators []operators.RoundTripperDecorator
}

// Gateway is a running test gateway.
type Gateway struct {
	// URL is the gateway's base URL, the baseUrl of a camara adapter.
	URL string
	// Issuer is the gateway's own token issuer.
	Issuer *devissuer.Issuer
	// Router holds the gateway's operators.
	Router *operators.Router
	// Logs holds the gateway's JSON log lines.
	Logs *LogBuffer

	tokenRequests atomic.Int64
	matchRequests atomic.Int64
	server        *httptest.Server
}

// Start runs a gateway until the test ends.
func Start(t testing.TB, o Options) *Gateway {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	g := &Gateway{Logs: &LogBuffer{}}
	g.Issuer = g.startIssuer(t, o)
	logger := slog.New(slog.NewJSONHandler(g.Logs, &slog.HandlerOptions{Level: slog.LevelDebug}))

	st, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "kycgate.db"))
	must(t, err)
	t.Cleanup(func() { _ = st.Close() })
	if o.Subscribers != nil {
		_, err = local.Import(ctx, st, bytes.NewReader(o.Subscribers))
		must(t, err)
	}

	cfg := config.Default()
	cfg.Auth.Issuer, cfg.Auth.Audience = g.Issuer.URL(), Audience
	cfg.Operators = o.Operators
	if cfg.Operators == nil {
		cfg.Operators = []config.Operator{LocalOperator("local", o.LocalOptions, AllPrefixes()...)}
	}
	if o.Discovery != nil {
		cfg.Discovery = *o.Discovery
	}
	must(t, cfg.Validate())
	g.Router, err = operators.Build(cfg.Operators, operators.Deps{Store: st, Logger: logger, Decorators: o.Decorators})
	must(t, err)

	verifier := startVerifier(t, ctx, cfg, o.RefreshCooldown, logger)
	srv, err := gateway.New(gateway.Deps{Config: cfg, Store: st, Verifier: verifier, Router: g.Router, Logger: logger})
	must(t, err)
	var handler http.Handler = srv.Handler()
	if o.Wrap != nil {
		handler = o.Wrap(handler)
	}
	g.server = httptest.NewServer(g.countMatches(handler))
	t.Cleanup(g.server.Close)
	g.URL = g.server.URL
	return g
}

// startIssuer runs the gateway's issuer on its own loopback server that
// counts token requests.
func (g *Gateway) startIssuer(t testing.TB, o Options) *devissuer.Issuer {
	issuer, err := devissuer.New(devissuer.Options{
		Clients:  []devissuer.Client{{ID: ClientID, Secret: ClientSecret, Scopes: []string{Scope}}},
		Audience: Audience,
		TokenTTL: o.TokenTTL,
	})
	must(t, err)
	handler := issuer.Handler()
	server := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodPost && filepath.Base(r.URL.Path) == "token" {
			g.tokenRequests.Add(1)
		}
		handler.ServeHTTP(w, r)
	}))
	t.Cleanup(server.Close)
	issuer.SetURL(server.URL)
	return issuer
}

// startVerifier starts token verification against the gateway's issuer and
// waits until its keys are loaded.
func startVerifier(t testing.TB, ctx context.Context, cfg config.Config, cooldown time.Duration, logger *slog.Logger) *auth.Verifier {
	if cooldown <= 0 {
		cooldown = time.Millisecond
	}
	verifier, err := auth.NewVerifier(auth.Config{
		Issuer: cfg.Auth.Issuer, Audience: cfg.Auth.Audience, Leeway: cfg.Auth.Leeway.D(),
		RefreshCooldown: cooldown, Logger: logger,
	})
	must(t, err)
	verifier.Start(ctx)
	waitCtx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	must(t, verifier.WaitReady(waitCtx))
	return verifier
}

// countMatches counts the KYC Match requests the gateway receives.
func (g *Gateway) countMatches(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodPost && filepath.Base(r.URL.Path) == "match" {
			g.matchRequests.Add(1)
		}
		next.ServeHTTP(w, r)
	})
}

// TokenRequests returns how many token requests the issuer received.
func (g *Gateway) TokenRequests() int64 { return g.tokenRequests.Load() }

// MatchRequests returns how many KYC Match requests the gateway received.
func (g *Gateway) MatchRequests() int64 { return g.matchRequests.Load() }

// Close stops the gateway: it no longer listens, as an operator that is
// down.
func (g *Gateway) Close() { g.server.Close() }

// Client returns an HTTP client for the gateway.
func (g *Gateway) Client() *http.Client { return g.server.Client() }

// Token mints a 2-legged access token for the registered client.
func (g *Gateway) Token(t testing.TB) string {
	t.Helper()
	tok, err := g.Issuer.Mint(devissuer.Claims{Scope: Scope, ClientID: ClientID})
	must(t, err)
	return tok
}

// CamaraOptions returns the options of a camara adapter that calls this
// gateway in version (e.g. "0.4") with the registered client.
func (g *Gateway) CamaraOptions(version string) json.RawMessage {
	raw, _ := json.Marshal(map[string]any{
		"baseUrl":      g.URL,
		"version":      version,
		"tokenUrl":     g.Issuer.TokenURL(),
		"clientId":     ClientID,
		"clientSecret": ClientSecret,
	})
	return raw
}

// CamaraOperator returns the configuration of a camara operator called
// name that calls this gateway in version for the given prefixes.
func (g *Gateway) CamaraOperator(name, version string, prefixes ...string) config.Operator {
	return config.Operator{Name: name, Type: "camara", Prefixes: prefixes, Options: g.CamaraOptions(version)}
}

// LocalOperator returns the configuration of a local operator.
func LocalOperator(name string, options json.RawMessage, prefixes ...string) config.Operator {
	if options == nil {
		options = json.RawMessage(`{}`)
	}
	return config.Operator{Name: name, Type: "local", Prefixes: prefixes, Options: options}
}

// AllPrefixes returns "+1" to "+9", which route every number.
func AllPrefixes() []string {
	out := make([]string, 0, 9)
	for d := 1; d <= 9; d++ {
		out = append(out, fmt.Sprintf("+%d", d))
	}
	return out
}

// LogBuffer is a goroutine-safe sink for a gateway's log.
type LogBuffer = syncio.Buffer

// must fails the test on err.
func must(t testing.TB, err error) {
	t.Helper()
	if err != nil {
		t.Fatalf("camaratest: %v", err)
	}
}
