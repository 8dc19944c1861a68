package gateway

import (
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"
	"github.com/kycgate/kycgate/telemetry"
	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/propagation"
	"go.opentelemetry.io/otel/trace"
)

// trace starts the server span of the request, continuing the caller's W3C
// traceparent, and records the route and status on it. The span's context
// becomes the request's context, so operator and engine calls nest under it.
func (s *Server) trace(c *gin.Context) {
	route := routeOf(c)
	ctx := otel.GetTextMapPropagator().Extract(c.Request.Context(), propagation.HeaderCarrier(c.Request.Header))
	ctx, span := telemetry.Tracer().Start(ctx, c.Request.Method+" "+route,
		trace.WithSpanKind(trace.SpanKindServer),
		trace.WithAttributes(
			attribute.String("http.request.method", c.Request.Method),
			attribute.String("http.route", route),
		))
	defer span.End()
	c.Request = c.Request.WithContext(ctx)
	c.Next()
	status := c.Writer.Status()
	span.SetAttributes(attribute.Int("http.response.status_code", status))
	if code := c.GetString(errorCodeKey); code != "" {
		span.SetAttributes(attribute.String("kycgate.error_code", code))
	}
	if status >= 500 {
		span.SetStatus(codes.Error, strconv.Itoa(status))
	}
}

// apiVersion returns the version segment of a route template ("v0.4",
// "v2"), or "" for routes without one.
func apiVersion(route string) string {
	for _, seg := range strings.Split(route, "/") {
		if len(seg) > 1 && seg[0] == 'v' && seg[1] >= '0' && seg[1] <= '9' {
			return seg
		}
	}
	return ""
}
