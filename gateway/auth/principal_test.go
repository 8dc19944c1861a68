package auth_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kycgate/kycgate/gateway/auth"
	"github.com/kycgate/kycgate/gateway/auth/devissuer"
)

func TestScopeAndPurposeParsing(t *testing.T) {
	issuer := newIssuer(t, devissuer.ES256)
	v := startVerifier(t, issuer)

	tests := []struct {
		name         string
		claims       devissuer.Claims
		wantScopes   []string
		wantPurposes []string
		wantMatch    bool
	}{
		{
			name:         "dpv form",
			claims:       devissuer.Claims{Scope: scopeKYCMatch},
			wantScopes:   []string{scopeKYCMatch},
			wantPurposes: []string{"dpv:FraudPreventionAndDetection"},
			wantMatch:    true,
		},
		{
			name:       "bare scope",
			claims:     devissuer.Claims{Scope: "kyc-match:match"},
			wantScopes: []string{"kyc-match:match"},
			wantMatch:  true,
		},
		{
			name:         "standalone purpose plus bare scope, extra spaces",
			claims:       devissuer.Claims{Scope: "  dpv:FraudPreventionAndDetection   kyc-match:match openid "},
			wantScopes:   []string{"dpv:FraudPreventionAndDetection", "kyc-match:match", "openid"},
			wantPurposes: []string{"dpv:FraudPreventionAndDetection"},
			wantMatch:    true,
		},
		{
			name:         "scp array",
			claims:       devissuer.Claims{Extra: map[string]any{"scp": []string{scopeKYCMatch, "other:read"}}},
			wantScopes:   []string{scopeKYCMatch, "other:read"},
			wantPurposes: []string{"dpv:FraudPreventionAndDetection"},
			wantMatch:    true,
		},
		{
			name:       "scp as a space-separated string",
			claims:     devissuer.Claims{Extra: map[string]any{"scp": "kyc-match:match other:read"}},
			wantScopes: []string{"kyc-match:match", "other:read"},
			wantMatch:  true,
		},
		{
			name:         "scope and scp merged without duplicates",
			claims:       devissuer.Claims{Scope: "kyc-match:match", Extra: map[string]any{"scp": []string{"kyc-match:match", "dpv:IdentityVerification#kyc-match:match"}}},
			wantScopes:   []string{"kyc-match:match", "dpv:IdentityVerification#kyc-match:match"},
			wantPurposes: []string{"dpv:IdentityVerification"},
			wantMatch:    true,
		},
		{
			name:         "two purposes",
			claims:       devissuer.Claims{Scope: "dpv:A#x:read dpv:B#kyc-match:match dpv:A#y:read"},
			wantScopes:   []string{"dpv:A#x:read", "dpv:B#kyc-match:match", "dpv:A#y:read"},
			wantPurposes: []string{"dpv:A", "dpv:B"},
			wantMatch:    true,
		},
		{
			name:         "similar but different scope",
			claims:       devissuer.Claims{Scope: "kyc-match:match-extended dpv:X#kyc-match:matchx"},
			wantScopes:   []string{"kyc-match:match-extended", "dpv:X#kyc-match:matchx"},
			wantPurposes: []string{"dpv:X"},
		},
		{
			name:       "purpose without name is not a purpose",
			claims:     devissuer.Claims{Scope: "dpv:#kyc-match:match"},
			wantScopes: []string{"dpv:#kyc-match:match"},
		},
		{
			name:       "no scope at all",
			claims:     devissuer.Claims{},
			wantScopes: []string{},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := v.Verify(context.Background(), mint(t, issuer, tt.claims))

			require.NoError(t, err)
			assert.Equal(t, tt.wantScopes, p.Scopes)
			if len(tt.wantPurposes) == 0 {
				assert.Empty(t, p.Purposes)
			} else {
				assert.Equal(t, tt.wantPurposes, p.Purposes)
			}
			assert.Equal(t, tt.wantMatch, p.HasScope("kyc-match:match"))
		})
	}
}

func TestScopeClaimOfWrongTypeIsRefused(t *testing.T) {
	issuer := newIssuer(t, devissuer.ES256)
	v := startVerifier(t, issuer)

	for _, value := range []any{42, []any{"a", 1}, map[string]any{"a": "b"}} {
		raw := mint(t, issuer, devissuer.Claims{Extra: map[string]any{"scope": value}})
		_, err := v.Verify(context.Background(), raw)
		requireUnauthenticated(t, err, raw)
	}
}

func TestHasScope(t *testing.T) {
	p := &auth.Principal{Scopes: []string{"dpv:FraudPreventionAndDetection#kyc-match:match", "number-verification:verify"}}

	tests := []struct {
		scope string
		want  bool
	}{
		{"kyc-match:match", true},
		{"dpv:FraudPreventionAndDetection#kyc-match:match", true},
		{"number-verification:verify", true},
		{"kyc-match", false},
		{"match", false},
		{"dpv:FraudPreventionAndDetection", false},
		{"", false},
	}
	for _, tt := range tests {
		t.Run(tt.scope, func(t *testing.T) {
			assert.Equal(t, tt.want, p.HasScope(tt.scope))
		})
	}
	var nilPrincipal *auth.Principal
	assert.False(t, nilPrincipal.HasScope("kyc-match:match"))
	assert.False(t, nilPrincipal.ThreeLegged())
}

func TestThreeLeggedDetection(t *testing.T) {
	issuer := newIssuer(t, devissuer.ES256)
	v := startVerifier(t, issuer)
	custom := startVerifier(t, issuer, func(c *auth.Config) {
		c.SubjectClaim = "subscriber"
		c.PhoneClaim = "msisdn"
	})

	tests := []struct {
		name      string
		verifier  *auth.Verifier
		claims    devissuer.Claims
		wantPhone string
		wantOK    bool
	}{
		{"tel subject", v, devissuer.Claims{Subject: "tel:" + testPhoneNumber}, testPhoneNumber, true},
		{"tel scheme in capitals", v, devissuer.Claims{Subject: "TEL:" + testPhoneNumber}, testPhoneNumber, true},
		{"phone_number claim", v, devissuer.Claims{Extra: map[string]any{"phone_number": testPhoneNumber}}, testPhoneNumber, true},
		{"phone_number claim as tel URI", v, devissuer.Claims{Extra: map[string]any{"phone_number": "tel:" + testPhoneNumber}}, testPhoneNumber, true},
		{"subject and claim agree", v, devissuer.Claims{Subject: "tel:" + testPhoneNumber, Extra: map[string]any{"phone_number": testPhoneNumber}}, testPhoneNumber, true},
		{"two-legged", v, devissuer.Claims{}, "", true},
		{"empty phone claim is absent", v, devissuer.Claims{Extra: map[string]any{"phone_number": ""}}, "", true},
		{"null phone claim is absent", v, devissuer.Claims{Extra: map[string]any{"phone_number": nil}}, "", true},
		{"opaque subject is two-legged", v, devissuer.Claims{Subject: "user-12345"}, "", true},
		{"custom subject claim", custom, devissuer.Claims{Extra: map[string]any{"subscriber": "tel:" + testPhoneNumber}}, testPhoneNumber, true},
		{"custom phone claim", custom, devissuer.Claims{Extra: map[string]any{"msisdn": testPhoneNumber}}, testPhoneNumber, true},
		{"default claims ignored by custom config", custom, devissuer.Claims{Subject: "tel:" + testPhoneNumber}, "", true},
		{"tel subject without plus", v, devissuer.Claims{Subject: "tel:34600000001"}, "", false},
		{"tel subject too short", v, devissuer.Claims{Subject: "tel:+3460"}, "", false},
		{"tel subject too long", v, devissuer.Claims{Subject: "tel:+3460000000000001"}, "", false},
		{"tel subject with leading zero", v, devissuer.Claims{Subject: "tel:+034600000001"}, "", false},
		{"tel subject with separators", v, devissuer.Claims{Subject: "tel:+34-600-000-001"}, "", false},
		{"empty tel subject", v, devissuer.Claims{Subject: "tel:"}, "", false},
		{"invalid phone claim", v, devissuer.Claims{Extra: map[string]any{"phone_number": "600000001"}}, "", false},
		{"phone claim of wrong type", v, devissuer.Claims{Extra: map[string]any{"phone_number": 34600000001}}, "", false},
		{"subject and claim disagree", v, devissuer.Claims{Subject: "tel:" + testPhoneNumber, Extra: map[string]any{"phone_number": "+34600000002"}}, "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			raw := mint(t, issuer, tt.claims)

			p, err := tt.verifier.Verify(context.Background(), raw)

			if !tt.wantOK {
				requireUnauthenticated(t, err, raw, "34600", "600000001")
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tt.wantPhone, p.PhoneNumber)
			assert.Equal(t, tt.wantPhone != "", p.ThreeLegged())
		})
	}
}
