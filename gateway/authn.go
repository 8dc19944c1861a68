package gateway

import (
	"context"

	"github.com/gin-gonic/gin"
	"github.com/kycgate/kycgate/camara"
	"github.com/kycgate/kycgate/gateway/auth"
)

const principalKey = "kycgate.principal"

// TokenVerifier verifies bearer access tokens. *auth.Verifier implements it.
type TokenVerifier interface {
	// Verify returns the token's principal or a *camara.Error.
	Verify(ctx context.Context, rawToken string) (*auth.Principal, error)
	// Ready reports whether the issuer's keys are loaded.
	Ready() error
}

// authenticate verifies the bearer token and stores its principal.
func (s *Server) authenticate(c *gin.Context) error {
	raw, err := auth.BearerToken(c.Request.Header)
	if err != nil {
		c.Header("WWW-Authenticate", `Bearer realm="kycgate"`)
		return camara.ErrUnauthenticated.WithCause(err)
	}
	p, err := s.verifier.Verify(c.Request.Context(), raw)
	if err != nil {
		if camara.From(err).Status >= 500 {
			s.metrics.CountTokenVerification("unavailable")
			return err
		}
		s.metrics.CountTokenVerification("invalid")
		c.Header("WWW-Authenticate", `Bearer realm="kycgate", error="invalid_token"`)
		return err
	}
	s.metrics.CountTokenVerification("valid")
	c.Set(principalKey, p)
	return nil
}

// requireScope refuses a principal that lacks scope with 403
// PERMISSION_DENIED. The scope may be bare or in its dpv:<Purpose>#scope form.
func requireScope(scope string) HandlerFunc {
	return func(c *gin.Context) error {
		if !principalOf(c).HasScope(scope) {
			c.Header("WWW-Authenticate", `Bearer realm="kycgate", error="insufficient_scope", scope="`+scope+`"`)
			return camara.ErrPermissionDenied
		}
		return nil
	}
}

// principalOf returns the authenticated principal, or nil before
// authentication.
func principalOf(c *gin.Context) *auth.Principal {
	v, ok := c.Get(principalKey)
	if !ok {
		return nil
	}
	p, _ := v.(*auth.Principal)
	return p
}
