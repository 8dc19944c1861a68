// Package camara holds the protocol-shaped error values of the CAMARA APIs.
//
// Every error a client can see is one of the values below, refined with a
// message through WithMessage. Internal causes never reach the client: they
// are kept in the unexported cause field for logs and errors.Is checks.
package camara

import (
	"errors"
	"fmt"
	"net/http"
)

// Error is a CAMARA error body: {"status":int,"code":"...","message":"..."}.
type Error struct {
	Status  int    `json:"status"`
	Code    string `json:"code"`
	Message string `json:"message"`
	// RetryAfter, when positive, is sent as a Retry-After header (seconds).
	RetryAfter int `json:"-"`
	cause      error
}

// Error implements the error interface. It prints the code and message only.
func (e *Error) Error() string {
	return fmt.Sprintf("%d %s: %s", e.Status, e.Code, e.Message)
}

// Unwrap returns the internal cause, if any.
func (e *Error) Unwrap() error { return e.cause }

// Is reports whether target is a *Error with the same status and code, so that
// errors.Is(err, camara.ErrNotFound) works for refined copies.
func (e *Error) Is(target error) bool {
	var t *Error
	if !errors.As(target, &t) {
		return false
	}
	return t.Status == e.Status && t.Code == e.Code
}

// WithMessage returns a copy of e carrying a more precise message.
func (e *Error) WithMessage(format string, args ...any) *Error {
	c := *e
	c.Message = fmt.Sprintf(format, args...)
	return &c
}

// WithCause returns a copy of e that records an internal cause. The cause is
// never serialised.
func (e *Error) WithCause(cause error) *Error {
	c := *e
	c.cause = cause
	return &c
}

// WithRetryAfter returns a copy of e that asks the client to retry after the
// given number of seconds.
func (e *Error) WithRetryAfter(seconds int) *Error {
	c := *e
	c.RetryAfter = seconds
	return &c
}

func newError(status int, code, message string) *Error {
	return &Error{Status: status, Code: code, Message: message}
}

// The CAMARA error values used by kycgate. Refine them with WithMessage.
var (
	ErrInvalidArgument       = newError(http.StatusBadRequest, "INVALID_ARGUMENT", "Client specified an invalid argument, request body or query param.")
	ErrOutOfRange            = newError(http.StatusBadRequest, "OUT_OF_RANGE", "Client specified an invalid range.")
	ErrInvalidParamCombo     = newError(http.StatusBadRequest, "KNOW_YOUR_CUSTOMER.INVALID_PARAM_COMBINATION", "Indicated parameter combination is invalid")
	ErrUnauthenticated       = newError(http.StatusUnauthorized, "UNAUTHENTICATED", "Request not authenticated due to missing, invalid, or expired credentials. A new authentication is required.")
	ErrPermissionDenied      = newError(http.StatusForbidden, "PERMISSION_DENIED", "Client does not have sufficient permissions to perform this action.")
	ErrInvalidTokenContext   = newError(http.StatusForbidden, "INVALID_TOKEN_CONTEXT", "phoneNumber is not consistent with access token.")
	ErrIDDocumentRequired    = newError(http.StatusForbidden, "KNOW_YOUR_CUSTOMER.ID_DOCUMENT_REQUIRED", "The idDocument is required to perform the properties validation")
	ErrIDDocumentMismatch    = newError(http.StatusForbidden, "KNOW_YOUR_CUSTOMER.ID_DOCUMENT_MISMATCH", "The idDocument needs to match the one associated with the provided phoneNumber")
	ErrNotFound              = newError(http.StatusNotFound, "NOT_FOUND", "The specified resource is not found.")
	ErrIdentifierNotFound    = newError(http.StatusNotFound, "IDENTIFIER_NOT_FOUND", "The phone number provided is not associated with a customer account")
	ErrMethodNotAllowed      = newError(http.StatusMethodNotAllowed, "METHOD_NOT_ALLOWED", "The requested method is not allowed/supported on the target resource.")
	ErrNotAcceptable         = newError(http.StatusNotAcceptable, "NOT_ACCEPTABLE", "The server cannot produce a response matching the content requested by the client through Accept-* headers.")
	ErrConflict              = newError(http.StatusConflict, "CONFLICT", "A specified resource duplicate entry found.")
	ErrPayloadTooLarge       = newError(http.StatusRequestEntityTooLarge, "PAYLOAD_TOO_LARGE", "The request body is larger than the server accepts.")
	ErrUnsupportedMediaType  = newError(http.StatusUnsupportedMediaType, "UNSUPPORTED_MEDIA_TYPE", "The server refuses to accept the request because the payload format is in an unsupported format.")
	ErrServiceNotApplicable  = newError(http.StatusUnprocessableEntity, "SERVICE_NOT_APPLICABLE", "The service is not applicable for the provided phone number")
	ErrMissingIdentifier     = newError(http.StatusUnprocessableEntity, "MISSING_IDENTIFIER", "No phone number has been provided")
	ErrUnnecessaryIdentifier = newError(http.StatusUnprocessableEntity, "UNNECESSARY_IDENTIFIER", "The phone number is already identified by the access token")
	ErrTooManyRequests       = newError(http.StatusTooManyRequests, "TOO_MANY_REQUESTS", "Rate limit reached.")
	ErrInternal              = newError(http.StatusInternalServerError, "INTERNAL", "Unknown server error. Typically a server bug.")
	ErrUnavailable           = newError(http.StatusServiceUnavailable, "UNAVAILABLE", "Service Unavailable.")
	ErrTimeout               = newError(http.StatusGatewayTimeout, "TIMEOUT", "Request timeout exceeded.")
)

// From converts any error into a *Error. Errors that are not CAMARA errors
// become ErrInternal, keeping the original as the hidden cause.
func From(err error) *Error {
	var e *Error
	if errors.As(err, &e) {
		return e
	}
	return ErrInternal.WithCause(err)
}
