package biometric

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"

	"github.com/kycgate/kycgate/telemetry"
	"github.com/kycgate/kycgate/telemetry/telemetrytest"
)

// engineCalls reads kycgate_biometric_duration_seconds' count for operation.
func engineCalls(t *testing.T, m *telemetry.Metrics, operation string) float64 {
	return telemetrytest.Value(t, m, "kycgate_biometric_duration_seconds", map[string]string{"operation": operation})
}

// spanAttributes returns the single span named name and its attributes.
func spanAttributes(t *testing.T, exporter *tracetest.InMemoryExporter, name string) (tracetest.SpanStub, map[string]string) {
	t.Helper()
	spans := telemetrytest.Spans(exporter, name)
	require.Len(t, spans, 1, "one span %q", name)
	attrs := map[string]string{}
	for _, a := range spans[0].Attributes {
		attrs[string(a.Key)] = a.Value.Emit()
	}
	return spans[0], attrs
}

// TestInstrumentMeasuresAndTracesEachCall installs the global tracer
// provider, so it must not run in parallel with other tests.
func TestInstrumentMeasuresAndTracesEachCall(t *testing.T) {
	prior := []PriorCapture{{}, {}}
	tests := []struct {
		operation string
		call      func(e Engine) error
		input     int
		prior     int
	}{
		{OperationExtract, func(e Engine) error {
			_, err := e.Extract(context.Background(), make([]byte, 11))
			return err
		}, 11, 0},
		{OperationAssessSelfie, func(e Engine) error {
			_, err := e.AssessSelfie(context.Background(), make([]byte, 12), prior)
			return err
		}, 12, 2},
		{OperationAssessVideo, func(e Engine) error {
			_, err := e.AssessVideo(context.Background(), make([]byte, 13), prior[:1])
			return err
		}, 13, 1},
	}
	for _, tc := range tests {
		t.Run(tc.operation, func(t *testing.T) {
			exporter := telemetrytest.Tracing(t)
			metrics := telemetry.NewMetrics()
			e := Instrument(testVectorEngine(t), metrics)

			err := tc.call(e)
			require.ErrorIs(t, err, ErrEngineUnavailable, "the wrapped engine's error is returned")
			assert.Equal(t, 1.0, engineCalls(t, metrics, tc.operation))
			assert.Zero(t, telemetrytest.Value(t, metrics, "kycgate_biometric_in_flight", nil))

			span, attrs := spanAttributes(t, exporter, "biometric "+tc.operation)
			assert.Equal(t, map[string]string{
				"biometric.engine": EngineVector, "biometric.model_id": FacepluginModelID,
				"biometric.input_bytes": fmt.Sprint(tc.input), "biometric.prior_captures": fmt.Sprint(tc.prior),
				"biometric.outcome": "engine_unavailable",
			}, attrs)
			assert.Equal(t, codes.Error, span.Status.Code)
			assert.Equal(t, "engine_unavailable", span.Status.Description, "a code, not the error's text")
		})
	}
}

func TestInstrumentPassesCompareAndIdentityThrough(t *testing.T) {
	exporter := telemetrytest.Tracing(t)
	metrics := telemetry.NewMetrics()
	inner := testVectorEngine(t)
	e := Instrument(inner, metrics)
	a := Template{ModelID: FacepluginModelID, Vector: unitVector(8, 1)}
	b := Template{ModelID: FacepluginModelID, Vector: unitVector(8, 2)}

	want, err := inner.Compare(a, b, SelfieSelfie)
	require.NoError(t, err)
	got, err := e.Compare(a, b, SelfieSelfie)
	require.NoError(t, err)
	assert.Equal(t, want, got)
	assert.Equal(t, EngineVector, e.Name())
	assert.Equal(t, FacepluginModelID, e.ModelID())
	assert.NoError(t, e.Close())
	assert.Empty(t, exporter.GetSpans(), "Compare is not traced")
	for _, op := range []string{OperationExtract, OperationAssessSelfie, OperationAssessVideo} {
		assert.Zero(t, engineCalls(t, metrics, op))
	}
}

// gatedEngine holds Extract until its gate opens, to observe a call in
// flight.
type gatedEngine struct {
	Engine
	entered chan struct{}
	gate    chan struct{}
}

func (g gatedEngine) Extract(ctx context.Context, image []byte) (Template, error) {
	g.entered <- struct{}{}
	<-g.gate
	return g.Engine.Extract(ctx, image)
}

func TestInstrumentCountsCallsInFlight(t *testing.T) {
	metrics := telemetry.NewMetrics()
	g := gatedEngine{Engine: testVectorEngine(t), entered: make(chan struct{}), gate: make(chan struct{})}
	e := Instrument(g, metrics)
	inFlight := func() float64 { return telemetrytest.Value(t, metrics, "kycgate_biometric_in_flight", nil) }

	done := make(chan struct{})
	for range 2 {
		go func() { _, _ = e.Extract(context.Background(), nil); done <- struct{}{} }()
	}
	for range 2 {
		select {
		case <-g.entered:
		case <-time.After(5 * time.Second):
			t.Fatal("the calls did not reach the engine")
		}
	}
	assert.Equal(t, 2.0, inFlight(), "two calls running")
	close(g.gate)
	<-done
	<-done
	assert.Zero(t, inFlight())
	assert.Equal(t, 2.0, engineCalls(t, metrics, OperationExtract))
}

func TestInstrumentTracesASuccessfulExtraction(t *testing.T) {
	engine := onnxTestEngine(t)
	photo := readFace(t, "kit@1.jpg")
	exporter := telemetrytest.Tracing(t)
	metrics := telemetry.NewMetrics()

	tmpl, err := Instrument(engine, metrics).Extract(context.Background(), photo)
	require.NoError(t, err)
	assert.NotEmpty(t, tmpl.Vector)
	span, attrs := spanAttributes(t, exporter, "biometric "+OperationExtract)
	assert.Equal(t, codes.Unset, span.Status.Code)
	assert.Equal(t, "ok", attrs["biometric.outcome"])
	assert.Equal(t, EngineONNX, attrs["biometric.engine"])
	assert.Equal(t, 1.0, engineCalls(t, metrics, OperationExtract))
}

func TestOutcome(t *testing.T) {
	tests := []struct {
		err  error
		want string
	}{
		{nil, "ok"},
		{fmt.Errorf("decode: %w", ErrNoFace), "no_face"},
		{ErrMultipleFaces, "multiple_faces"},
		{ErrFaceTooSmall, "face_too_small"},
		{fmt.Errorf("x: %w", ErrUnreadableImage), "unreadable_image"},
		{ErrEngineUnavailable, "engine_unavailable"},
		{ErrVideoUnavailable, "video_unavailable"},
		{ErrUnreadableVideo, "unreadable_video"},
		{fmt.Errorf("%w (ffmpeg limit 1s)", ErrVideoTimeout), "video_timeout"},
		{fmt.Errorf("run: %w", context.Canceled), "canceled"},
		{context.DeadlineExceeded, "timeout"},
		{errors.New("onnx: session failed"), "error"},
	}
	for _, tc := range tests {
		assert.Equal(t, tc.want, Outcome(tc.err), "%v", tc.err)
	}
}
