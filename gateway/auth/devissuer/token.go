package devissuer

import (
	"crypto/sha256"
	"crypto/subtle"
	"errors"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"
)

// grantClientCredentials is the only grant type the issuer supports.
const grantClientCredentials = "client_credentials"

// maxTokenRequestBytes bounds the body of a token request.
const maxTokenRequestBytes = 64 << 10

// RFC 6749 section 5.2 error codes.
const (
	errInvalidRequest       = "invalid_request"
	errInvalidClient        = "invalid_client"
	errInvalidScope         = "invalid_scope"
	errUnsupportedGrantType = "unsupported_grant_type"
)

// tokenResponse is the RFC 6749 section 5.1 success body.
type tokenResponse struct {
	AccessToken string `json:"access_token"`
	TokenType   string `json:"token_type"`
	ExpiresIn   int64  `json:"expires_in"`
	Scope       string `json:"scope,omitempty"`
}

// tokenError is the RFC 6749 section 5.2 error body.
type tokenError struct {
	Code        string `json:"error"`
	Description string `json:"error_description,omitempty"`
	status      int
}

// Error implements the error interface.
func (e *tokenError) Error() string { return e.Code + ": " + e.Description }

// badRequest returns a 400 error with code and description.
func badRequest(code, description string) *tokenError {
	return &tokenError{Code: code, Description: description, status: http.StatusBadRequest}
}

// errClientAuth is the single answer to every client-authentication failure.
var errClientAuth = &tokenError{Code: errInvalidClient, Description: "client authentication failed", status: http.StatusUnauthorized}

// serveToken answers POST /token for the client_credentials grant.
func (i *Issuer) serveToken(w http.ResponseWriter, r *http.Request) {
	resp, err := i.issueToken(w, r)
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("Pragma", "no-cache")
	var tokenErr *tokenError
	if errors.As(err, &tokenErr) {
		if tokenErr.status == http.StatusUnauthorized {
			w.Header().Set("WWW-Authenticate", `Basic realm="devissuer"`)
		}
		writeJSON(w, tokenErr.status, tokenErr)
		return
	}
	if err != nil {
		writeJSON(w, http.StatusInternalServerError, &tokenError{Code: "server_error", Description: "the token could not be signed"})
		return
	}
	writeJSON(w, http.StatusOK, resp)
}

// issueToken validates the request and mints the access token.
func (i *Issuer) issueToken(w http.ResponseWriter, r *http.Request) (*tokenResponse, error) {
	form, err := parseTokenForm(w, r)
	if err != nil {
		return nil, err
	}
	client, err := i.authenticate(r, form)
	if err != nil {
		return nil, err
	}
	switch form.Get("grant_type") {
	case grantClientCredentials:
	case "":
		return nil, badRequest(errInvalidRequest, "grant_type is required")
	default:
		return nil, badRequest(errUnsupportedGrantType, "only client_credentials is supported")
	}
	scopes, err := grantedScopes(client, form.Get("scope"))
	if err != nil {
		return nil, err
	}
	subject, err := subjectFor(client, form)
	if err != nil {
		return nil, err
	}
	return i.mintAccessToken(client, subject, scopes)
}

// parseTokenForm reads the form-encoded body, refusing repeated parameters
// (RFC 6749 section 3.2).
func parseTokenForm(w http.ResponseWriter, r *http.Request) (url.Values, error) {
	r.Body = http.MaxBytesReader(w, r.Body, maxTokenRequestBytes)
	if err := r.ParseForm(); err != nil {
		return nil, badRequest(errInvalidRequest, "the body is not a valid form")
	}
	for name, values := range r.PostForm {
		if len(values) > 1 {
			return nil, badRequest(errInvalidRequest, "parameter "+name+" is repeated")
		}
	}
	return r.PostForm, nil
}

// authenticate identifies the client by client_secret_basic or
// client_secret_post, comparing secrets in constant time.
func (i *Issuer) authenticate(r *http.Request, form url.Values) (Client, error) {
	id, secret, err := clientCredentials(r, form)
	if err != nil {
		return Client{}, err
	}
	client, known := i.clients[id]
	expected := client.Secret
	if !known {
		expected = "\x00unknown client"
	}
	if !secretsEqual(secret, expected) || !known {
		return Client{}, errClientAuth
	}
	return client, nil
}

// clientCredentials extracts the client id and secret from exactly one of
// the two supported authentication methods.
func clientCredentials(r *http.Request, form url.Values) (id, secret string, err error) {
	basicID, basicSecret, hasBasic := r.BasicAuth()
	_, hasPostID := form["client_id"]
	_, hasPostSecret := form["client_secret"]
	hasPost := hasPostID || hasPostSecret
	switch {
	case hasBasic && hasPost:
		return "", "", badRequest(errInvalidRequest, "use one client authentication method only")
	case hasBasic:
		return decodeBasicCredentials(basicID, basicSecret)
	case hasPost:
		return form.Get("client_id"), form.Get("client_secret"), nil
	default:
		return "", "", errClientAuth
	}
}

// decodeBasicCredentials undoes the form-urlencoding RFC 6749 section 2.3.1
// applies to client_secret_basic credentials.
func decodeBasicCredentials(rawID, rawSecret string) (string, string, error) {
	id, errID := url.QueryUnescape(rawID)
	secret, errSecret := url.QueryUnescape(rawSecret)
	if errID != nil || errSecret != nil {
		return "", "", errClientAuth
	}
	return id, secret, nil
}

// secretsEqual compares two secrets in constant time, independent of their
// lengths.
func secretsEqual(a, b string) bool {
	ha := sha256.Sum256([]byte(a))
	hb := sha256.Sum256([]byte(b))
	return subtle.ConstantTimeCompare(ha[:], hb[:]) == 1
}

// grantedScopes checks the requested scopes against the client's allowed
// ones; an empty request grants every allowed scope.
func grantedScopes(client Client, requested string) ([]string, error) {
	if strings.TrimSpace(requested) == "" {
		return client.Scopes, nil
	}
	var granted []string
	for _, scope := range strings.Fields(requested) {
		if !slices.Contains(client.Scopes, scope) {
			return nil, badRequest(errInvalidScope, "a requested scope is not allowed for this client")
		}
		if !slices.Contains(granted, scope) {
			granted = append(granted, scope)
		}
	}
	return granted, nil
}

// subjectFor returns the token subject: the client id, or "tel:+<E.164>"
// when the development-only login_hint parameter names a phone number.
func subjectFor(client Client, form url.Values) (string, error) {
	hint, present := form["login_hint"]
	if !present {
		return client.ID, nil
	}
	number, ok := strings.CutPrefix(hint[0], "tel:")
	if !ok || !validE164(number) {
		return "", badRequest(errInvalidRequest, "login_hint must be tel:+<E.164 number>")
	}
	return hint[0], nil
}

// validE164 reports whether s matches ^\+[1-9][0-9]{4,14}$.
func validE164(s string) bool {
	if len(s) < 6 || len(s) > 16 || s[0] != '+' || s[1] < '1' || s[1] > '9' {
		return false
	}
	for _, c := range s[2:] {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

// mintAccessToken signs the access token and builds the response body.
func (i *Issuer) mintAccessToken(client Client, subject string, scopes []string) (*tokenResponse, error) {
	scope := strings.Join(scopes, " ")
	token, err := i.Mint(Claims{Subject: subject, ClientID: client.ID, Scope: scope})
	if err != nil {
		return nil, err
	}
	return &tokenResponse{
		AccessToken: token,
		TokenType:   "Bearer",
		ExpiresIn:   int64(i.opts.TokenTTL / time.Second),
		Scope:       scope,
	}, nil
}
