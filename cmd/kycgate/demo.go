package main

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/json"
	"fmt"
	"log/slog"
	"net"
	"os"
	"path/filepath"

	"github.com/kycgate/kycgate/config"
	"github.com/kycgate/kycgate/gateway"
	"github.com/kycgate/kycgate/gateway/auth/devissuer"
	"github.com/kycgate/kycgate/operators/local"
	"github.com/kycgate/kycgate/store"
)

// Demo settings. The client secret is random per start and written to
// demoSecretFile, never to the repository.
const (
	demoIssuerPath = "/demo-issuer"
	demoClientID   = "demo-client"
	demoDataDir    = "data"
	demoSecretFile = "demo-client-secret"
	demoAudience   = "kycgate"
)

// demoScopes are the scopes the demo client may request.
var demoScopes = []string{"kyc-match:match", "dpv:FraudPreventionAndDetection#kyc-match:match"}

type demoSetup struct {
	mount gateway.Mount
}

// setUpDemo prepares the demo: it refuses a non-loopback listener, creates
// the development issuer on the gateway's own listener, writes the demo
// client secret to the data folder and adds the reference operator when no
// operator is configured.
func setUpDemo(ctx context.Context, cfg *config.Config, addr net.Addr, logger *slog.Logger) (*demoSetup, error) {
	tcp, ok := addr.(*net.TCPAddr)
	if !ok || !tcp.IP.IsLoopback() {
		return nil, fmt.Errorf("demo: the development issuer only runs on a loopback address, not %s", addr)
	}
	secret, err := writeDemoSecret()
	if err != nil {
		return nil, err
	}
	issuer, err := devissuer.New(devissuer.Options{
		Clients:  []devissuer.Client{{ID: demoClientID, Secret: secret, Scopes: demoScopes}},
		Audience: demoAudience,
	})
	if err != nil {
		return nil, err
	}
	issuerURL := "http://" + addr.String() + demoIssuerPath
	issuer.SetURL(issuerURL)
	cfg.Auth.Issuer = issuerURL
	cfg.Auth.Audience = demoAudience
	if len(cfg.Operators) == 0 {
		cfg.Operators = []config.Operator{demoOperator()}
	}
	logger.Info("demo mode: development issuer enabled",
		slog.String("issuer", issuerURL),
		slog.String("client_id", demoClientID),
		slog.String("client_secret_file", filepath.Join(demoDataDir, demoSecretFile)))
	return &demoSetup{mount: gateway.Mount{Prefix: demoIssuerPath, Handler: issuer.Handler()}}, nil
}

// demoOperator is the reference operator serving every number.
func demoOperator() config.Operator {
	prefixes := make([]string, 0, 9)
	for d := '1'; d <= '9'; d++ {
		prefixes = append(prefixes, "+"+string(d))
	}
	return config.Operator{Name: "reference", Type: "local", Prefixes: prefixes, Options: json.RawMessage(`{}`)}
}

// writeDemoSecret creates a random client secret and stores it, readable by
// the owner only, in the data folder.
func writeDemoSecret() (string, error) {
	secret := rand.Text()
	if err := os.MkdirAll(demoDataDir, 0o700); err != nil {
		return "", fmt.Errorf("demo: %w", err)
	}
	path := filepath.Join(demoDataDir, demoSecretFile)
	if err := os.WriteFile(path, []byte(secret), 0o600); err != nil {
		return "", fmt.Errorf("demo: %w", err)
	}
	return secret, nil
}

// importDemoSubscribers loads the built-in demo subscribers into the store.
func importDemoSubscribers(ctx context.Context, st store.Store, logger *slog.Logger) error {
	n, err := local.Import(ctx, st, bytes.NewReader(local.DemoSubscribers))
	if err != nil {
		return fmt.Errorf("demo subscribers: %w", err)
	}
	logger.Info("demo subscribers loaded", slog.Int("count", n))
	return nil
}
