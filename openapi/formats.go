package openapi

import (
	"errors"
	"net/mail"
	"time"

	"github.com/getkin/kin-openapi/openapi3"
)

// stringFormats are the string formats kycgate enforces, passed to every
// validation so that they do not depend on kin-openapi's global registry.
var stringFormats = map[string]openapi3.StringFormatValidator{
	"date":  openapi3.NewCallbackValidator(validateDate),
	"email": openapi3.NewCallbackValidator(validateEmail),
}

var (
	errNotDate  = errors.New("not a calendar date in the form YYYY-MM-DD")
	errNotEmail = errors.New("not an email address in the form local-part@domain")
)

// validateDate accepts an RFC 3339 full-date (YYYY-MM-DD) that exists in the
// calendar, so "2020-13-45" and "2021-02-29" are refused.
func validateDate(value string) error {
	if len(value) != len(time.DateOnly) {
		return errNotDate
	}
	if _, err := time.Parse(time.DateOnly, value); err != nil {
		return errNotDate
	}
	return nil
}

// validateEmail accepts a bare RFC 5322 addr-spec (local-part@domain); a
// display name or angle brackets are refused.
func validateEmail(value string) error {
	addr, err := mail.ParseAddress(value)
	if err != nil || addr.Name != "" || addr.Address != value {
		return errNotEmail
	}
	return nil
}
