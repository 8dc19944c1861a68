package lds

import (
	"fmt"
	"strings"

	"github.com/kycgate/kycgate/nfc/icao/tlv"
)

// DG11 data element tags (ICAO 9303-10, additional personal details).
const (
	tagTagList           tlv.Tag = 0x5C
	tagFullName          tlv.Tag = 0x5F0E
	tagOtherNames        tlv.Tag = 0x5F0F
	tagPersonalNumber    tlv.Tag = 0x5F10
	tagPlaceOfBirth      tlv.Tag = 0x5F11
	tagTelephone         tlv.Tag = 0x5F12
	tagProfession        tlv.Tag = 0x5F13
	tagTitle             tlv.Tag = 0x5F14
	tagPersonalSummary   tlv.Tag = 0x5F15
	tagCustodyInfo       tlv.Tag = 0x5F18
	tagFullDateOfBirth   tlv.Tag = 0x5F2B
	tagPermanentAddress  tlv.Tag = 0x5F42
	tagOtherNameTemplate tlv.Tag = 0xA0
	tagNameCount         tlv.Tag = 0x02
)

// DG11 holds the additional personal details; fields absent on the chip are
// empty. '<' separators of the chip encoding are kept as found, except in
// FullName where "SURNAME<<GIVEN" becomes "SURNAME, GIVEN".
type DG11 struct {
	FullName         string
	OtherNames       []string
	PersonalNumber   string
	FullDateOfBirth  string
	PlaceOfBirth     string
	PermanentAddress string
	Telephone        string
	Profession       string
	Title            string
	PersonalSummary  string
	CustodyInfo      string
}

// ParseDG11 decodes DG11 (tag 6B).
func ParseDG11(data []byte) (*DG11, error) {
	n, err := unwrap(data, TagDG11, "DG11")
	if err != nil {
		return nil, err
	}
	items, err := n.Children()
	if err != nil {
		return nil, fmt.Errorf("%w: DG11: %w", ErrMalformed, err)
	}
	d := &DG11{}
	for _, item := range items {
		if err := d.apply(item); err != nil {
			return nil, err
		}
	}
	return d, nil
}

// apply stores one data element.
func (d *DG11) apply(item tlv.Node) error {
	text := string(item.Value)
	targets := map[tlv.Tag]*string{
		tagPersonalNumber: &d.PersonalNumber, tagFullDateOfBirth: &d.FullDateOfBirth,
		tagPlaceOfBirth: &d.PlaceOfBirth, tagPermanentAddress: &d.PermanentAddress,
		tagTelephone: &d.Telephone, tagProfession: &d.Profession, tagTitle: &d.Title,
		tagPersonalSummary: &d.PersonalSummary, tagCustodyInfo: &d.CustodyInfo,
	}
	switch item.Tag {
	case tagFullName:
		d.FullName = readableName(text)
	case tagOtherNames:
		d.OtherNames = append(d.OtherNames, readableName(text))
	case tagOtherNameTemplate:
		children, err := item.Children()
		if err != nil {
			return fmt.Errorf("%w: DG11 other names: %w", ErrMalformed, err)
		}
		for _, c := range children {
			if c.Tag == tagOtherNames {
				d.OtherNames = append(d.OtherNames, readableName(string(c.Value)))
			}
		}
	default:
		if target, ok := targets[item.Tag]; ok {
			*target = text
		}
	}
	return nil
}

// readableName turns "SURNAME<<GIVEN<NAMES" into "SURNAME, GIVEN NAMES".
func readableName(s string) string {
	primary, secondary, found := strings.Cut(s, "<<")
	primary = strings.ReplaceAll(primary, "<", " ")
	if !found {
		return strings.TrimSpace(primary)
	}
	return strings.TrimSpace(primary) + ", " + strings.TrimSpace(strings.ReplaceAll(secondary, "<", " "))
}

// EncodeDG11 writes DG11 with the non-empty fields of d (names in the chip's
// '<' notation are expected in d.FullName and d.OtherNames as given).
func EncodeDG11(d DG11) []byte {
	type element struct {
		tag   tlv.Tag
		value string
	}
	elements := []element{
		{tagFullName, d.FullName}, {tagPersonalNumber, d.PersonalNumber},
		{tagFullDateOfBirth, d.FullDateOfBirth}, {tagPlaceOfBirth, d.PlaceOfBirth},
		{tagPermanentAddress, d.PermanentAddress}, {tagTelephone, d.Telephone},
		{tagProfession, d.Profession}, {tagTitle, d.Title},
		{tagPersonalSummary, d.PersonalSummary}, {tagCustodyInfo, d.CustodyInfo},
	}
	var tagList, body []byte
	for _, e := range elements {
		if e.value == "" {
			continue
		}
		tagList = append(tagList, byte(e.tag>>8), byte(e.tag))
		body = append(body, tlv.Encode(e.tag, []byte(e.value))...)
	}
	if len(d.OtherNames) > 0 {
		tagList = append(tagList, byte(tagOtherNameTemplate))
		inner := tlv.Encode(tagNameCount, []byte{byte(len(d.OtherNames))})
		for _, name := range d.OtherNames {
			inner = append(inner, tlv.Encode(tagOtherNames, []byte(name))...)
		}
		body = append(body, tlv.Encode(tagOtherNameTemplate, inner)...)
	}
	return tlv.Encode(TagDG11, append(tlv.Encode(tagTagList, tagList), body...))
}
