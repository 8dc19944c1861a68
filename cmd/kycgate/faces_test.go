package main

import (
	"context"
	"log/slog"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kycgate/kycgate/biometric"
	"github.com/kycgate/kycgate/telemetry"
	"github.com/kycgate/kycgate/telemetry/telemetrytest"
)

func TestFaceEngineIsSharedInstrumentedAndClosedByTheLastUser(t *testing.T) {
	metrics := telemetry.NewMetrics()
	faces := newFaceEngine(biometric.Config{Engine: biometric.EngineNone}, metrics, slog.New(slog.DiscardHandler))

	verifications, err := faces.acquire()
	require.NoError(t, err)
	nfc, err := faces.acquire()
	require.NoError(t, err)
	assert.Same(t, verifications, nfc, "one engine for both modules")
	assert.Equal(t, biometric.EngineNone, nfc.Name())

	_, err = nfc.AssessSelfie(context.Background(), []byte{1}, nil)
	require.ErrorIs(t, err, biometric.ErrEngineUnavailable)
	assert.Equal(t, 1.0, telemetrytest.Value(t, metrics, "kycgate_biometric_duration_seconds",
		map[string]string{"operation": biometric.OperationAssessSelfie}), "the engine calls are measured")

	faces.release()
	again, err := faces.acquire()
	require.NoError(t, err)
	assert.Same(t, verifications, again, "still open while a module holds it")
	faces.release()
	faces.release()
	reopened, err := faces.acquire()
	require.NoError(t, err)
	assert.NotSame(t, verifications, reopened, "closed by the last release, opened anew")
	faces.release()
	faces.release() // an extra release is harmless
}

func TestFaceEngineReportsAnEngineThatCannotOpen(t *testing.T) {
	faces := newFaceEngine(biometric.Config{Engine: "bogus"}, nil, slog.New(slog.DiscardHandler))
	_, err := faces.acquire()
	require.Error(t, err)
	faces.release()
}
