package auth

import (
	"errors"

	"github.com/kycgate/kycgate/camara"
)

// Client-visible messages. They are deliberately generic: none of them echoes
// the token, a claim value or the reason a signature failed.
const (
	msgMissingToken    = "The access token is missing."
	msgMalformedHeader = "The Authorization header must carry exactly one Bearer token."
	msgInvalidToken    = "The access token is invalid."
	msgExpiredToken    = "The access token has expired."
	msgNotYetValid     = "The access token is not yet valid."
	msgNoClient        = "The access token does not identify the client."
	msgInvalidSubject  = "The access token carries an invalid phone number subject."
	msgNotReady        = "The authorization server's signing keys are not loaded yet."
)

// notReadyRetryAfter is the Retry-After, in seconds, sent with 503 answers
// given before the first successful discovery.
const notReadyRetryAfter = 5

// Internal causes kept inside the CAMARA errors for logs and errors.Is.
var (
	errTokenTooLarge       = errors.New("auth: token exceeds the size limit")
	errMissingExpiry       = errors.New("auth: token has no exp claim")
	errExpired             = errors.New("auth: token expired beyond the leeway")
	errNotYetValid         = errors.New("auth: token nbf is beyond the leeway")
	errIssuedInFuture      = errors.New("auth: token iat is beyond the leeway")
	errBadClaimType        = errors.New("auth: claim has an unexpected JSON type")
	errMissingClientID     = errors.New("auth: token has no client id claim")
	errInvalidPhone        = errors.New("auth: phone number is not E.164")
	errInconsistentSubject = errors.New("auth: subject and phone claim name different numbers")
)

// unauthenticated returns a 401 UNAUTHENTICATED with a generic message and the
// internal cause.
func unauthenticated(message string, cause error) *camara.Error {
	return camara.ErrUnauthenticated.WithMessage("%s", message).WithCause(cause)
}
