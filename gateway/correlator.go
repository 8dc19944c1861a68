package gateway

import (
	"regexp"

	"github.com/gin-gonic/gin"
	"github.com/google/uuid"
	"github.com/kycgate/kycgate/camara"
)

const (
	correlatorHeader = "x-correlator"
	correlatorKey    = "kycgate.correlator"
)

// correlatorPatterns maps route templates to their API version's
// x-correlator pattern. Routes without an entry use the default pattern.
type correlatorPatterns struct {
	byRoute  map[string]*regexp.Regexp
	fallback *regexp.Regexp
	// operational are the routes outside the APIs (health probes,
	// metrics, documents), on which an invalid x-correlator is replaced
	// rather than refused: a probe must not fail over a header.
	operational map[string]bool
}

func (p *correlatorPatterns) forRoute(route string) *regexp.Regexp {
	if re, ok := p.byRoute[route]; ok {
		return re
	}
	return p.fallback
}

// correlator validates the caller's x-correlator against the route's
// pattern, generates a UUID when it is absent, and echoes it on the
// response. An invalid value is refused with 400 INVALID_ARGUMENT and is
// not echoed; a fresh one is sent instead. On operational routes (health,
// metrics, documents) an invalid value is only replaced.
func (s *Server) correlator(c *gin.Context) {
	value := c.GetHeader(correlatorHeader)
	valid := value == "" || s.correlators.forRoute(c.FullPath()).MatchString(value)
	if value == "" || !valid {
		value = uuid.NewString()
	}
	c.Set(correlatorKey, value)
	c.Header(correlatorHeader, value)
	if !valid && !s.correlators.operational[c.FullPath()] {
		s.writeError(c, camara.ErrInvalidArgument.WithMessage("header x-correlator does not match the required pattern"))
		return
	}
	c.Next()
}

// correlatorOf returns the request's correlator.
func correlatorOf(c *gin.Context) string { return c.GetString(correlatorKey) }
