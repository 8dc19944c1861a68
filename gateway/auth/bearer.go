package auth

import (
	"net/http"
	"strings"
)

// bearerScheme is the authentication scheme of RFC 6750.
const bearerScheme = "Bearer"

// BearerToken extracts the access token from "Authorization: Bearer <token>".
// The scheme is matched case-insensitively; exactly one Authorization header
// holding exactly one token in the RFC 6750 b64token syntax is accepted.
// Every failure is a 401 UNAUTHENTICATED that does not echo the header.
func BearerToken(h http.Header) (string, error) {
	values := h.Values("Authorization")
	if len(values) > 1 {
		return "", unauthenticated(msgMalformedHeader, nil)
	}
	if len(values) == 0 || strings.TrimSpace(values[0]) == "" {
		return "", unauthenticated(msgMissingToken, nil)
	}
	scheme, token, found := strings.Cut(strings.TrimSpace(values[0]), " ")
	if !found || !strings.EqualFold(scheme, bearerScheme) {
		return "", unauthenticated(msgMalformedHeader, nil)
	}
	token = strings.TrimLeft(token, " ")
	if !isB64Token(token) {
		return "", unauthenticated(msgMalformedHeader, nil)
	}
	return token, nil
}

// isB64Token reports whether s matches RFC 6750's
// b64token = 1*( ALPHA / DIGIT / "-" / "." / "_" / "~" / "+" / "/" ) *"=".
func isB64Token(s string) bool {
	body := strings.TrimRight(s, "=")
	if body == "" {
		return false
	}
	for i := 0; i < len(body); i++ {
		if !isB64TokenChar(body[i]) {
			return false
		}
	}
	return true
}

// isB64TokenChar reports whether c may appear before the padding of a
// b64token.
func isB64TokenChar(c byte) bool { return b64TokenChars[c] }

// b64TokenChars marks the bytes of RFC 6750's b64token alphabet; a table,
// because every bearer token's few hundred bytes are checked on every call.
var b64TokenChars = func() (t [256]bool) {
	for c := range 256 {
		b := byte(c)
		t[c] = 'a' <= b && b <= 'z' || 'A' <= b && b <= 'Z' || '0' <= b && b <= '9' || strings.IndexByte("-._~+/", b) >= 0
	}
	return t
}()
