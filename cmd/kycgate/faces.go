package main

import (
	"log/slog"
	"sync"

	"github.com/kycgate/kycgate/biometric"
	"github.com/kycgate/kycgate/telemetry"
)

// faceEngine opens the biometric engine once for every module that reads
// faces (verifications and NFC), so the models are loaded once and one
// in-flight bound holds across modules. The engine is instrumented: a span
// and a latency and in-flight measurement per engine call. It is closed
// when the last module that acquired it releases it.
type faceEngine struct {
	cfg     biometric.Config
	metrics *telemetry.Metrics
	logger  *slog.Logger

	mu     sync.Mutex
	engine biometric.Engine
	users  int
}

// newFaceEngine returns the shared engine of cfg, opened on first use.
func newFaceEngine(cfg biometric.Config, metrics *telemetry.Metrics, logger *slog.Logger) *faceEngine {
	return &faceEngine{cfg: cfg, metrics: metrics, logger: logger}
}

// acquire returns the engine, opening it on the first call. Every
// successful acquire must be paired with a release.
func (f *faceEngine) acquire() (biometric.Engine, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.engine == nil {
		engine, err := biometric.Open(f.cfg, f.logger)
		if err != nil {
			return nil, err
		}
		f.engine = biometric.Instrument(engine, f.metrics)
	}
	f.users++
	return f.engine, nil
}

// release gives the engine back; the last release closes it.
func (f *faceEngine) release() {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.users == 0 {
		return
	}
	f.users--
	if f.users == 0 {
		_ = f.engine.Close()
		f.engine = nil
	}
}
