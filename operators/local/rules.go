package local

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/kycgate/kycgate/kycmatch"
)

// The two keys of an import record that are not attributes.
const (
	keyPhoneNumber = "phoneNumber"
	keyLineType    = "lineType"
)

// phonePattern is the CAMARA phoneNumber pattern (E.164 with a leading '+').
var phonePattern = regexp.MustCompile(`^\+[1-9][0-9]{4,14}$`)

// lineTypes are the line types a subscriber may have.
var lineTypes = []kycmatch.LineType{kycmatch.LineMobile, kycmatch.LineIoT, kycmatch.LineBusiness}

// keywordValues are the enums of the Keyword attributes, as the CAMARA
// request schema spells them.
var keywordValues = map[string][]string{
	"gender":         {"MALE", "FEMALE", "OTHER"},
	"idDocumentType": {"passport", "national_id_card", "residence_permit", "diplomatic_id", "driver_licence", "social_security_id", "other"},
}

var (
	datePattern    = regexp.MustCompile(`^[0-9]{4}-[0-9]{2}-[0-9]{2}$`)
	countryPattern = regexp.MustCompile(`^[A-Za-z]{2}$`)
)

// knownLineType reports whether lt is one of lineTypes.
func knownLineType(lt kycmatch.LineType) bool {
	return slices.Contains(lineTypes, lt)
}

// lineTypeList renders lineTypes for messages.
func lineTypeList() string {
	names := make([]string, len(lineTypes))
	for i, lt := range lineTypes {
		names[i] = string(lt)
	}
	return strings.Join(names, ", ")
}

// checkAttribute validates the value of an attribute and returns a message
// describing what is wrong, or "" when the value is acceptable. The message
// never contains the value.
func checkAttribute(a kycmatch.Attribute, value string) string {
	if strings.TrimSpace(value) == "" {
		return "must not be empty; leave the field out when the value is unknown"
	}
	if allowed, ok := keywordValues[a.Name]; ok {
		if !slices.Contains(allowed, value) {
			return "must be one of " + strings.Join(allowed, ", ")
		}
		return ""
	}
	switch a.Kind {
	case kycmatch.Date:
		if !isDate(value) {
			return "must be a calendar date written YYYY-MM-DD"
		}
	case kycmatch.Country:
		if !countryPattern.MatchString(value) {
			return "must be an ISO 3166-1 alpha-2 country code (two letters)"
		}
	}
	return ""
}

func isDate(s string) bool {
	if !datePattern.MatchString(s) {
		return false
	}
	_, err := time.Parse(time.DateOnly, s)
	return err == nil
}

// describeUnknownKey explains an unknown key. The key is shown only when it
// looks like a property name, so that a value pasted in the wrong place is
// not echoed; a likely intended spelling is suggested.
func describeUnknownKey(key string) (field, message string) {
	for _, known := range knownKeys() {
		if strings.EqualFold(key, known) {
			return key, fmt.Sprintf("unknown field; property names are case-sensitive, did you mean %q?", known)
		}
	}
	if propertyName.MatchString(key) {
		return key, "unknown field; expected phoneNumber, lineType or a CAMARA KYC Match request property"
	}
	return "", "unknown field (name not shown); expected phoneNumber, lineType or a CAMARA KYC Match request property"
}

var propertyName = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9_]{0,39}$`)

// knownKeys lists every key an import record may carry.
func knownKeys() []string {
	keys := []string{keyPhoneNumber, keyLineType}
	for _, a := range kycmatch.Attributes {
		keys = append(keys, a.Name)
	}
	return keys
}
