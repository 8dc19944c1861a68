package cert

import (
	"bytes"
	"encoding/asn1"
	"fmt"
	"strings"

	"github.com/kycgate/kycgate/nfc/icao/tlv"
)

// Attribute OIDs used when reading names.
var (
	oidCountry    = asn1.ObjectIdentifier{2, 5, 4, 6}
	oidCommonName = asn1.ObjectIdentifier{2, 5, 4, 3}
)

// Attribute is one AttributeTypeAndValue of a distinguished name.
type Attribute struct {
	// Type is the attribute OID.
	Type asn1.ObjectIdentifier
	// Value is the decoded string value (empty for non-string values).
	Value string
}

// Name is a distinguished name with its original encoding.
type Name struct {
	// Raw is the DER encoding of the Name as found in the certificate.
	Raw []byte
	// Attributes lists the name's attributes in encoding order.
	Attributes []Attribute
}

// ParseName reads Name ::= SEQUENCE OF SET OF AttributeTypeAndValue.
func ParseName(n tlv.Node) (Name, error) {
	name := Name{Raw: n.Raw}
	rdns, err := tlv.ReaderOf(n, tlv.TagSequence)
	if err != nil {
		return name, err
	}
	for !rdns.Empty() {
		set, err := rdns.Expect(tlv.TagSet)
		if err != nil {
			return name, err
		}
		atvs, err := set.Children()
		if err != nil {
			return name, err
		}
		for _, atv := range atvs {
			attr, err := parseAttribute(atv)
			if err != nil {
				return name, err
			}
			name.Attributes = append(name.Attributes, attr)
		}
	}
	return name, nil
}

// parseAttribute reads one AttributeTypeAndValue.
func parseAttribute(n tlv.Node) (Attribute, error) {
	r, err := tlv.ReaderOf(n, tlv.TagSequence)
	if err != nil {
		return Attribute{}, err
	}
	typeNode, err := r.Expect(tlv.TagOID)
	if err != nil {
		return Attribute{}, err
	}
	oid, err := typeNode.OID()
	if err != nil {
		return Attribute{}, err
	}
	valueNode, err := r.Next()
	if err != nil {
		return Attribute{}, err
	}
	value, _ := valueNode.String()
	return Attribute{Type: oid, Value: value}, nil
}

// get returns the first value of the attribute type.
func (n Name) get(oid asn1.ObjectIdentifier) string {
	for _, a := range n.Attributes {
		if a.Type.Equal(oid) {
			return a.Value
		}
	}
	return ""
}

// Country returns the upper-case country code (C attribute), or "".
func (n Name) Country() string {
	return strings.ToUpper(strings.TrimSpace(n.get(oidCountry)))
}

// CommonName returns the CN attribute, or "".
func (n Name) CommonName() string {
	return n.get(oidCommonName)
}

// Equal reports whether two names are the same: identical encodings, or the
// same attributes in the same order compared case-insensitively after
// trimming spaces (RFC 5280 name matching, simplified), which tolerates
// issuers that re-encode strings with another ASN.1 string type.
func (n Name) Equal(o Name) bool {
	if bytes.Equal(n.Raw, o.Raw) {
		return true
	}
	if len(n.Attributes) != len(o.Attributes) || len(n.Attributes) == 0 {
		return false
	}
	for i, a := range n.Attributes {
		b := o.Attributes[i]
		if !a.Type.Equal(b.Type) || !strings.EqualFold(fold(a.Value), fold(b.Value)) {
			return false
		}
	}
	return true
}

// fold collapses inner whitespace runs and trims the ends.
func fold(s string) string {
	return strings.Join(strings.Fields(s), " ")
}

// String renders the name for logs of public certificate data, e.g.
// "C=DE, CN=CSCA-GERMANY".
func (n Name) String() string {
	parts := make([]string, 0, len(n.Attributes))
	for _, a := range n.Attributes {
		parts = append(parts, fmt.Sprintf("%s=%s", shortName(a.Type), a.Value))
	}
	return strings.Join(parts, ", ")
}

// shortName abbreviates common attribute types.
func shortName(oid asn1.ObjectIdentifier) string {
	names := map[string]string{
		"2.5.4.3": "CN", "2.5.4.6": "C", "2.5.4.7": "L", "2.5.4.8": "ST",
		"2.5.4.10": "O", "2.5.4.11": "OU", "2.5.4.5": "SERIALNUMBER",
	}
	if s, ok := names[oid.String()]; ok {
		return s
	}
	return oid.String()
}

// Key returns a comparison key under which names that are Equal by
// attributes collide, for indexing certificates by subject.
func (n Name) Key() string {
	var b strings.Builder
	for _, a := range n.Attributes {
		b.WriteString(a.Type.String())
		b.WriteByte('=')
		b.WriteString(strings.ToLower(fold(a.Value)))
		b.WriteByte(';')
	}
	return b.String()
}
