package main

import (
	"context"
	"crypto/rand"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"time"

	"github.com/kycgate/kycgate/config"
	"github.com/kycgate/kycgate/gateway"
	"github.com/kycgate/kycgate/gateway/auth"
	"github.com/kycgate/kycgate/gateway/auth/devissuer"
	"github.com/kycgate/kycgate/kycmatch"
	"github.com/kycgate/kycgate/operators"
	"github.com/kycgate/kycgate/store"
	"github.com/kycgate/kycgate/telemetry"
)

// The OAuth2 client registered at every instance's issuer: the load
// generator's tokens and the camara adapter's client credentials.
const (
	benchClientID = "kycbench"
	benchAudience = "kycbench"
	matchScope    = "kyc-match:match"
)

// instanceOptions describe one in-process kycgate.
type instanceOptions struct {
	storeType    string
	storeOptions json.RawMessage
	operators    []config.Operator
	subscribers  []kycmatch.Subscriber
	// log receives the JSON log lines, access log included.
	log io.Writer
}

// instance is a kycgate gateway running in this process on a loopback
// listener, wired as `kycgate serve` wires it, with its own development
// issuer on a second loopback listener.
type instance struct {
	url          string
	issuer       *devissuer.Issuer
	clientSecret string
	stops        []func()
}

// startInstance starts a gateway. Call stop when done, even after an error.
func startInstance(ctx context.Context, o instanceOptions) (*instance, error) {
	in := &instance{clientSecret: rand.Text()}
	if err := in.startIssuer(); err != nil {
		return in, err
	}
	st, err := store.Open(ctx, o.storeType, o.storeOptions)
	if err != nil {
		return in, fmt.Errorf("store %s: %w", o.storeType, err)
	}
	in.stops = append(in.stops, func() { _ = st.Close() })
	if len(o.subscribers) > 0 {
		if err := st.UpsertSubscribers(ctx, o.subscribers); err != nil {
			return in, fmt.Errorf("store %s: import subscribers: %w", o.storeType, err)
		}
	}
	logger := slog.New(slog.NewJSONHandler(o.log, &slog.HandlerOptions{Level: slog.LevelInfo}))
	handler, err := in.newGateway(ctx, o, st, logger)
	if err != nil {
		return in, err
	}
	return in, in.serve(handler)
}

// newGateway builds the operators, the token verifier and the gateway.
func (in *instance) newGateway(ctx context.Context, o instanceOptions, st store.Store, logger *slog.Logger) (*gateway.Server, error) {
	cfg := config.Default()
	cfg.Auth.Issuer, cfg.Auth.Audience = in.issuer.URL(), benchAudience
	cfg.Operators = o.operators
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	router, err := operators.Build(cfg.Operators, operators.Deps{
		Store:      st,
		Logger:     logger,
		Decorators: []operators.RoundTripperDecorator{operators.LogExchanges(logger)},
	})
	if err != nil {
		return nil, err
	}
	metrics := telemetry.NewMetrics()
	verifier, err := auth.NewVerifier(auth.Config{
		Issuer: cfg.Auth.Issuer, Audience: cfg.Auth.Audience, Logger: logger,
		CacheSize: cfg.Auth.TokenCacheSize, OnKeySetFetch: metrics.CountJWKSRefresh,
	})
	if err != nil {
		return nil, err
	}
	vctx, cancel := context.WithCancel(context.WithoutCancel(ctx))
	in.stops = append(in.stops, cancel)
	verifier.Start(vctx)
	if err := waitReady(ctx, verifier); err != nil {
		return nil, err
	}
	return gateway.New(gateway.Deps{Config: cfg, Store: st, Verifier: verifier, Router: router, Logger: logger, Metrics: metrics})
}

// waitReady waits until the verifier has loaded the issuer's keys.
func waitReady(ctx context.Context, v *auth.Verifier) error {
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	for v.Ready() != nil {
		select {
		case <-ctx.Done():
			return fmt.Errorf("token verifier not ready: %w", v.Ready())
		case <-time.After(10 * time.Millisecond):
		}
	}
	return nil
}

// startIssuer runs the instance's development issuer on loopback.
func (in *instance) startIssuer() error {
	issuer, err := devissuer.New(devissuer.Options{
		Clients:  []devissuer.Client{{ID: benchClientID, Secret: in.clientSecret, Scopes: []string{matchScope}}},
		Audience: benchAudience,
	})
	if err != nil {
		return err
	}
	url, stop, err := serveLoopback(issuer.Handler())
	if err != nil {
		return err
	}
	in.stops = append(in.stops, stop)
	issuer.SetURL(url)
	in.issuer = issuer
	return nil
}

// serve runs the gateway on loopback with the server settings of
// `kycgate serve`.
func (in *instance) serve(srv *gateway.Server) error {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		_ = srv.Serve(ctx, ln)
	}()
	in.stops = append(in.stops, func() { cancel(); <-done })
	in.url = "http://" + ln.Addr().String()
	return nil
}

// token mints a 2-legged KYC Match token of the instance's issuer.
func (in *instance) token() (string, error) {
	return in.issuer.Mint(devissuer.Claims{Scope: matchScope, ClientID: benchClientID, ExpiresAt: time.Now().Add(time.Hour)})
}

// stop shuts the instance down, last started first.
func (in *instance) stop() {
	for i := len(in.stops) - 1; i >= 0; i-- {
		in.stops[i]()
	}
	in.stops = nil
}

// serveLoopback serves h on a fresh 127.0.0.1 port until stop is called.
func serveLoopback(h http.Handler) (url string, stop func(), err error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", nil, err
	}
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 5 * time.Second}
	done := make(chan struct{})
	go func() {
		defer close(done)
		_ = srv.Serve(ln)
	}()
	stop = func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = srv.Shutdown(ctx)
		<-done
	}
	return "http://" + ln.Addr().String(), stop, nil
}
