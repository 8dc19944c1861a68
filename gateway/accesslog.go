package gateway

import (
	"log/slog"
	"strconv"
	"time"

	"github.com/gin-gonic/gin"
	"go.opentelemetry.io/otel/trace"
)

// accessLog writes one JSON line per request and records the request
// metrics. It records the route template, never the raw path or query, and
// no header or body values, so that no personal data reaches the log.
func (s *Server) accessLog(c *gin.Context) {
	start := time.Now()
	c.Next()
	elapsed := time.Since(start)
	route, status := routeOf(c), c.Writer.Status()
	s.metrics.ObserveHTTP(route, c.Request.Method, strconv.Itoa(status), apiVersion(route), elapsed)
	attrs := []slog.Attr{
		slog.String("method", c.Request.Method),
		slog.String("route", route),
		slog.Int("status", status),
		slog.Float64("duration_ms", float64(elapsed.Microseconds())/1000),
		slog.Int("bytes_out", max(c.Writer.Size(), 0)),
		slog.String("x_correlator", correlatorOf(c)),
	}
	if sc := trace.SpanContextFromContext(c.Request.Context()); sc.IsValid() {
		attrs = append(attrs, slog.String("trace_id", sc.TraceID().String()))
	}
	if code := c.GetString(errorCodeKey); code != "" {
		attrs = append(attrs, slog.String("code", code))
	}
	if p := principalOf(c); p != nil && p.ClientID != "" {
		attrs = append(attrs, slog.String("client_id", p.ClientID))
	}
	s.accessLogger.LogAttrs(c.Request.Context(), slog.LevelInfo, "request", attrs...)
}
