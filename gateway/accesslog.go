package gateway

import (
	"log/slog"
	"time"

	"github.com/gin-gonic/gin"
)

// accessLog writes one JSON line per request. It records the route
// template, never the raw path or query, and no header or body values, so
// that no personal data reaches the log.
func (s *Server) accessLog(c *gin.Context) {
	start := time.Now()
	c.Next()
	attrs := []slog.Attr{
		slog.String("method", c.Request.Method),
		slog.String("route", routeOf(c)),
		slog.Int("status", c.Writer.Status()),
		slog.Float64("duration_ms", float64(time.Since(start).Microseconds())/1000),
		slog.Int("bytes_out", max(c.Writer.Size(), 0)),
		slog.String("x_correlator", correlatorOf(c)),
	}
	if code := c.GetString(errorCodeKey); code != "" {
		attrs = append(attrs, slog.String("code", code))
	}
	if p := principalOf(c); p != nil && p.ClientID != "" {
		attrs = append(attrs, slog.String("client_id", p.ClientID))
	}
	s.accessLogger.LogAttrs(c.Request.Context(), slog.LevelInfo, "request", attrs...)
}
