package gateway

import (
	"fmt"
	"net/url"
	"regexp"
	"slices"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/kycgate/kycgate/camara"
	"github.com/kycgate/kycgate/gateway/auth"
	"github.com/kycgate/kycgate/openapi"
)

// Module is a backend fronted by the gateway (verifications, NFC sessions,
// profiles). It describes its routes; the gateway puts each behind the
// shared chain.
type Module interface {
	// Routes lists the module's routes. It is called once, by New.
	Routes() ([]Route, error)
}

// BodyKind says how the gateway reads a route's request body before the
// handler runs.
type BodyKind int

const (
	// BodyNone routes take no body (GET, DELETE).
	BodyNone BodyKind = iota
	// BodyJSON routes take a JSON body, read whole and capped, available
	// through Body.
	BodyJSON
	// BodyMultipart routes take multipart/form-data; the body is capped at
	// MaxBodyBytes and left for the handler to stream.
	BodyMultipart
	// BodyRaw routes take any body, capped, left for the handler.
	BodyRaw
)

// ErrorWriter writes a client-visible error in an API's own format.
type ErrorWriter func(c *gin.Context, e *camara.Error)

// Route is one API route of a module.
type Route struct {
	// Method and Path as in gin, e.g. "GET", "/v2/verifications/:verificationId".
	Method string
	Path   string
	// Document is the project's OpenAPI document describing the route; the
	// request is validated against it. Nil skips OpenAPI validation and
	// must be justified by the module (e.g. a sealed binary upload).
	Document *openapi.Document
	// Scope is the token scope the route needs. Empty means the route does
	// its own authentication (e.g. an API key or an upload token) and no
	// bearer token is checked.
	Scope string
	// Body is how the request body is read.
	Body BodyKind
	// MaxBodyBytes caps the body; 0 means the server's max_body_bytes.
	MaxBodyBytes int64
	// CorrelatorPattern validates x-correlator; empty means the default.
	CorrelatorPattern string
	// Errors writes errors in the API's format; nil means the CAMARA shape.
	Errors ErrorWriter
	// Handler answers the request.
	Handler HandlerFunc
}

// Register puts r behind the gateway chain: correlator pattern, bearer
// token and scope (when Scope is set), body reading, OpenAPI validation,
// then the handler. Errors of every stage are written by r.Errors.
func (s *Server) Register(r Route) error {
	if r.Handler == nil || r.Method == "" || r.Path == "" {
		return fmt.Errorf("gateway: route %s %s is incomplete", r.Method, r.Path)
	}
	if r.CorrelatorPattern != "" {
		re, err := regexp.Compile(r.CorrelatorPattern)
		if err != nil {
			return fmt.Errorf("gateway: route %s %s: correlator pattern: %w", r.Method, r.Path, err)
		}
		s.correlators.byRoute[r.Path] = re
	}
	if r.Errors != nil {
		s.errorWriters[r.Path] = r.Errors
	}
	if base := apiBase(r.Path); base != "" {
		if _, seen := s.apiErrorWriters[base]; !seen {
			s.apiErrorWriters[base] = r.Errors
		}
	}
	var chain []HandlerFunc
	if r.Scope != "" {
		chain = append(chain, s.authenticate, requireScope(r.Scope))
	}
	chain = append(chain, checkQuery)
	switch r.Body {
	case BodyJSON:
		chain = append(chain, s.readJSONBody(r.MaxBodyBytes))
	case BodyMultipart:
		chain = append(chain, s.capBody(r.MaxBodyBytes, "multipart/form-data"))
	case BodyRaw:
		chain = append(chain, s.capBody(r.MaxBodyBytes, ""))
	}
	if r.Document != nil {
		op, err := r.Document.Operation(r.Method, r.Path)
		if err != nil {
			return fmt.Errorf("gateway: route %s %s: %w", r.Method, r.Path, err)
		}
		chain = append(chain, validateRequest(op))
	}
	chain = append(chain, r.Handler)
	handlers := make([]gin.HandlerFunc, len(chain))
	for i, h := range chain {
		handlers[i] = s.handle(h)
	}
	s.engine.Handle(r.Method, r.Path, handlers...)
	return nil
}

// checkQuery refuses a query string that does not parse (a bad %-escape,
// a ';' separator), which handlers would otherwise see as absent pairs,
// that holds a NUL character, which no parameter contains and PostgreSQL
// cannot compare with text, or that gives a parameter twice, of which
// handlers would read only one.
func checkQuery(c *gin.Context) error {
	if c.Request.URL.RawQuery == "" {
		return nil
	}
	values, err := url.ParseQuery(c.Request.URL.RawQuery)
	if err != nil {
		return camara.ErrInvalidArgument.WithMessage("the query string is malformed")
	}
	for name, list := range values {
		if strings.IndexByte(name, 0) >= 0 || slices.ContainsFunc(list, func(v string) bool { return strings.IndexByte(v, 0) >= 0 }) {
			return camara.ErrInvalidArgument.WithMessage("the query string must not contain the NUL character")
		}
		if len(list) > 1 {
			// Handlers read one value: a second one would be ignored.
			return camara.ErrInvalidArgument.WithMessage("query parameter %q is given more than once", name)
		}
	}
	return nil
}

// Principal returns the verified token's principal of the request, or nil
// on routes without a scope.
func Principal(c *gin.Context) *auth.Principal { return principalOf(c) }

// Body returns the JSON body read for a BodyJSON route.
func Body(c *gin.Context) []byte { return bodyOf(c) }

// Correlator returns the request's x-correlator.
func Correlator(c *gin.Context) string { return correlatorOf(c) }
