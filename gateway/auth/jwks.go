package auth

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"

	jose "github.com/go-jose/go-jose/v4"
)

// maxJWKSBytes bounds the size of a key-set document read from the issuer.
const maxJWKSBytes = 1 << 20

// jwksDocument is one successfully fetched key set.
type jwksDocument struct {
	keys []jose.JSONWebKey
	// maxAge is the Cache-Control max-age the issuer sent, or zero.
	maxAge time.Duration
}

// fetchJWKS downloads and parses the key set at jwksURL.
func fetchJWKS(ctx context.Context, client *http.Client, jwksURL string) (jwksDocument, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, jwksURL, nil)
	if err != nil {
		return jwksDocument{}, fmt.Errorf("auth: building key-set request: %w", err)
	}
	req.Header.Set("Accept", "application/json, application/jwk-set+json")
	resp, err := client.Do(req)
	if err != nil {
		return jwksDocument{}, fmt.Errorf("auth: fetching key set: %w", err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxJWKSBytes+1))
	if err != nil {
		return jwksDocument{}, fmt.Errorf("auth: reading key set: %w", err)
	}
	if resp.StatusCode != http.StatusOK {
		return jwksDocument{}, fmt.Errorf("auth: key set answered HTTP %d", resp.StatusCode)
	}
	if len(body) > maxJWKSBytes {
		return jwksDocument{}, errors.New("auth: key set is larger than 1 MiB")
	}
	keys, err := parseJWKS(body)
	if err != nil {
		return jwksDocument{}, err
	}
	return jwksDocument{keys: keys, maxAge: cacheMaxAge(resp.Header)}, nil
}

// parseJWKS decodes a JWK Set, keeping only public signature keys that
// go-jose understands. Unknown key types are skipped as RFC 7517 section 5
// asks; symmetric keys are skipped because no HMAC algorithm is accepted.
func parseJWKS(body []byte) ([]jose.JSONWebKey, error) {
	var doc struct {
		Keys []json.RawMessage `json:"keys"`
	}
	if err := json.Unmarshal(body, &doc); err != nil {
		return nil, fmt.Errorf("auth: key set is not a JWK Set: %w", err)
	}
	var keys []jose.JSONWebKey
	for _, raw := range doc.Keys {
		var key jose.JSONWebKey
		if err := key.UnmarshalJSON(raw); err != nil {
			continue
		}
		if usable, ok := publicSigningKey(key); ok {
			keys = append(keys, usable)
		}
	}
	if len(keys) == 0 {
		return nil, errors.New("auth: key set holds no usable public signing key")
	}
	return keys, nil
}

// publicSigningKey returns the public half of key when it may verify
// signatures.
func publicSigningKey(key jose.JSONWebKey) (jose.JSONWebKey, bool) {
	if key.Use != "" && key.Use != "sig" {
		return jose.JSONWebKey{}, false
	}
	if _, symmetric := key.Key.([]byte); symmetric {
		return jose.JSONWebKey{}, false
	}
	public := key.Public()
	if !public.Valid() {
		return jose.JSONWebKey{}, false
	}
	return public, true
}

// cacheMaxAge reads the max-age directive of a Cache-Control header; zero
// when absent, malformed, or when no-store/no-cache forbid caching.
func cacheMaxAge(h http.Header) time.Duration {
	var maxAge time.Duration
	for _, directive := range strings.Split(h.Get("Cache-Control"), ",") {
		name, value, _ := strings.Cut(strings.TrimSpace(directive), "=")
		switch strings.ToLower(name) {
		case "no-store", "no-cache":
			return 0
		case "max-age":
			seconds, err := strconv.Atoi(strings.Trim(value, `"`))
			if err != nil || seconds <= 0 {
				return 0
			}
			maxAge = time.Duration(seconds) * time.Second
		}
	}
	return maxAge
}
