package auth

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	jose "github.com/go-jose/go-jose/v4"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// jwkJSON marshals a JWK for a JWKS fixture.
func jwkJSON(t *testing.T, key jose.JSONWebKey) string {
	t.Helper()
	raw, err := json.Marshal(key)
	require.NoError(t, err)
	return string(raw)
}

func TestParseJWKSKeepsPublicSigningKeysOnly(t *testing.T) {
	private, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	require.NoError(t, err)
	other, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	require.NoError(t, err)
	doc := `{"keys":[` + strings.Join([]string{
		jwkJSON(t, jose.JSONWebKey{Key: private, KeyID: "leaked-private", Algorithm: "ES256", Use: "sig"}),
		jwkJSON(t, jose.JSONWebKey{Key: other.Public(), KeyID: "encryption", Use: "enc"}),
		`{"kty":"oct","kid":"hmac","k":"c2VjcmV0c2VjcmV0c2VjcmV0c2VjcmV0"}`,
		`{"kty":"OKP","crv":"X448","kid":"unknown-curve","x":"AAAA"}`,
		`{"kty":"PQC","kid":"future"}`,
	}, ",") + `]}`

	keys, err := parseJWKS([]byte(doc))

	require.NoError(t, err)
	require.Len(t, keys, 1)
	assert.Equal(t, "leaked-private", keys[0].KeyID)
	assert.True(t, keys[0].IsPublic(), "private material is dropped")
}

func TestParseJWKSRejectsUselessDocuments(t *testing.T) {
	for _, doc := range []string{`not json`, `{"keys":[]}`, `{}`, `{"keys":[{"kty":"oct","k":"AAAA"}]}`} {
		t.Run(doc, func(t *testing.T) {
			_, err := parseJWKS([]byte(doc))
			assert.Error(t, err)
		})
	}
}

func TestFetchJWKSFailures(t *testing.T) {
	tests := []struct {
		name    string
		handler http.HandlerFunc
		wantErr string
	}{
		{"http error", func(w http.ResponseWriter, _ *http.Request) { http.Error(w, "no", http.StatusNotFound) }, "HTTP 404"},
		{"oversized", func(w http.ResponseWriter, _ *http.Request) {
			_, _ = w.Write([]byte(`{"keys":[` + strings.Repeat(" ", maxJWKSBytes) + `]}`))
		}, "larger than"},
		{"not a key set", func(w http.ResponseWriter, _ *http.Request) { _, _ = w.Write([]byte(`<html>`)) }, "not a JWK Set"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			server := httptest.NewServer(tt.handler)
			defer server.Close()

			_, err := fetchJWKS(context.Background(), server.Client(), server.URL)

			assert.ErrorContains(t, err, tt.wantErr)
		})
	}
}

func TestCacheMaxAge(t *testing.T) {
	tests := []struct {
		header string
		want   time.Duration
	}{
		{"", 0},
		{"max-age=300", 300 * time.Second},
		{"public, max-age=60, must-revalidate", time.Minute},
		{`Max-Age="120"`, 2 * time.Minute},
		{"max-age=300, no-store", 0},
		{"no-cache, max-age=300", 0},
		{"max-age=abc", 0},
		{"max-age=-5", 0},
	}
	for _, tt := range tests {
		t.Run(tt.header, func(t *testing.T) {
			h := http.Header{}
			h.Set("Cache-Control", tt.header)
			assert.Equal(t, tt.want, cacheMaxAge(h))
		})
	}
}

func TestPeriodicInterval(t *testing.T) {
	assert.Equal(t, defaultPeriodicRefresh, periodicInterval(0))
	assert.Equal(t, minPeriodicRefresh, periodicInterval(time.Second))
	assert.Equal(t, 5*time.Minute, periodicInterval(5*time.Minute))
	assert.Equal(t, maxPeriodicRefresh, periodicInterval(30*24*time.Hour))
}

func TestBackoffAndJitter(t *testing.T) {
	b := backoff{initial: 250 * time.Millisecond, max: time.Second}
	assert.Equal(t, 500*time.Millisecond, b.next(250*time.Millisecond))
	assert.Equal(t, time.Second, b.next(800*time.Millisecond))
	assert.Equal(t, time.Second, b.next(time.Second))
	for range 100 {
		d := jittered(time.Second)
		assert.GreaterOrEqual(t, d, 800*time.Millisecond)
		assert.LessOrEqual(t, d, 1200*time.Millisecond)
	}
	assert.Equal(t, time.Duration(1), jittered(1))
}

func TestValidE164(t *testing.T) {
	tests := []struct {
		number string
		want   bool
	}{
		{"+34600000001", true},
		{"+12345", true},
		{"+123456789012345", true},
		{"+1234", false},
		{"+1234567890123456", false},
		{"+0123456", false},
		{"34600000001", false},
		{"+34 600 000 001", false},
		{"+3460000000a", false},
		{"", false},
		{"+", false},
	}
	for _, tt := range tests {
		t.Run(tt.number, func(t *testing.T) {
			assert.Equal(t, tt.want, validE164(tt.number))
		})
	}
}
