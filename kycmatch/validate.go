package kycmatch

import (
	"slices"
	"strings"
	"time"

	"github.com/kycgate/kycgate/camara"
)

// ValidateRequest checks the rules of version v that its OpenAPI schema
// cannot express, and returns nil when req may be matched.
//
// The checks, in this order:
//   - a property v does not know is refused with INVALID_ARGUMENT (the
//     gateway's schema validation normally catches it first);
//   - a request without any attribute to match (an empty body, or only a
//     phoneNumber) is refused with KNOW_YOUR_CUSTOMER.INVALID_PARAM_COMBINATION,
//     as the API requires at least one attribute besides phoneNumber;
//   - in schema order, an attribute whose value is empty or only blanks is
//     refused with INVALID_ARGUMENT: there is nothing to match;
//   - country, countryOfBirth and nationality must be assigned ISO 3166-1
//     alpha-2 codes, in any letter case ("es" and "ES" pass; "ESP", "34",
//     "ZZ" and "EU" do not) — INVALID_ARGUMENT otherwise;
//   - birthdate and idDocumentExpiryDate must be YYYY-MM-DD calendar dates
//     — INVALID_ARGUMENT otherwise, since not every schema validator checks
//     string formats.
//
// Messages name the offending property and never repeat its value.
func ValidateRequest(v Version, req Request) *camara.Error {
	if name, ok := firstUnknownProperty(v, req); ok {
		return unknownPropertyError(v, name)
	}
	if sentAttributeCount(v, req) == 0 {
		return camara.ErrInvalidParamCombo.WithMessage("At least one attribute besides phoneNumber must be provided")
	}
	for _, a := range Attributes {
		value, ok := req.Values[a.Name]
		if !ok || !v.Has(a) {
			continue
		}
		if err := validateValue(a, value); err != nil {
			return err
		}
	}
	return nil
}

// validateValue checks one sent value against its attribute's kind.
func validateValue(a Attribute, value string) *camara.Error {
	if strings.TrimSpace(value) == "" {
		return camara.ErrInvalidArgument.WithMessage("%s must not be empty", a.Name)
	}
	switch a.Kind {
	case Country:
		if !isCountryCode(value) {
			return camara.ErrInvalidArgument.WithMessage("%s must be an ISO 3166-1 alpha-2 country code", a.Name)
		}
	case Date:
		if _, err := time.Parse(dateLayout, value); err != nil {
			return camara.ErrInvalidArgument.WithMessage("%s must be a calendar date in YYYY-MM-DD format", a.Name)
		}
	}
	return nil
}

// firstUnknownProperty returns the first property of req.Values, in sorted
// order for a stable message, that is not an attribute of v. A phoneNumber
// entry is not an attribute but is tolerated: the number travels in
// req.PhoneNumber.
func firstUnknownProperty(v Version, req Request) (string, bool) {
	var unknown []string
	for name := range req.Values {
		if a, ok := LookupAttribute(name); (!ok || !v.Has(a)) && name != phoneNumberProperty {
			unknown = append(unknown, name)
		}
	}
	if len(unknown) == 0 {
		return "", false
	}
	return slices.Min(unknown), true
}

// phoneNumberProperty is the request property that names the subscriber.
const phoneNumberProperty = "phoneNumber"

// unknownPropertyError refuses a property that version v does not define.
func unknownPropertyError(v Version, name string) *camara.Error {
	if isIdentifier(name) {
		return camara.ErrInvalidArgument.WithMessage("%s is not a property of KYC Match %s", name, v)
	}
	return camara.ErrInvalidArgument.WithMessage("The request body holds a property that KYC Match %s does not define", v)
}

// maxEchoedNameLength bounds the length of a client-chosen property name
// that is echoed in an error message.
const maxEchoedNameLength = 64

// isIdentifier reports whether a client-chosen property name may be echoed
// in an error message: only short ASCII identifiers are, so that no data
// smuggled into a property name reaches a message or a log.
func isIdentifier(name string) bool {
	if name == "" || len(name) > maxEchoedNameLength {
		return false
	}
	for i := 0; i < len(name); i++ {
		c := name[i]
		if !isASCIILetter(c) && !('0' <= c && c <= '9') && c != '_' {
			return false
		}
	}
	return true
}
