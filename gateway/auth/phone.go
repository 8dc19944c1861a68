package auth

import "strings"

// telScheme is the URI scheme of a phone-number subject (RFC 3966).
const telScheme = "tel:"

// validE164 reports whether s matches ^\+[1-9][0-9]{4,14}$.
func validE164(s string) bool {
	if len(s) < 6 || len(s) > 16 || s[0] != '+' || s[1] < '1' || s[1] > '9' {
		return false
	}
	for i := 2; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// hasTelScheme reports whether s starts with "tel:", case-insensitively.
func hasTelScheme(s string) bool {
	return len(s) >= len(telScheme) && strings.EqualFold(s[:len(telScheme)], telScheme)
}

// phoneFromTelURI returns the E.164 number inside "tel:+<digits>", or an
// error when the value is not a valid global phone number.
func phoneFromTelURI(value string) (string, error) {
	number := value[len(telScheme):]
	if !validE164(number) {
		return "", errInvalidPhone
	}
	return number, nil
}

// resolvePhoneNumber derives the three-legged phone number from the subject
// and the phone claim. It returns "" for a two-legged token and an error when
// a phone-shaped value is malformed or the two sources disagree.
func resolvePhoneNumber(subject, phoneClaim string) (string, error) {
	var fromSubject string
	if hasTelScheme(subject) {
		number, err := phoneFromTelURI(subject)
		if err != nil {
			return "", err
		}
		fromSubject = number
	}
	if phoneClaim == "" {
		return fromSubject, nil
	}
	fromClaim := phoneClaim
	if hasTelScheme(phoneClaim) {
		fromClaim = phoneClaim[len(telScheme):]
	}
	if !validE164(fromClaim) {
		return "", errInvalidPhone
	}
	if fromSubject != "" && fromSubject != fromClaim {
		return "", errInconsistentSubject
	}
	return fromClaim, nil
}
