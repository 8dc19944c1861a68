package cert

import (
	"encoding/asn1"
	"fmt"

	"github.com/kycgate/kycgate/nfc/icao/tlv"
)

// Extension OIDs interpreted by this package.
var (
	oidSubjectKeyID     = asn1.ObjectIdentifier{2, 5, 29, 14}
	oidKeyUsage         = asn1.ObjectIdentifier{2, 5, 29, 15}
	oidBasicConstraints = asn1.ObjectIdentifier{2, 5, 29, 19}
	oidAuthorityKeyID   = asn1.ObjectIdentifier{2, 5, 29, 35}
)

// KeyUsage is the keyUsage bit set, bit 0 (digitalSignature) first.
type KeyUsage int

// Key usage bits relevant to the ICAO PKI.
const (
	KeyUsageDigitalSignature KeyUsage = 1 << iota
	KeyUsageContentCommitment
	KeyUsageKeyEncipherment
	KeyUsageDataEncipherment
	KeyUsageKeyAgreement
	KeyUsageCertSign
	KeyUsageCRLSign
)

// Extension is one certificate extension as encoded.
type Extension struct {
	// ID is the extension OID.
	ID asn1.ObjectIdentifier
	// Critical is the criticality flag.
	Critical bool
	// Value is the content of the extnValue OCTET STRING.
	Value []byte
}

// parseExtensions reads Extensions ::= SEQUENCE OF Extension.
func parseExtensions(n tlv.Node) ([]Extension, error) {
	items, err := tlv.ReaderOf(n, tlv.TagSequence)
	if err != nil {
		return nil, err
	}
	var exts []Extension
	for !items.Empty() {
		item, err := items.Expect(tlv.TagSequence)
		if err != nil {
			return nil, err
		}
		ext, err := parseExtension(item)
		if err != nil {
			return nil, err
		}
		exts = append(exts, ext)
	}
	return exts, nil
}

// parseExtension reads one Extension.
func parseExtension(n tlv.Node) (Extension, error) {
	r := tlv.NewReader(n.Value)
	idNode, err := r.Expect(tlv.TagOID)
	if err != nil {
		return Extension{}, err
	}
	id, err := idNode.OID()
	if err != nil {
		return Extension{}, err
	}
	ext := Extension{ID: id}
	if crit, ok, err := r.Optional(tlv.TagBoolean); err != nil {
		return Extension{}, err
	} else if ok {
		if ext.Critical, err = crit.Bool(); err != nil {
			return Extension{}, err
		}
	}
	value, err := r.Expect(tlv.TagOctetString)
	if err != nil {
		return Extension{}, err
	}
	ext.Value = value.Value
	return ext, r.Done()
}

// applyExtensions fills the interpreted extension fields of c.
func (c *Certificate) applyExtensions() error {
	for _, ext := range c.Extensions {
		var err error
		switch {
		case ext.ID.Equal(oidBasicConstraints):
			err = c.parseBasicConstraints(ext.Value)
		case ext.ID.Equal(oidKeyUsage):
			err = c.parseKeyUsage(ext.Value)
		case ext.ID.Equal(oidSubjectKeyID):
			c.SubjectKeyID, err = parseOctets(ext.Value)
		case ext.ID.Equal(oidAuthorityKeyID):
			c.AuthorityKeyID, err = parseAuthorityKeyID(ext.Value)
		}
		if err != nil {
			return fmt.Errorf("extension %s: %w", ext.ID, err)
		}
	}
	return nil
}

// parseBasicConstraints reads SEQUENCE { cA BOOLEAN DEFAULT FALSE, pathLen INTEGER OPTIONAL }.
func (c *Certificate) parseBasicConstraints(b []byte) error {
	seq, err := tlv.DecodeExact(b)
	if err != nil {
		return err
	}
	r, err := tlv.ReaderOf(seq, tlv.TagSequence)
	if err != nil {
		return err
	}
	c.BasicConstraintsValid = true
	c.MaxPathLen = -1
	if ca, ok, err := r.Optional(tlv.TagBoolean); err != nil {
		return err
	} else if ok {
		if c.IsCA, err = ca.Bool(); err != nil {
			return err
		}
	}
	if pl, ok, err := r.Optional(tlv.TagInteger); err != nil {
		return err
	} else if ok {
		if c.MaxPathLen, err = pl.Int(); err != nil {
			return err
		}
	}
	return nil
}

// parseKeyUsage reads the keyUsage BIT STRING.
func (c *Certificate) parseKeyUsage(b []byte) error {
	n, err := tlv.DecodeExact(b)
	if err != nil {
		return err
	}
	bits, _, err := n.BitString()
	if err != nil {
		return err
	}
	usage := 0
	for i := 0; i < 9 && i/8 < len(bits); i++ {
		if bits[i/8]&(0x80>>(i%8)) != 0 {
			usage |= 1 << i
		}
	}
	c.KeyUsage = KeyUsage(usage)
	return nil
}

// parseOctets reads an OCTET STRING (SubjectKeyIdentifier).
func parseOctets(b []byte) ([]byte, error) {
	n, err := tlv.DecodeExact(b)
	if err != nil {
		return nil, err
	}
	if n.Tag != tlv.TagOctetString {
		return nil, fmt.Errorf("%w: want OCTET STRING", tlv.ErrUnexpectedTag)
	}
	return n.Value, nil
}

// parseAuthorityKeyID reads keyIdentifier [0] from AuthorityKeyIdentifier.
func parseAuthorityKeyID(b []byte) ([]byte, error) {
	seq, err := tlv.DecodeExact(b)
	if err != nil {
		return nil, err
	}
	r, err := tlv.ReaderOf(seq, tlv.TagSequence)
	if err != nil {
		return nil, err
	}
	id, ok, err := r.Optional(tlv.ContextTag(0, false))
	if err != nil || !ok {
		return nil, err
	}
	return id.Value, nil
}
