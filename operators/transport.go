package operators

import (
	"log/slog"
	"net/http"
	"time"
)

// RoundTripperDecorator wraps the HTTP transport through which an adapter
// reaches its operator, to add metrics, tracing or logging around every
// HTTP exchange (each attempt, including retries). operator is the
// configured operator name.
type RoundTripperDecorator func(operator string, next http.RoundTripper) http.RoundTripper

// DecorateTransport wraps base in decorators so that decorators[0] is the
// outermost: it sees each request first and each response last.
func DecorateTransport(operator string, base http.RoundTripper, decorators []RoundTripperDecorator) http.RoundTripper {
	rt := base
	for i := len(decorators) - 1; i >= 0; i-- {
		rt = decorators[i](operator, rt)
	}
	return rt
}

// LogExchanges is a RoundTripperDecorator that writes one debug line per
// HTTP exchange with an operator: operator, method, host, path, status,
// duration and the x-correlator sent. Bodies, queries and headers other than
// x-correlator are never logged, so no personal data reaches the log.
func LogExchanges(logger *slog.Logger) RoundTripperDecorator {
	return func(operator string, next http.RoundTripper) http.RoundTripper {
		return &exchangeLogger{operator: operator, next: next, logger: logger}
	}
}

// exchangeLogger is the RoundTripper of LogExchanges.
type exchangeLogger struct {
	operator string
	next     http.RoundTripper
	logger   *slog.Logger
}

// RoundTrip forwards the request and logs its outcome.
func (l *exchangeLogger) RoundTrip(req *http.Request) (*http.Response, error) {
	start := time.Now()
	res, err := l.next.RoundTrip(req)
	attrs := []slog.Attr{
		slog.String("operator", l.operator),
		slog.String("method", req.Method),
		slog.String("host", req.URL.Host),
		slog.String("path", req.URL.Path),
		slog.Float64("duration_ms", float64(time.Since(start).Microseconds())/1000),
		slog.String("x_correlator", req.Header.Get("x-correlator")),
	}
	if err != nil {
		attrs = append(attrs, slog.String("error", "transport error"))
	} else {
		attrs = append(attrs, slog.Int("status", res.StatusCode))
	}
	l.logger.LogAttrs(req.Context(), slog.LevelDebug, "operator exchange", attrs...)
	return res, err
}
