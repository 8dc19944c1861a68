package biometric

import (
	"context"
	"errors"

	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/trace"
)

// tracerName is the instrumentation scope of the engine spans.
const tracerName = "github.com/kycgate/kycgate/biometric"

// Operation names of the instrumented engine calls, used as span names
// (prefixed with "biometric ") and as the metric label.
const (
	OperationExtract      = "extract"
	OperationAssessSelfie = "assess_selfie"
	OperationAssessVideo  = "assess_video"
)

// Tracker measures engine calls; *telemetry.Metrics implements it.
type Tracker interface {
	// TrackBiometric marks a call of operation as running and returns the
	// function that records its end.
	TrackBiometric(operation string) (done func())
}

// instrumented decorates an Engine with a span and a measurement per
// image or video call.
type instrumented struct {
	Engine
	tracker Tracker
}

// Instrument returns e with a span (from the global tracer provider at the
// time of the call) and a latency and in-flight measurement (from t, when
// not nil) around every Extract, AssessSelfie and AssessVideo call.
// Compare, which costs microseconds, is passed through unmeasured. Spans carry the engine, the
// model, the input size and an outcome code, never an image, a template or
// a score.
func Instrument(e Engine, t Tracker) Engine {
	return &instrumented{Engine: e, tracker: t}
}

// Extract measures the wrapped engine's Extract.
func (e *instrumented) Extract(ctx context.Context, image []byte) (Template, error) {
	ctx, end := e.start(ctx, OperationExtract, len(image), 0)
	t, err := e.Engine.Extract(ctx, image)
	end(err)
	return t, err
}

// AssessSelfie measures the wrapped engine's AssessSelfie.
func (e *instrumented) AssessSelfie(ctx context.Context, image []byte, prior []PriorCapture) (SelfieAssessment, error) {
	ctx, end := e.start(ctx, OperationAssessSelfie, len(image), len(prior))
	a, err := e.Engine.AssessSelfie(ctx, image, prior)
	end(err)
	return a, err
}

// AssessVideo measures the wrapped engine's AssessVideo.
func (e *instrumented) AssessVideo(ctx context.Context, video []byte, prior []PriorCapture) (VideoAssessment, error) {
	ctx, end := e.start(ctx, OperationAssessVideo, len(video), len(prior))
	a, err := e.Engine.AssessVideo(ctx, video, prior)
	if err == nil {
		trace.SpanFromContext(ctx).SetAttributes(
			attribute.Int("biometric.frames_sampled", a.FramesSampled),
			attribute.Int("biometric.frames_with_face", a.FramesWithFace))
	}
	end(err)
	return a, err
}

// start opens the span and the measurement of one call and returns the
// function that closes both with the call's error.
func (e *instrumented) start(ctx context.Context, operation string, inputBytes, priorCaptures int) (context.Context, func(error)) {
	ctx, span := otel.Tracer(tracerName).Start(ctx, "biometric "+operation,
		trace.WithSpanKind(trace.SpanKindInternal),
		trace.WithAttributes(
			attribute.String("biometric.engine", e.Name()),
			attribute.String("biometric.model_id", e.ModelID()),
			attribute.Int("biometric.input_bytes", inputBytes),
			attribute.Int("biometric.prior_captures", priorCaptures),
		))
	done := func() {}
	if e.tracker != nil {
		done = e.tracker.TrackBiometric(operation)
	}
	return ctx, func(err error) {
		done()
		outcome := Outcome(err)
		span.SetAttributes(attribute.String("biometric.outcome", outcome))
		if err != nil {
			span.SetStatus(codes.Error, outcome)
		}
		span.End()
	}
}

// Outcome codes an engine call's error for spans and logs without its
// message: "ok", "no_face", "multiple_faces", "face_too_small",
// "unreadable_image", "engine_unavailable", "video_unavailable",
// "unreadable_video", "canceled", "timeout" or "error".
func Outcome(err error) string {
	if err == nil {
		return "ok"
	}
	for _, k := range outcomeCodes {
		if errors.Is(err, k.err) {
			return k.code
		}
	}
	return "error"
}

// outcomeCodes maps the errors a caller tells apart to their codes.
var outcomeCodes = []struct {
	err  error
	code string
}{
	{ErrNoFace, "no_face"},
	{ErrMultipleFaces, "multiple_faces"},
	{ErrFaceTooSmall, "face_too_small"},
	{ErrUnreadableImage, "unreadable_image"},
	{ErrEngineUnavailable, "engine_unavailable"},
	{ErrVideoUnavailable, "video_unavailable"},
	{ErrUnreadableVideo, "unreadable_video"},
	{ErrVideoTimeout, "video_timeout"},
	{context.Canceled, "canceled"},
	{context.DeadlineExceeded, "timeout"},
}
