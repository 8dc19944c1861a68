package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"

	"github.com/kycgate/kycgate/config"
	"github.com/kycgate/kycgate/gateway"
	"github.com/kycgate/kycgate/gateway/auth"
	"github.com/kycgate/kycgate/operators"
	"github.com/kycgate/kycgate/store"
)

// serve runs the gateway until ctx ends.
func serve(ctx context.Context, args []string, stderr io.Writer) error {
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	fs.SetOutput(stderr)
	configPath := fs.String("config", "", "YAML configuration file (defaults apply when omitted)")
	demo := fs.Bool("demo", false, "run on loopback with the built-in development issuer and demo subscribers")
	if err := fs.Parse(args); err != nil {
		return err
	}
	cfg, err := loadConfig(*configPath)
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

	router, err := buildRouter(cfg, st, logger)
	if err != nil {
		return err
	}
	verifier, err := auth.NewVerifier(authConfig(cfg.Auth))
	if err != nil {
		return fmt.Errorf("auth: %w", err)
	}
	verifier.Start(ctx)

	srv, err := gateway.New(gateway.Deps{
		Config: cfg, Store: st, Verifier: verifier, Router: router, Logger: logger, Mounts: mounts,
	})
	if err != nil {
		return err
	}
	logStartup(logger, cfg, ln.Addr(), *demo)
	return srv.Serve(ctx, ln)
}

// loadConfig reads the file at path, or returns the defaults when path is
// empty.
func loadConfig(path string) (config.Config, error) {
	if path == "" {
		cfg := config.Default()
		return cfg, cfg.Validate()
	}
	return config.Load(path)
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
	}
}

// buildRouter creates every configured operator adapter through the
// registry and indexes their prefixes.
func buildRouter(cfg config.Config, st store.Store, logger *slog.Logger) (*operators.Router, error) {
	deps := operators.Deps{Store: st, Logger: logger}
	routes := make([]operators.Route, 0, len(cfg.Operators))
	for _, op := range cfg.Operators {
		a, err := operators.New(op.Type, op.Name, op.Options, deps)
		if err != nil {
			return nil, fmt.Errorf("operator %q: %w", op.Name, err)
		}
		routes = append(routes, operators.Route{Name: op.Name, Adapter: a, Prefixes: op.Prefixes})
	}
	return operators.NewRouter(routes)
}

// logStartup records what was configured, without secrets.
func logStartup(logger *slog.Logger, cfg config.Config, addr net.Addr, demo bool) {
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
		slog.Int64("max_body_bytes", cfg.Server.MaxBodyBytes))
}
