package auth

import (
	"strings"
	"time"
)

// dpvPrefix starts a Data Privacy Vocabulary purpose, as in the CAMARA scope
// "dpv:FraudPreventionAndDetection#kyc-match:match".
const dpvPrefix = "dpv:"

// Principal is the verified identity behind an access token.
type Principal struct {
	// Subject is the token's subject claim: "tel:+<E.164>" for three-legged
	// tokens, usually the client id for two-legged ones.
	Subject string
	// ClientID identifies the merchant or aggregator application.
	ClientID string
	// Scopes are the granted scopes, as written in the token.
	Scopes []string
	// Purposes are the "dpv:<Purpose>" values found in the scopes, both
	// standalone and as the prefix of "dpv:<Purpose>#<scope>".
	Purposes []string
	// PhoneNumber is the "+<E.164>" number the token is bound to; empty for a
	// two-legged token.
	PhoneNumber string
	// Expiry is the token's exp claim.
	Expiry time.Time
}

// HasScope reports whether the token grants scope, either bare
// ("kyc-match:match") or qualified by any purpose
// ("dpv:<Purpose>#kyc-match:match").
func (p *Principal) HasScope(scope string) bool {
	if p == nil || scope == "" {
		return false
	}
	for _, granted := range p.Scopes {
		if granted == scope {
			return true
		}
		if _, bare, ok := splitPurposeScope(granted); ok && bare == scope {
			return true
		}
	}
	return false
}

// ThreeLegged reports whether the token is bound to a phone number.
func (p *Principal) ThreeLegged() bool {
	return p != nil && p.PhoneNumber != ""
}

// splitPurposeScope splits "dpv:<Purpose>#<scope>" into "dpv:<Purpose>" and
// "<scope>". ok is false for any other shape.
func splitPurposeScope(s string) (purpose, scope string, ok bool) {
	if !strings.HasPrefix(s, dpvPrefix) {
		return "", "", false
	}
	purpose, scope, ok = strings.Cut(s, "#")
	if !ok || purpose == dpvPrefix || scope == "" {
		return "", "", false
	}
	return purpose, scope, true
}

// purposesOf extracts the distinct "dpv:<Purpose>" values from scopes.
func purposesOf(scopes []string) []string {
	var purposes []string
	for _, s := range scopes {
		if purpose, _, ok := splitPurposeScope(s); ok {
			purposes = append(purposes, purpose)
			continue
		}
		if strings.HasPrefix(s, dpvPrefix) && len(s) > len(dpvPrefix) && !strings.Contains(s, "#") {
			purposes = append(purposes, s)
		}
	}
	return uniqueNonEmpty(purposes)
}
