package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/kycgate/kycgate/biometric"
	"github.com/kycgate/kycgate/config"
	"github.com/kycgate/kycgate/gateway"
	"github.com/kycgate/kycgate/identity"
	"github.com/kycgate/kycgate/internal/sealed"
	"github.com/kycgate/kycgate/media"
	"github.com/kycgate/kycgate/store"
	"github.com/kycgate/kycgate/telemetry"
	"github.com/kycgate/kycgate/webhook"
)

// The demo's verification flows, owned by the demo client, and where their
// webhooks are received.
const (
	demoFlowSelfie      = "demo-selfie"
	demoFlowDocument    = "demo-document"
	demoFlowReverify    = "demo-reverify"
	demoWebhooksPath    = "/demo-webhooks"
	demoWebhookCapacity = 200
	demoTemplateKeyFile = "demo-template-key"
	demoWebhookKeyFile  = "demo-webhook-secret-key"
	demoMediaKeyFile    = "demo-media-key"
	demoWebhookSecret   = "demo-webhook-secret"
)

func init() {
	// The demo client may call the verifications API.
	demoScopes = append(demoScopes, identity.Scopes...)
}

// verificationsSetup is the verifications module and its background work.
type verificationsSetup struct {
	// modules and mounts go into the gateway.
	modules []gateway.Module
	mounts  []gateway.Mount
	// webhooks is the outbox worker, shared by every module that writes
	// webhook events.
	webhooks *webhook.Worker
	// faces is the biometric engine, shared by every module that reads
	// faces.
	faces *faceEngine
	// metrics receives the modules' measurements.
	metrics *telemetry.Metrics
	// stop ends the background work and releases the engine; it waits for
	// work in flight.
	stop func()
}

// setUpVerifications starts the webhook worker and, when verifications are
// enabled (always in the demo), the biometric engine, the media store and
// the verification processor. In the demo it also creates the demo flows and
// mounts a webhook receiver on the gateway. An observer (e.g.
// profiles.VerificationObserver{Recorder: rec}) learns about every verification.
// Webhook deliveries, the outbox depth and the engine calls go to metrics.
func setUpVerifications(ctx context.Context, cfg *config.Config, st store.Store, addr net.Addr, demo bool, metrics *telemetry.Metrics, logger *slog.Logger, observer ...identity.Observer) (*verificationsSetup, error) {
	if demo {
		if err := prepareDemoVerifications(cfg); err != nil {
			return nil, err
		}
	}
	secrets, err := webhookSecrets(*cfg)
	if err != nil {
		return nil, err
	}
	if secrets == nil && (cfg.Verifications.Enabled || cfg.NFC.Enabled) {
		logger.Warn("webhooks.secret_key is not set: webhook signing secrets are stored unencrypted")
	}
	wcfg := webhookConfig(cfg.Webhooks)
	wcfg.Secrets = secrets
	if metrics != nil {
		wcfg.Observer = metrics
	}
	worker, err := webhook.NewWorker(st, wcfg, logger)
	if err != nil {
		return nil, err
	}
	runCtx, cancel := context.WithCancel(context.WithoutCancel(ctx))
	var wg sync.WaitGroup
	setup := &verificationsSetup{webhooks: worker, faces: newFaceEngine(cfg.Biometric, metrics, logger), metrics: metrics}
	var engine biometric.Engine
	setup.stop = func() {
		cancel()
		wg.Wait()
		if engine != nil {
			setup.faces.release()
		}
	}
	context.AfterFunc(ctx, cancel)
	wg.Go(func() { _ = worker.Run(runCtx) })
	if !cfg.Verifications.Enabled {
		return setup, nil
	}
	var obs identity.Observer
	if len(observer) > 0 {
		obs = observer[0]
	}
	svc, eng, err := newVerificationService(*cfg, st, worker, secrets, setup.faces, addr, logger, obs)
	if err != nil {
		setup.stop()
		return nil, err
	}
	engine = eng
	setup.modules = append(setup.modules, identity.NewModule(svc))
	wg.Go(func() { _ = svc.Run(runCtx) })
	if demo {
		mount, err := createDemoFlows(ctx, svc, addr, logger)
		if err != nil {
			setup.stop()
			return nil, err
		}
		setup.mounts = append(setup.mounts, mount)
	}
	return setup, nil
}

// newVerificationService builds the service from the configuration, on the
// shared face engine, which it acquires (and releases if it fails).
func newVerificationService(cfg config.Config, st store.Store, worker *webhook.Worker, secrets *sealed.Box, faces *faceEngine, addr net.Addr, logger *slog.Logger, observer identity.Observer) (*identity.Service, biometric.Engine, error) {
	templateKey, err := config.ParseKey32(cfg.Verifications.TemplateKey)
	if err != nil {
		return nil, nil, fmt.Errorf("verifications.template_key: %w", err)
	}
	signingKey, err := config.ParseKey32(cfg.Media.SigningKey)
	if err != nil {
		return nil, nil, fmt.Errorf("media.signing_key: %w", err)
	}
	signer, err := media.NewSigner(signingKey)
	if err != nil {
		return nil, nil, err
	}
	files, err := media.NewFilesystem(cfg.Media.Dir)
	if err != nil {
		return nil, nil, err
	}
	engine, err := faces.acquire()
	if err != nil {
		return nil, nil, fmt.Errorf("biometric: %w", err)
	}
	publicURL := cfg.Verifications.PublicURL
	if publicURL == "" {
		publicURL = "http://" + addr.String()
	}
	v := cfg.Verifications
	svc, err := identity.New(identity.Config{
		PublicURL:     publicURL,
		InputTimeout:  v.InputTimeout.D(),
		StepTimeout:   v.StepTimeout.D(),
		Workers:       v.Workers,
		PollInterval:  v.PollInterval.D(),
		MaxPhotoBytes: v.MaxPhotoBytes,
		MaxVideoBytes: v.MaxVideoBytes,
	}, identity.Deps{
		Store:       st,
		Engine:      engine,
		Media:       files,
		URLs:        media.NewURLs(publicURL, signer, cfg.Media.URLTTL.D()),
		Webhooks:    worker,
		TemplateKey: templateKey,
		Secrets:     secrets,
		Logger:      logger,
		Observer:    observer,
	})
	if err != nil {
		faces.release()
		return nil, nil, err
	}
	logger.Info("verifications enabled", slog.String("public_url", publicURL), slog.String("engine", engine.Name()),
		slog.String("media_dir", cfg.Media.Dir))
	return svc, engine, nil
}

// webhookSecrets returns the box sealing webhook secrets at rest, or nil
// without webhooks.secret_key.
func webhookSecrets(cfg config.Config) (*sealed.Box, error) {
	if cfg.Webhooks.SecretKey == "" {
		return nil, nil
	}
	key, err := config.ParseKey32(cfg.Webhooks.SecretKey)
	if err != nil {
		return nil, fmt.Errorf("webhooks.secret_key: %w", err)
	}
	return sealed.New(key)
}

// webhookConfig maps the configuration to the worker's settings.
func webhookConfig(w config.Webhooks) webhook.Config {
	return webhook.Config{
		Guard:            webhook.Guard{AllowHTTP: w.AllowHTTP, AllowPrivateNetworks: w.AllowPrivateNetworks},
		Timeout:          w.Timeout.D(),
		InitialBackoff:   w.InitialBackoff.D(),
		MaxBackoff:       w.MaxBackoff.D(),
		DeliveryWindow:   w.DeliveryWindow.D(),
		Concurrency:      w.Concurrency,
		Lease:            3*w.Timeout.D() + 10*time.Second,
		PayloadRetention: w.PayloadRetention.D(),
	}
}

// prepareDemoVerifications enables verifications for the demo, with keys
// kept in the demo's data folder (so templates and URLs survive restarts)
// and webhooks allowed to the gateway's own loopback receiver.
func prepareDemoVerifications(cfg *config.Config) error {
	cfg.Verifications.Enabled = true
	cfg.Webhooks.AllowHTTP = true
	cfg.Webhooks.AllowPrivateNetworks = true
	for _, k := range []struct {
		value *string
		file  string
	}{
		{&cfg.Verifications.TemplateKey, demoTemplateKeyFile},
		{&cfg.Media.SigningKey, demoMediaKeyFile},
		{&cfg.Webhooks.SecretKey, demoWebhookKeyFile},
	} {
		if *k.value != "" {
			continue
		}
		key, err := demoFileSecret(k.file, func() string { return hex.EncodeToString(randomBytes(32)) })
		if err != nil {
			return err
		}
		*k.value = key
	}
	return nil
}

// createDemoFlows writes the demo client's flows, whose webhooks go to a
// receiver mounted on the gateway, and returns that mount.
func createDemoFlows(ctx context.Context, svc *identity.Service, addr net.Addr, logger *slog.Logger) (gateway.Mount, error) {
	secret, err := demoFileSecret(demoWebhookSecret, func() string { return "whsec_" + rand.Text() })
	if err != nil {
		return gateway.Mount{}, err
	}
	url := "http://" + addr.String() + demoWebhooksPath + "/"
	flows := map[string]identity.FlowSettings{
		demoFlowSelfie:   {Name: "Demo: first verification (selfie)", Steps: []string{identity.StepSelfie}},
		demoFlowDocument: {Name: "Demo: selfie against an ID document photo", Steps: []string{identity.StepSelfie, identity.StepFacematch}},
		demoFlowReverify: {Name: "Demo: re-verification of a returning customer", Steps: []string{identity.StepSelfie, identity.StepReFacematch}},
	}
	for id, settings := range flows {
		settings.WebhookURL, settings.WebhookSecret = url, secret
		if err := svc.EnsureFlow(ctx, demoClientID, id, settings); err != nil {
			return gateway.Mount{}, fmt.Errorf("demo flow %s: %w", id, err)
		}
	}
	logger.Info("demo verifications ready",
		slog.Any("flows", []string{demoFlowSelfie, demoFlowDocument, demoFlowReverify}),
		slog.String("webhook_receiver", url),
		slog.String("webhook_secret_file", filepath.Join(demoDataDir, demoWebhookSecret)))
	return gateway.Mount{Prefix: demoWebhooksPath, Handler: webhook.NewReceiver(secret, demoWebhookCapacity)}, nil
}

// demoFileSecret returns the secret kept in the demo data folder under
// name, creating it with generate (mode 0600) when missing.
func demoFileSecret(name string, generate func() string) (string, error) {
	path := filepath.Join(demoDataDir, name)
	data, err := os.ReadFile(path)
	if err == nil {
		return strings.TrimSpace(string(data)), nil
	}
	if !errors.Is(err, fs.ErrNotExist) {
		return "", fmt.Errorf("demo: %w", err)
	}
	if err := os.MkdirAll(demoDataDir, 0o700); err != nil {
		return "", fmt.Errorf("demo: %w", err)
	}
	secret := generate()
	if err := os.WriteFile(path, []byte(secret), 0o600); err != nil {
		return "", fmt.Errorf("demo: %w", err)
	}
	return secret, nil
}

func randomBytes(n int) []byte {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return b
}
