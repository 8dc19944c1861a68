package identity

import (
	"bytes"
	"encoding/json"
	"net/mail"
	"net/netip"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/kycgate/kycgate/camara"
)

// Limits of the person part's free-text fields, in characters.
const (
	maxFullNameChars = 200
	maxAddressChars  = 500
	maxEmailChars    = 254
)

// Person is what the merchant knows of the person being verified, sent
// as the optional "person" part of a send-input form. Every field is
// optional and personal data: it feeds the person's profile (watch-list
// screening, request signals and, with consent, contact data), is never
// shown in the verification resource or its webhooks, and is never
// logged.
type Person struct {
	// FullName is the person's name as the merchant knows it, e.g.
	// "Jane Doe"; it is screened against the watch list.
	FullName string `json:"fullName,omitempty"`
	// Email is the person's e-mail address: a request signal (fraud list,
	// velocity) and, with consent, contact data.
	Email string `json:"email,omitempty"`
	// PhoneNumber is the person's phone number, digits with an optional
	// leading "+"; spaces, dots, dashes and parentheses are dropped.
	PhoneNumber string `json:"phoneNumber,omitempty"`
	// Address is the person's postal address, one line.
	Address string `json:"address,omitempty"`
	// IPAddress is the IP address the person used, as the merchant saw
	// it; without it, the IP address of the send-input request counts.
	IPAddress string `json:"ipAddress,omitempty"`
	// ContactSharingConsent is true only when the person agreed that
	// merchants consulting their profile may see this e-mail address,
	// phone number and address. Without it the contact data is not kept
	// in the profile (the e-mail still counts as a risk signal).
	ContactSharingConsent bool `json:"contactSharingConsent"`
}

// parsePerson decodes and checks the person part. Errors name the field,
// never its value.
func parsePerson(raw []byte) (*Person, error) {
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	var p Person
	if err := dec.Decode(&p); err != nil || dec.More() {
		return nil, camara.ErrInvalidArgument.WithMessage("the person part must be a JSON object of fullName, email, phoneNumber, address, ipAddress (strings) and contactSharingConsent (boolean)")
	}
	if err := p.normalize(); err != nil {
		return nil, err
	}
	return &p, nil
}

// normalize trims the fields, checks them and puts the phone number and
// IP address in canonical form.
func (p *Person) normalize() error {
	p.FullName = strings.TrimSpace(p.FullName)
	p.Address = strings.TrimSpace(p.Address)
	p.Email = strings.TrimSpace(p.Email)
	if !plainText(p.FullName, maxFullNameChars) {
		return camara.ErrInvalidArgument.WithMessage("person.fullName must be one line of at most %d characters", maxFullNameChars)
	}
	if !plainText(p.Address, maxAddressChars) {
		return camara.ErrInvalidArgument.WithMessage("person.address must be one line of at most %d characters", maxAddressChars)
	}
	if p.Email != "" && !validEmail(p.Email) {
		return camara.ErrInvalidArgument.WithMessage("person.email must be an e-mail address such as name@example.com")
	}
	phone, ok := normalizePhone(p.PhoneNumber)
	if !ok {
		return camara.ErrInvalidArgument.WithMessage("person.phoneNumber must hold 6 to 15 digits, with an optional leading +")
	}
	p.PhoneNumber = phone
	if s := strings.TrimSpace(p.IPAddress); s != "" {
		addr, err := netip.ParseAddr(s)
		if err != nil || addr.Zone() != "" {
			return camara.ErrInvalidArgument.WithMessage("person.ipAddress must be an IPv4 or IPv6 address")
		}
		p.IPAddress = addr.Unmap().String()
	}
	return nil
}

// plainText reports whether s is valid UTF-8 of at most limit characters
// without control characters.
func plainText(s string, limit int) bool {
	if !utf8.ValidString(s) || utf8.RuneCountInString(s) > limit {
		return false
	}
	return strings.IndexFunc(s, unicode.IsControl) < 0
}

// validEmail reports whether s is a bare address (no display name) of at
// most maxEmailChars.
func validEmail(s string) bool {
	if len(s) > maxEmailChars {
		return false
	}
	a, err := mail.ParseAddress(s)
	return err == nil && a.Name == "" && a.Address == s && strings.Contains(s[strings.LastIndexByte(s, '@')+1:], ".")
}

// normalizePhone drops the separators of a phone number and checks what
// remains: an optional "+" and 6 to 15 digits. An empty number is valid.
func normalizePhone(s string) (string, bool) {
	s = strings.TrimSpace(s)
	if s == "" {
		return "", true
	}
	var b strings.Builder
	for i, r := range s {
		switch {
		case r >= '0' && r <= '9':
			b.WriteRune(r)
		case r == '+' && i == 0:
			b.WriteRune(r)
		case r == ' ' || r == '-' || r == '.' || r == '(' || r == ')':
		default:
			return "", false
		}
	}
	out := b.String()
	digits := len(strings.TrimPrefix(out, "+"))
	return out, digits >= 6 && digits <= 15
}

// clientIP is the person's IP address for the profile's request signals:
// the one the merchant declared, else the send-input request's.
func (st *state) clientIP() string {
	if st.Person != nil && st.Person.IPAddress != "" {
		return st.Person.IPAddress
	}
	return st.RequestIP
}
