package devissuer_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/oauth2"
	"golang.org/x/oauth2/clientcredentials"

	"github.com/kycgate/kycgate/gateway/auth/devissuer"
)

func TestTokenEndpointWithOAuth2Client(t *testing.T) {
	tests := []struct {
		name      string
		authStyle oauth2.AuthStyle
	}{
		{"client_secret_basic", oauth2.AuthStyleInHeader},
		{"client_secret_post", oauth2.AuthStyleInParams},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			issuer := devissuer.NewTestServer(t, testOptions(devissuer.ES256))
			config := clientcredentials.Config{
				ClientID:     merchantID,
				ClientSecret: merchantSecret,
				TokenURL:     issuer.TokenURL(),
				Scopes:       []string{scopeKYCMatch},
				AuthStyle:    tt.authStyle,
			}

			token, err := config.Token(context.Background())

			require.NoError(t, err)
			assert.Equal(t, "Bearer", token.TokenType)
			assert.Equal(t, scopeKYCMatch, token.Extra("scope"))
			assert.WithinDuration(t, time.Now().Add(10*time.Minute), token.Expiry, 5*time.Second)
			claims := verifyClaims(t, issuer, token.AccessToken)
			assert.Equal(t, merchantID, claims.Subject)
			assert.Equal(t, merchantID, claims.ClientID)
			assert.Equal(t, scopeKYCMatch, claims.Scope)
			assert.NotZero(t, claims.IssuedAt)
			assert.NotZero(t, claims.NotBef)
			assert.NotEmpty(t, claims.JWTID)
		})
	}
}

// postToken sends a raw token request and decodes the JSON answer.
func postToken(t *testing.T, issuer *devissuer.Issuer, form url.Values, basicUser, basicPassword string) (*http.Response, map[string]any) {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, issuer.TokenURL(), strings.NewReader(form.Encode()))
	require.NoError(t, err)
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	if basicUser != "" {
		req.SetBasicAuth(url.QueryEscape(basicUser), url.QueryEscape(basicPassword))
	}
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	var body map[string]any
	require.NoError(t, json.NewDecoder(resp.Body).Decode(&body))
	return resp, body
}

func TestTokenEndpointSuccessShapes(t *testing.T) {
	issuer := devissuer.NewTestServer(t, testOptions(devissuer.ES256))

	tests := []struct {
		name        string
		form        url.Values
		user        string
		password    string
		wantScope   string
		wantSubject string
	}{
		{
			name:        "all allowed scopes by default",
			form:        url.Values{"grant_type": {"client_credentials"}},
			user:        merchantID,
			password:    merchantSecret,
			wantScope:   scopeKYCMatch + " " + scopeBareMatch,
			wantSubject: merchantID,
		},
		{
			name:        "subset of scopes, post auth",
			form:        url.Values{"grant_type": {"client_credentials"}, "scope": {scopeBareMatch}, "client_id": {merchantID}, "client_secret": {merchantSecret}},
			wantScope:   scopeBareMatch,
			wantSubject: merchantID,
		},
		{
			name:        "login_hint makes a three-legged subject",
			form:        url.Values{"grant_type": {"client_credentials"}, "scope": {scopeKYCMatch}, "login_hint": {"tel:" + testPhoneNumber}},
			user:        merchantID,
			password:    merchantSecret,
			wantScope:   scopeKYCMatch,
			wantSubject: "tel:" + testPhoneNumber,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp, body := postToken(t, issuer, tt.form, tt.user, tt.password)

			require.Equal(t, http.StatusOK, resp.StatusCode, "body: %v", body)
			assert.Equal(t, "no-store", resp.Header.Get("Cache-Control"))
			assert.Equal(t, "Bearer", body["token_type"])
			assert.Equal(t, float64(600), body["expires_in"])
			assert.Equal(t, tt.wantScope, body["scope"])
			claims := verifyClaims(t, issuer, body["access_token"].(string))
			assert.Equal(t, tt.wantSubject, claims.Subject)
			assert.Equal(t, tt.wantScope, claims.Scope)
		})
	}
}

func TestTokenEndpointErrors(t *testing.T) {
	issuer := devissuer.NewTestServer(t, testOptions(devissuer.ES256))
	grant := func(extra ...string) url.Values {
		form := url.Values{"grant_type": {"client_credentials"}}
		for i := 0; i+1 < len(extra); i += 2 {
			form.Add(extra[i], extra[i+1])
		}
		return form
	}

	tests := []struct {
		name       string
		form       url.Values
		user       string
		password   string
		wantStatus int
		wantError  string
	}{
		{"bad secret (basic)", grant(), merchantID, "wrong", http.StatusUnauthorized, "invalid_client"},
		{"bad secret (post)", grant("client_id", merchantID, "client_secret", "wrong"), "", "", http.StatusUnauthorized, "invalid_client"},
		{"secret of another client", grant("client_id", merchantID, "client_secret", otherSecret), "", "", http.StatusUnauthorized, "invalid_client"},
		{"unknown client", grant(), "nobody", merchantSecret, http.StatusUnauthorized, "invalid_client"},
		{"no credentials", grant(), "", "", http.StatusUnauthorized, "invalid_client"},
		{"two auth methods", grant("client_id", merchantID, "client_secret", merchantSecret), merchantID, merchantSecret, http.StatusBadRequest, "invalid_request"},
		{"scope not allowed", grant("scope", "other:read"), merchantID, merchantSecret, http.StatusBadRequest, "invalid_scope"},
		{"one of several scopes not allowed", grant("scope", scopeBareMatch+" admin"), merchantID, merchantSecret, http.StatusBadRequest, "invalid_scope"},
		{"unsupported grant", url.Values{"grant_type": {"authorization_code"}, "code": {"x"}}, merchantID, merchantSecret, http.StatusBadRequest, "unsupported_grant_type"},
		{"missing grant", url.Values{}, merchantID, merchantSecret, http.StatusBadRequest, "invalid_request"},
		{"repeated parameter", grant("scope", scopeBareMatch, "scope", scopeKYCMatch), merchantID, merchantSecret, http.StatusBadRequest, "invalid_request"},
		{"login_hint without tel scheme", grant("login_hint", testPhoneNumber), merchantID, merchantSecret, http.StatusBadRequest, "invalid_request"},
		{"login_hint without plus", grant("login_hint", "tel:34600000001"), merchantID, merchantSecret, http.StatusBadRequest, "invalid_request"},
		{"login_hint too short", grant("login_hint", "tel:+3460"), merchantID, merchantSecret, http.StatusBadRequest, "invalid_request"},
		{"login_hint too long", grant("login_hint", "tel:+3460000000000001"), merchantID, merchantSecret, http.StatusBadRequest, "invalid_request"},
		{"login_hint leading zero", grant("login_hint", "tel:+034600000001"), merchantID, merchantSecret, http.StatusBadRequest, "invalid_request"},
		{"login_hint with letters", grant("login_hint", "tel:+34600ABC001"), merchantID, merchantSecret, http.StatusBadRequest, "invalid_request"},
		{"login_hint empty", grant("login_hint", ""), merchantID, merchantSecret, http.StatusBadRequest, "invalid_request"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp, body := postToken(t, issuer, tt.form, tt.user, tt.password)

			assert.Equal(t, tt.wantStatus, resp.StatusCode)
			assert.Equal(t, tt.wantError, body["error"])
			assert.NotContains(t, body, "access_token")
			assert.Equal(t, "no-store", resp.Header.Get("Cache-Control"))
			if tt.wantStatus == http.StatusUnauthorized {
				assert.Contains(t, resp.Header.Get("WWW-Authenticate"), "Basic")
			}
		})
	}
}

func TestTokenEndpointRejectsGet(t *testing.T) {
	issuer := devissuer.NewTestServer(t, testOptions(devissuer.ES256))

	resp, err := http.Get(issuer.TokenURL() + "?grant_type=client_credentials")
	require.NoError(t, err)
	resp.Body.Close()

	assert.Equal(t, http.StatusMethodNotAllowed, resp.StatusCode)
}

func TestTokenEndpointIgnoresQueryCredentials(t *testing.T) {
	issuer := devissuer.NewTestServer(t, testOptions(devissuer.ES256))
	query := url.Values{"client_id": {merchantID}, "client_secret": {merchantSecret}}

	resp, err := http.PostForm(issuer.TokenURL()+"?"+query.Encode(), url.Values{"grant_type": {"client_credentials"}})
	require.NoError(t, err)
	resp.Body.Close()

	assert.Equal(t, http.StatusUnauthorized, resp.StatusCode)
}
