package gateway

import (
	"context"
	"errors"
	"log/slog"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/kycgate/kycgate/camara"
)

// errorCodeKey holds the CAMARA code of an error response for the access log.
const errorCodeKey = "kycgate.errorCode"

// statusClientClosedRequest (nginx's 499) and clientClosedCode record, in
// the access log and the metrics, a request its client gave up before the
// answer.
const (
	statusClientClosedRequest = 499
	clientClosedCode          = "CLIENT_CLOSED_REQUEST"
)

// HandlerFunc is a gin handler that returns its error instead of writing it.
// The error is turned into a CAMARA error body by handle.
type HandlerFunc func(c *gin.Context) error

// handle adapts a HandlerFunc to gin: a returned error aborts the chain with
// the CAMARA error body.
func (s *Server) handle(h HandlerFunc) gin.HandlerFunc {
	return func(c *gin.Context) {
		if err := h(c); err != nil {
			s.abort(c, err)
		}
	}
}

// abort writes err in the CAMARA error shape and stops the handler chain.
// Errors that are not CAMARA errors become 500 INTERNAL; their cause is
// logged, never sent.
//
// A request whose client went away (its context canceled, and the error
// says so) is no failure of the gateway: it is logged at info level and
// recorded with nginx's status 499, and nothing is sent.
func (s *Server) abort(c *gin.Context, err error) {
	if c.Request.Context().Err() != nil && errors.Is(err, context.Canceled) {
		s.logger.LogAttrs(c.Request.Context(), slog.LevelInfo, "client closed the request",
			slog.String("route", routeOf(c)), slog.String("x_correlator", correlatorOf(c)))
		c.Set(errorCodeKey, clientClosedCode)
		c.AbortWithStatus(statusClientClosedRequest)
		return
	}
	e := camara.From(err)
	if e.Status >= 500 {
		attrs := []slog.Attr{
			slog.String("route", routeOf(c)),
			slog.String("code", e.Code),
			slog.String("x_correlator", correlatorOf(c)),
		}
		if cause := e.Unwrap(); cause != nil {
			attrs = append(attrs, slog.Any("cause", cause))
		}
		s.logger.LogAttrs(c.Request.Context(), failureLevel(e), "request failed", attrs...)
	}
	s.writeError(c, e)
}

// failureLevel is the log level of a server-side failure: an error for a
// fault of the gateway itself (500), a warning for a dependency that is
// unavailable or slow (503, 504: an operator, the issuer's keys), which
// the client is told to retry.
func failureLevel(e *camara.Error) slog.Level {
	if e.Status == 503 || e.Status == 504 {
		return slog.LevelWarn
	}
	return slog.LevelError
}

// writeError writes e in the route's error format (the CAMARA shape unless
// the route registered its own) and aborts the chain.
func (s *Server) writeError(c *gin.Context, e *camara.Error) {
	writeErrorWith(c, s.errorWriters[c.FullPath()], e)
}

// writeUnmatchedError writes e, for a request that matched no route (404)
// or none of the path's methods (405), in the format of the API its path
// belongs to (see apiBase): a client of the NFC or profiles API gets that
// API's error shape for a mistyped path or method too. Other paths get the
// CAMARA shape.
func (s *Server) writeUnmatchedError(c *gin.Context, e *camara.Error) {
	writeErrorWith(c, s.apiErrorWriters[apiBase(c.Request.URL.Path)], e)
}

// writeErrorWith writes e with w, or in the CAMARA shape when w is nil, and
// aborts the chain.
func writeErrorWith(c *gin.Context, w ErrorWriter, e *camara.Error) {
	if w == nil {
		writeError(c, e)
		return
	}
	c.Set(errorCodeKey, e.Code)
	w(c, e)
	c.Abort()
}

// apiBase returns the part of a path that names its API: its first two
// segments ("/nfc/v1" of "/nfc/v1/session_init"), or "" when the path has
// fewer or a route parameter comes first.
func apiBase(path string) string {
	segments := strings.SplitN(strings.TrimPrefix(path, "/"), "/", 3)
	if len(segments) < 2 {
		return ""
	}
	for _, seg := range segments[:2] {
		if seg == "" || seg[0] == ':' || seg[0] == '*' {
			return ""
		}
	}
	return "/" + segments[0] + "/" + segments[1]
}

// writeError writes a CAMARA error body and aborts the chain.
func writeError(c *gin.Context, e *camara.Error) {
	c.Set(errorCodeKey, e.Code)
	if e.RetryAfter > 0 {
		c.Header("Retry-After", strconv.Itoa(e.RetryAfter))
	}
	c.Header("Cache-Control", "no-store")
	c.AbortWithStatusJSON(e.Status, e)
}

// routeOf returns the route template of the request, or "unmatched".
func routeOf(c *gin.Context) string {
	if r := c.FullPath(); r != "" {
		return r
	}
	return "unmatched"
}
