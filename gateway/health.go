package gateway

import (
	"context"
	"net/http"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/kycgate/kycgate/camara"
	"github.com/kycgate/kycgate/openapi"
	"github.com/kycgate/kycgate/operators"
)

// registerOperations registers the routes outside the token check: health
// probes (GET and HEAD, which some load balancers probe with), metrics and
// the OpenAPI documents.
func (s *Server) registerOperations() {
	live := func(c *gin.Context) { c.JSON(http.StatusOK, gin.H{"status": "UP"}) }
	s.operational(http.MethodGet, "/health/live", live)
	s.operational(http.MethodHead, "/health/live", live)
	s.operational(http.MethodGet, "/health/ready", s.ready)
	s.operational(http.MethodHead, "/health/ready", s.ready)
	s.operational(http.MethodGet, "/openapi/:name", s.serveDocument)
	if s.metrics != nil {
		s.operational(http.MethodGet, "/metrics", gin.WrapH(s.metrics.Handler()))
	}
}

// operational registers an operational route: outside the APIs, so an
// invalid x-correlator is replaced rather than refused.
func (s *Server) operational(method, path string, h gin.HandlerFunc) {
	s.correlators.operational[path] = true
	s.engine.Handle(method, path, h)
}

// ready reports whether the store answers and the issuer's keys are loaded.
// Each check says UP or DOWN; the reasons stay in the log. The state of
// each operator's circuit breaker is reported under "operators" (omitted
// when no operator has one); an open breaker does not make the gateway
// unready, since the other operators still answer.
func (s *Server) ready(c *gin.Context) {
	ctx, cancel := context.WithTimeout(c.Request.Context(), 2*time.Second)
	defer cancel()
	checks := map[string]string{
		"store":  s.checkState(ctx, "store", s.store.Ping(ctx)),
		"issuer": s.checkState(ctx, "issuer", s.verifier.Ready()),
	}
	status, overall := http.StatusOK, "UP"
	for _, state := range checks {
		if state != "UP" {
			status, overall = http.StatusServiceUnavailable, "DOWN"
		}
	}
	body := gin.H{"status": overall, "checks": checks}
	if breakers := s.breakerStates(); len(breakers) > 0 {
		body["operators"] = breakers
	}
	c.JSON(status, body)
}

// operatorHealth is one operator's entry in the readiness report.
type operatorHealth struct {
	Breaker string `json:"breaker"`
}

// breakerStates returns the breaker state of every operator that has one,
// by operator name.
func (s *Server) breakerStates() map[string]operatorHealth {
	states := map[string]operatorHealth{}
	for _, route := range s.router.Routes() {
		if r, ok := route.Adapter.(operators.BreakerReporter); ok {
			states[route.Name] = operatorHealth{Breaker: r.BreakerState().String()}
		}
	}
	return states
}

func (s *Server) checkState(ctx context.Context, name string, err error) string {
	if err != nil {
		s.logger.WarnContext(ctx, "readiness check failed", "check", name, "error", err)
		return "DOWN"
	}
	return "UP"
}

// serveDocument serves the project's embedded OpenAPI documents at
// GET /openapi/{name}.
func (s *Server) serveDocument(c *gin.Context) {
	raw, err := openapi.Raw(c.Param("name"))
	if err != nil {
		writeError(c, camara.ErrNotFound.WithMessage("no such OpenAPI document"))
		return
	}
	c.Data(http.StatusOK, "application/yaml", raw)
}
