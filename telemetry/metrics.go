// Package telemetry holds kycgate's Prometheus metrics and OpenTelemetry
// tracing set-up.
//
// No label ever carries personal data: labels are route templates, API
// versions, operator names, outcomes and verdict codes.
package telemetry

import (
	"net/http"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// Metrics are the collectors of one kycgate process. Every method is safe
// on a nil *Metrics, which records nothing, so components can run without
// metrics in tests.
type Metrics struct {
	registry *prometheus.Registry

	httpRequests       *prometheus.CounterVec
	httpDuration       *prometheus.HistogramVec
	operatorCalls      *prometheus.CounterVec
	operatorDuration   *prometheus.HistogramVec
	operatorAttempts   *prometheus.HistogramVec
	breakerState       *prometheus.GaugeVec
	fanoutWidth        prometheus.Histogram
	tokenVerifications *prometheus.CounterVec
	jwksRefreshes      *prometheus.CounterVec
	webhookDeliveries  *prometheus.CounterVec
	outboxDepth        prometheus.Gauge
	biometricDuration  *prometheus.HistogramVec
	biometricInFlight  prometheus.Gauge
	nfcVerdicts        *prometheus.CounterVec
}

// latencyBuckets span 0.5 ms to 10 s, fine-grained where a gateway lives.
var latencyBuckets = []float64{.0005, .001, .002, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10}

// NewMetrics creates the collectors on a registry of their own, together
// with the Go runtime and process collectors.
func NewMetrics() *Metrics {
	m := &Metrics{
		registry: prometheus.NewRegistry(),
		httpRequests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "kycgate_http_requests_total", Help: "HTTP requests by route template, method, status and API version.",
		}, []string{"route", "method", "status", "api_version"}),
		httpDuration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "kycgate_http_request_duration_seconds", Help: "HTTP request latency by route template, method and API version.", Buckets: latencyBuckets,
		}, []string{"route", "method", "api_version"}),
		operatorCalls: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "kycgate_operator_calls_total", Help: "Calls to operator adapters by operator and outcome.",
		}, []string{"operator", "outcome"}),
		operatorDuration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "kycgate_operator_call_duration_seconds", Help: "Operator call latency by operator.", Buckets: latencyBuckets,
		}, []string{"operator"}),
		operatorAttempts: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "kycgate_operator_http_attempt_duration_seconds", Help: "HTTP attempts to upstream operators (retries included) by operator and outcome (status class, timeout, canceled, error).", Buckets: latencyBuckets,
		}, []string{"operator", "outcome"}),
		breakerState: prometheus.NewGaugeVec(prometheus.GaugeOpts{
			Name: "kycgate_operator_breaker_state", Help: "Circuit breaker state by operator: 0 closed, 1 half-open, 2 open.",
		}, []string{"operator"}),
		fanoutWidth: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name: "kycgate_operator_fanout_width", Help: "Number of operators asked by one discovery fan-out.", Buckets: []float64{1, 2, 3, 4, 6, 8, 12, 16, 32},
		}),
		tokenVerifications: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "kycgate_token_verifications_total", Help: "Access-token verifications by result (valid, invalid, unavailable).",
		}, []string{"result"}),
		jwksRefreshes: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "kycgate_jwks_refreshes_total", Help: "Fetches of the issuer's key set by result (ok, error).",
		}, []string{"result"}),
		webhookDeliveries: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "kycgate_webhook_deliveries_total", Help: "Webhook delivery attempts by outcome (delivered, retry, failed).",
		}, []string{"outcome"}),
		outboxDepth: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "kycgate_webhook_outbox_depth", Help: "Webhook events waiting for delivery.",
		}),
		biometricDuration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "kycgate_biometric_duration_seconds", Help: "Biometric engine latency by operation.", Buckets: latencyBuckets,
		}, []string{"operation"}),
		biometricInFlight: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "kycgate_biometric_in_flight", Help: "Biometric engine calls running or queued.",
		}),
		nfcVerdicts: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "kycgate_nfc_verdicts_total", Help: "NFC document verdicts by verdict code.",
		}, []string{"verdict"}),
	}
	m.registry.MustRegister(
		collectors.NewGoCollector(),
		collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
		m.httpRequests, m.httpDuration, m.operatorCalls, m.operatorDuration, m.operatorAttempts, m.breakerState,
		m.fanoutWidth, m.tokenVerifications, m.jwksRefreshes, m.webhookDeliveries, m.outboxDepth,
		m.biometricDuration, m.biometricInFlight, m.nfcVerdicts,
	)
	m.declareFixedLabels()
	return m
}

// declareFixedLabels creates, at zero, the series whose label values form
// a fixed set, so that rates and alerts see them before their first event.
func (m *Metrics) declareFixedLabels() {
	for _, result := range []string{"valid", "invalid", "unavailable"} {
		m.tokenVerifications.WithLabelValues(result)
	}
	for _, result := range []string{"ok", "error"} {
		m.jwksRefreshes.WithLabelValues(result)
	}
	for _, outcome := range []string{"delivered", "retry", "failed"} {
		m.webhookDeliveries.WithLabelValues(outcome)
	}
}

// DeclareNFCVerdicts creates the series of every verdict name at zero, so
// that rates and alerts see them before the first NFC result.
func (m *Metrics) DeclareNFCVerdicts(verdicts []string) {
	if m == nil {
		return
	}
	for _, v := range verdicts {
		m.nfcVerdicts.WithLabelValues(v)
	}
}

// Handler serves the metrics in the Prometheus exposition format.
func (m *Metrics) Handler() http.Handler {
	if m == nil {
		return http.NotFoundHandler()
	}
	return promhttp.HandlerFor(m.registry, promhttp.HandlerOpts{})
}

// Registry returns the registry, for tests and extra collectors.
func (m *Metrics) Registry() *prometheus.Registry {
	if m == nil {
		return nil
	}
	return m.registry
}

// ObserveHTTP records one answered request.
func (m *Metrics) ObserveHTTP(route, method, status, apiVersion string, d time.Duration) {
	if m == nil {
		return
	}
	m.httpRequests.WithLabelValues(route, method, status, apiVersion).Inc()
	m.httpDuration.WithLabelValues(route, method, apiVersion).Observe(d.Seconds())
}

// ObserveOperatorCall records one call to an operator adapter.
func (m *Metrics) ObserveOperatorCall(operator, outcome string, d time.Duration) {
	if m == nil {
		return
	}
	m.operatorCalls.WithLabelValues(operator, outcome).Inc()
	m.operatorDuration.WithLabelValues(operator).Observe(d.Seconds())
}

// ObserveOperatorAttempt records one HTTP attempt to an upstream operator;
// the histogram's count is the number of attempts.
func (m *Metrics) ObserveOperatorAttempt(operator, outcome string, d time.Duration) {
	if m == nil {
		return
	}
	m.operatorAttempts.WithLabelValues(operator, outcome).Observe(d.Seconds())
}

// SetBreakerState records an operator's breaker state (0 closed, 1
// half-open, 2 open).
func (m *Metrics) SetBreakerState(operator string, state int) {
	if m == nil {
		return
	}
	m.breakerState.WithLabelValues(operator).Set(float64(state))
}

// ObserveFanout records how many operators one discovery asked.
func (m *Metrics) ObserveFanout(width int) {
	if m == nil {
		return
	}
	m.fanoutWidth.Observe(float64(width))
}

// CountTokenVerification records one token verification result.
func (m *Metrics) CountTokenVerification(result string) {
	if m == nil {
		return
	}
	m.tokenVerifications.WithLabelValues(result).Inc()
}

// CountJWKSRefresh records one key-set fetch.
func (m *Metrics) CountJWKSRefresh(err error) {
	if m == nil {
		return
	}
	result := "ok"
	if err != nil {
		result = "error"
	}
	m.jwksRefreshes.WithLabelValues(result).Inc()
}

// CountWebhookDelivery records one delivery attempt's outcome.
func (m *Metrics) CountWebhookDelivery(outcome string) {
	if m == nil {
		return
	}
	m.webhookDeliveries.WithLabelValues(outcome).Inc()
}

// SetOutboxDepth records the number of events waiting for delivery.
func (m *Metrics) SetOutboxDepth(n int) {
	if m == nil {
		return
	}
	m.outboxDepth.Set(float64(n))
}

// TrackBiometric marks a biometric call as running and returns the function
// that records its end.
func (m *Metrics) TrackBiometric(operation string) (done func()) {
	if m == nil {
		return func() {}
	}
	start := time.Now()
	m.biometricInFlight.Inc()
	return func() {
		m.biometricInFlight.Dec()
		m.biometricDuration.WithLabelValues(operation).Observe(time.Since(start).Seconds())
	}
}

// CountNFCVerdict records one NFC verdict.
func (m *Metrics) CountNFCVerdict(verdict string) {
	if m == nil {
		return
	}
	m.nfcVerdicts.WithLabelValues(verdict).Inc()
}
