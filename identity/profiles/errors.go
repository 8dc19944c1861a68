package profiles

import (
	"net/http"
	"strconv"

	"github.com/gin-gonic/gin"
	"github.com/kycgate/kycgate/camara"
)

// responseError is the responseStatus of every error answer.
const responseError = "ERROR"

// The errors of the profile API besides the gateway's own (400
// INVALID_ARGUMENT, 401 UNAUTHENTICATED, 403 PERMISSION_DENIED, 405, 413,
// 415, 429, 500, 503), all written in the envelope
// {"responseStatus":"ERROR","code":"...","message":"..."}.
var (
	errProfileNotFound = &camara.Error{Status: http.StatusNotFound, Code: "PROFILE_NOT_FOUND",
		Message: "No profile with this id is visible to the caller: it does not exist, or the caller has not verified this person itself."}
	errVerificationNotFound = &camara.Error{Status: http.StatusNotFound, Code: "VERIFICATION_NOT_FOUND",
		Message: "The caller has no verification with this id."}
	errNoProfile = &camara.Error{Status: http.StatusNotFound, Code: "NO_PROFILE",
		Message: "The verification has no known identity document (no authentic NFC session and no document supplied with its inputs), so it has no profile."}
	errInvalidProfileID = &camara.Error{Status: http.StatusBadRequest, Code: "INVALID_ARGUMENT",
		Message: "profileId must be COUNTRY|DOCUMENT-TYPE|NUMBER, e.g. US|DRIVING-LICENSE|1234567890."}
	errListNotFound = &camara.Error{Status: http.StatusNotFound, Code: "LIST_NOT_FOUND",
		Message: "There is no list with this name: the lists are vpn, hosting, tor, fraud-ips, fraud-emails and watchlist."}
	errInvalidList = &camara.Error{Status: http.StatusBadRequest, Code: "INVALID_LIST",
		Message: "The list was refused whole; nothing was imported."}
	errNoClientID = &camara.Error{Status: http.StatusForbidden, Code: "PERMISSION_DENIED",
		Message: "The access token names no client (merchant)."}
)

// envelope is the error answer of the profile API.
type envelope struct {
	ResponseStatus string `json:"responseStatus"`
	Code           string `json:"code"`
	Message        string `json:"message"`
}

// writeError writes e in the profile API's envelope; it is the routes'
// gateway.ErrorWriter.
func writeError(c *gin.Context, e *camara.Error) {
	if e.RetryAfter > 0 {
		c.Header("Retry-After", strconv.Itoa(e.RetryAfter))
	}
	c.Header("Cache-Control", "no-store")
	c.AbortWithStatusJSON(e.Status, envelope{ResponseStatus: responseError, Code: e.Code, Message: e.Message})
}
