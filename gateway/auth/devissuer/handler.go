package devissuer

import (
	"encoding/json"
	"net/http"
	"slices"

	jose "github.com/go-jose/go-jose/v4"
)

// Endpoint paths, relative to the issuer URL.
const (
	discoveryPath = "/.well-known/openid-configuration"
	jwksPath      = "/jwks"
	tokenPath     = "/token"
)

// jwksCacheControl lets verifiers cache the key set for five minutes.
const jwksCacheControl = "public, max-age=300"

// Handler serves discovery, the key set and the token endpoint. Mount it at
// the issuer URL's path (use http.StripPrefix when that path is not "/").
func (i *Issuer) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET "+discoveryPath, i.serveDiscovery)
	mux.HandleFunc("GET "+jwksPath, i.serveJWKS)
	mux.HandleFunc("POST "+tokenPath, i.serveToken)
	return mux
}

// discoveryDocument is the OpenID Provider Metadata the issuer publishes.
type discoveryDocument struct {
	Issuer                            string   `json:"issuer"`
	JWKSURI                           string   `json:"jwks_uri"`
	TokenEndpoint                     string   `json:"token_endpoint"`
	GrantTypesSupported               []string `json:"grant_types_supported"`
	TokenEndpointAuthMethodsSupported []string `json:"token_endpoint_auth_methods_supported"`
	ResponseTypesSupported            []string `json:"response_types_supported"`
	SubjectTypesSupported             []string `json:"subject_types_supported"`
	IDTokenSigningAlgValuesSupported  []string `json:"id_token_signing_alg_values_supported"`
	ScopesSupported                   []string `json:"scopes_supported"`
	ClaimsSupported                   []string `json:"claims_supported"`
}

// serveDiscovery answers GET /.well-known/openid-configuration.
func (i *Issuer) serveDiscovery(w http.ResponseWriter, _ *http.Request) {
	issuer := i.URL()
	if issuer == "" {
		http.Error(w, "issuer URL not set", http.StatusServiceUnavailable)
		return
	}
	writeJSON(w, http.StatusOK, discoveryDocument{
		Issuer:                            issuer,
		JWKSURI:                           issuer + jwksPath,
		TokenEndpoint:                     issuer + tokenPath,
		GrantTypesSupported:               []string{grantClientCredentials},
		TokenEndpointAuthMethodsSupported: []string{"client_secret_basic", "client_secret_post"},
		ResponseTypesSupported:            []string{"token"},
		SubjectTypesSupported:             []string{"public"},
		IDTokenSigningAlgValuesSupported:  i.algorithms(),
		ScopesSupported:                   i.allScopes(),
		ClaimsSupported:                   []string{"iss", "sub", "aud", "exp", "iat", "nbf", "jti", "client_id", "scope"},
	})
}

// serveJWKS answers GET /jwks with the public keys only.
func (i *Issuer) serveJWKS(w http.ResponseWriter, _ *http.Request) {
	i.jwksRequests.Add(1)
	var set jose.JSONWebKeySet
	for _, key := range i.publishedKeys() {
		set.Keys = append(set.Keys, key.publicJWK())
	}
	w.Header().Set("Cache-Control", jwksCacheControl)
	writeJSONAs(w, http.StatusOK, "application/jwk-set+json", set)
}

// algorithms lists the algorithms of the published keys.
func (i *Issuer) algorithms() []string {
	var algs []string
	for _, key := range i.publishedKeys() {
		if !slices.Contains(algs, key.algorithm) {
			algs = append(algs, key.algorithm)
		}
	}
	return algs
}

// allScopes lists every scope some client may request, sorted.
func (i *Issuer) allScopes() []string {
	scopes := []string{}
	for _, c := range i.clients {
		for _, s := range c.Scopes {
			if !slices.Contains(scopes, s) {
				scopes = append(scopes, s)
			}
		}
	}
	slices.Sort(scopes)
	return scopes
}

// writeJSON writes v as application/json.
func writeJSON(w http.ResponseWriter, status int, v any) {
	writeJSONAs(w, status, "application/json", v)
}

// writeJSONAs writes v with the given media type.
func writeJSONAs(w http.ResponseWriter, status int, mediaType string, v any) {
	w.Header().Set("Content-Type", mediaType)
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}
