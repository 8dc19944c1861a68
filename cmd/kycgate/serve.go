package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"

	"github.com/kycgate/kycgate/config"
	"github.com/kycgate/kycgate/gateway"
	"github.com/kycgate/kycgate/gateway/auth"
	"github.com/kycgate/kycgate/identity/profiles"
	"github.com/kycgate/kycgate/operators"
	"github.com/kycgate/kycgate/store"
	"github.com/kycgate/kycgate/telemetry"
)

// serve runs the gateway until ctx ends.
func serve(ctx context.Context, args []string, stderr io.Writer) error {
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	fs.SetOutput(stderr)
	configPath := fs.String("config", "", "YAML configuration file (defaults apply when omitted)")
	demo := fs.Bool("demo", false, "run on loopback with the built-in development issuer and demo subscribers")
	if err := parseFlagsOnly(fs, args); err != nil {
		return err
	}
	cfg, err := loadConfigFor(*configPath, config.Requirements{
		Issuer: !*demo, StoreTypes: store.Types(), OperatorTypes: operators.Types(),
	})
	if err != nil {
		return err
	}
	logger := newLogger(stderr, cfg.Log.Level)

	ln, err := net.Listen("tcp", cfg.Server.Listen)
	if err != nil {
		return err
	}
	defer ln.Close()

	var mounts []gateway.Mount
	if *demo {
		d, err := setUpDemo(ctx, &cfg, ln.Addr(), logger)
		if err != nil {
			return err
		}
		mounts = append(mounts, d.mount)
	}

	st, err := store.Open(ctx, cfg.Store.Type, cfg.Store.Options)
	if err != nil {
		return fmt.Errorf("store: %w", err)
	}
	defer st.Close()
	if *demo {
		if err := importDemoSubscribers(ctx, st, logger); err != nil {
			return err
		}
	}

	profileModules, recorder, err := setUpProfiles(&cfg, st, *demo, logger)
	if err != nil {
		return err
	}
	metrics := telemetry.NewMetrics()
	verifications, err := setUpVerifications(ctx, &cfg, st, ln.Addr(), *demo, metrics, logger, profiles.VerificationObserver{Recorder: recorder})
	if err != nil {
		return err
	}
	defer verifications.stop()
	nfcModules, stopNFC, err := setUpNFC(ctx, cfg, st, verifications, ln.Addr(), *demo, logger, nfcProfileLink(recorder, logger))
	if err != nil {
		return err
	}
	defer stopNFC()

	router, err := buildRouter(cfg, st, metrics, logger)
	if err != nil {
		return err
	}
	shutdownTracing, tracing, err := telemetry.SetupTracing(ctx, version)
	if err != nil {
		return err
	}
	defer shutdownTracing(context.WithoutCancel(ctx))
	authCfg := authConfig(cfg.Auth)
	authCfg.Logger = logger
	authCfg.OnKeySetFetch = metrics.CountJWKSRefresh
	verifier, err := auth.NewVerifier(authCfg)
	if err != nil {
		return fmt.Errorf("auth: %w", err)
	}
	verifier.Start(ctx)

	srv, err := gateway.New(gateway.Deps{
		Config: cfg, Store: st, Verifier: verifier, Router: router, Logger: logger,
		Mounts: append(mounts, verifications.mounts...), Modules: append(append(verifications.modules, nfcModules...), profileModules...),
		Metrics: metrics,
	})
	if err != nil {
		return err
	}
	logStartup(logger, cfg, ln.Addr(), *demo, tracing)
	return srv.Serve(ctx, ln)
}

// loadConfig reads the file at path, or returns the defaults when path is
// empty.
func loadConfig(path string) (config.Config, error) {
	return loadConfigFor(path, config.Requirements{})
}

// loadConfigFor is loadConfig that also checks req, with every other
// problem of the configuration.
func loadConfigFor(path string, req config.Requirements) (config.Config, error) {
	if path == "" {
		cfg := config.Default()
		return cfg, cfg.ValidateFor(req)
	}
	return config.LoadFor(path, req)
}

// authConfig maps the configuration to the verifier's settings.
func authConfig(a config.Auth) auth.Config {
	return auth.Config{
		Issuer:          a.Issuer,
		Audience:        a.Audience,
		Leeway:          a.Leeway.D(),
		RefreshCooldown: a.RefreshCooldown.D(),
		SubjectClaim:    a.SubjectClaim,
		PhoneClaim:      a.PhoneClaim,
		ClientIDClaim:   a.ClientIDClaim,
		CacheSize:       a.TokenCacheSize,
	}
}

// buildRouter creates every configured operator through the registry,
// each behind a guard with its policy (timeout, concurrency bound, circuit
// breaker), and indexes their prefixes. Calls, breaker states and fan-out
// widths go to metrics; HTTP exchanges with upstream operators get a client
// span with W3C traceparent propagation, are counted per attempt and are
// logged at debug level.
func buildRouter(cfg config.Config, st store.Store, metrics *telemetry.Metrics, logger *slog.Logger) (*operators.Router, error) {
	deps := operators.Deps{
		Store:    st,
		Logger:   logger,
		Observer: metrics,
		Decorators: []operators.RoundTripperDecorator{
			func(_ string, next http.RoundTripper) http.RoundTripper { return telemetry.Transport(next) },
			operators.CountAttempts(metrics),
			operators.LogExchanges(logger),
		},
	}
	return operators.Build(cfg.Operators, deps)
}

// logStartup records what was configured, without secrets.
func logStartup(logger *slog.Logger, cfg config.Config, addr net.Addr, demo, tracing bool) {
	ops := make([]string, 0, len(cfg.Operators))
	for _, op := range cfg.Operators {
		ops = append(ops, op.Name+"("+op.Type+")")
	}
	logger.Info("kycgate started",
		slog.String("version", version),
		slog.String("listen", addr.String()),
		slog.Bool("demo", demo),
		slog.String("issuer", cfg.Auth.Issuer),
		slog.String("audience", cfg.Auth.Audience),
		slog.String("store", cfg.Store.Type),
		slog.Any("operators", ops),
		slog.Int64("max_body_bytes", cfg.Server.MaxBodyBytes),
		slog.Bool("tracing", tracing))
}
