package gateway

import (
	"fmt"

	"github.com/gin-gonic/gin"
	"github.com/kycgate/kycgate/camara"
	"github.com/kycgate/kycgate/gateway/auth"
	"github.com/kycgate/kycgate/kycmatch"
	"github.com/kycgate/kycgate/openapi"
	"github.com/kycgate/kycgate/operators"
)

// KYCMatchScope is the scope a KYC Match call needs, bare or in its
// dpv:<Purpose>#kyc-match:match form.
const KYCMatchScope = "kyc-match:match"

// kycMatchDocument names the project's OpenAPI document of a version.
func kycMatchDocument(v kycmatch.Version) string {
	return "kyc-match-" + v.PathSegment() + ".yaml"
}

// registerKYCMatch registers POST /kyc-match/<version>/match for every
// served version. One dispatcher, configured by the discovery section,
// sends every version's calls to the operators.
func (s *Server) registerKYCMatch() error {
	dispatcher, err := operators.NewDispatcher(s.router, operators.DiscoveryOptionsOf(s.cfg.Discovery), s.logger)
	if err != nil {
		return fmt.Errorf("gateway: %w", err)
	}
	for _, v := range kycmatch.Versions {
		doc, err := openapi.NewDocument(kycMatchDocument(v))
		if err != nil {
			return err
		}
		path := "/kyc-match/" + v.PathSegment() + "/match"
		if err := s.api(doc, v, "POST", path, KYCMatchScope, s.kycMatch(v, dispatcher)); err != nil {
			return err
		}
	}
	return nil
}

// kycMatch answers a KYC Match call of version v through the dispatcher.
func (s *Server) kycMatch(v kycmatch.Version, dispatcher *operators.Dispatcher) HandlerFunc {
	return func(c *gin.Context) error {
		phone, req, cerr := kycmatch.DecodeRequest(v, bodyOf(c))
		if cerr != nil {
			return cerr
		}
		if cerr := kycmatch.ValidateRequest(v, req); cerr != nil {
			return cerr
		}
		subject, err := resolveSubject(principalOf(c), phone)
		if err != nil {
			return err
		}
		req.PhoneNumber = subject
		resp, err := dispatcher.Match(c.Request.Context(), operators.Call{
			Version:    v,
			Request:    req,
			Correlator: correlatorOf(c),
		})
		if err != nil {
			return err
		}
		c.Header("Cache-Control", "no-store")
		c.Data(200, "application/json", kycmatch.AppendResponseJSON(make([]byte, 0, 512), v, resp))
		return nil
	}
}

// resolveSubject applies the CAMARA rules for identifying the subscriber:
// a 3-legged token identifies it and a body phoneNumber must then be the
// same; a 2-legged token needs the body phoneNumber.
func resolveSubject(p *auth.Principal, bodyPhone string) (string, error) {
	if p.ThreeLegged() {
		if bodyPhone != "" && bodyPhone != p.PhoneNumber {
			return "", camara.ErrInvalidTokenContext
		}
		return p.PhoneNumber, nil
	}
	if bodyPhone == "" {
		return "", camara.ErrMissingIdentifier
	}
	return bodyPhone, nil
}
