package result

import (
	"strings"
	"time"

	"github.com/kycgate/kycgate/nfc/icao"
	"github.com/kycgate/kycgate/nfc/icao/lds"
)

// Data is the document data of the webhook: every field found on the chip
// and verified by passive authentication. Dates are YYYY-MM-DD; absent
// fields are left out.
type Data struct {
	Name             string   `json:"name,omitempty"`
	Surname          string   `json:"surname,omitempty"`
	GivenNames       string   `json:"given_names,omitempty"`
	Nationality      string   `json:"nationality,omitempty"`
	DocumentNumber   string   `json:"document_number,omitempty"`
	DocumentType     string   `json:"document_type,omitempty"`
	DocumentCode     string   `json:"document_code,omitempty"`
	IssuingState     string   `json:"issuing_state,omitempty"`
	DateOfBirth      string   `json:"date_of_birth,omitempty"`
	DateOfExpiry     string   `json:"date_of_expiry,omitempty"`
	Sex              string   `json:"sex,omitempty"`
	OptionalData     string   `json:"optional_data,omitempty"`
	MRZFormat        string   `json:"mrz_format,omitempty"`
	FullName         string   `json:"full_name,omitempty"`
	OtherNames       []string `json:"other_names,omitempty"`
	PersonalNumber   string   `json:"personal_number,omitempty"`
	PlaceOfBirth     string   `json:"place_of_birth,omitempty"`
	PermanentAddress string   `json:"permanent_address,omitempty"`
	Telephone        string   `json:"telephone,omitempty"`
	Profession       string   `json:"profession,omitempty"`
	Title            string   `json:"title,omitempty"`
	PersonalSummary  string   `json:"personal_summary,omitempty"`
	CustodyInfo      string   `json:"custody_info,omitempty"`
}

// NewData maps the verified DG1 and DG11 fields; now decides the century
// of two-digit birth years.
func NewData(doc *icao.Document, dg11 *lds.DG11, now time.Time) Data {
	var d Data
	if doc != nil {
		d = Data{
			Surname:        doc.Surname,
			GivenNames:     doc.GivenNames,
			Nationality:    doc.Nationality,
			DocumentNumber: doc.DocumentNumber,
			DocumentType:   documentType(doc.DocumentCode),
			DocumentCode:   doc.DocumentCode,
			IssuingState:   doc.IssuingState,
			DateOfBirth:    birthDate(doc.DateOfBirth, now),
			DateOfExpiry:   expiryDate(doc.DateOfExpiry),
			Sex:            sex(doc.Sex),
			OptionalData:   strings.TrimSpace(doc.OptionalData1 + " " + doc.OptionalData2),
			MRZFormat:      doc.MRZFormat,
		}
		d.Name = strings.TrimSpace(doc.GivenNames + " " + doc.Surname)
	}
	if dg11 != nil {
		d.addDG11(dg11)
	}
	return d
}

// addDG11 adds the additional personal details.
func (d *Data) addDG11(dg11 *lds.DG11) {
	d.FullName = dg11.FullName
	d.OtherNames = dg11.OtherNames
	d.PersonalNumber = dg11.PersonalNumber
	d.PlaceOfBirth = dg11.PlaceOfBirth
	d.PermanentAddress = dg11.PermanentAddress
	d.Telephone = dg11.Telephone
	d.Profession = dg11.Profession
	d.Title = dg11.Title
	d.PersonalSummary = dg11.PersonalSummary
	d.CustodyInfo = dg11.CustodyInfo
	if full, err := time.Parse("20060102", dg11.FullDateOfBirth); err == nil {
		d.DateOfBirth = full.Format(time.DateOnly)
	}
}

// documentType names the document from the first letter of its code
// (ICAO 9303-3): P passport, I/A/C identity card, V visa.
func documentType(code string) string {
	switch {
	case strings.HasPrefix(code, "P"):
		return "passport"
	case strings.HasPrefix(code, "I"), strings.HasPrefix(code, "A"), strings.HasPrefix(code, "C"):
		return "id_card"
	case strings.HasPrefix(code, "V"):
		return "visa"
	default:
		return "other"
	}
}

// sex writes the MRZ's "<" (unspecified) as "X".
func sex(s string) string {
	if s == "<" || s == "" {
		return "X"
	}
	return s
}

// birthDate reads YYMMDD, placing the year in the century that keeps the
// date in the past; a value that is no calendar date (ICAO 9303 writes
// unknown parts as '<') is returned as found, as the partner API
// documents, rather than guessed.
func birthDate(yymmdd string, now time.Time) string {
	t, err := time.Parse("060102", yymmdd)
	if err != nil {
		return yymmdd
	}
	year := now.Year()/100*100 + t.Year()%100
	if year > now.Year() {
		year -= 100
	}
	return time.Date(year, t.Month(), t.Day(), 0, 0, 0, 0, time.UTC).Format(time.DateOnly)
}

// expiryDate reads YYMMDD in the 21st century (the MRZ's expiry dates of
// machine-readable documents all fall there).
func expiryDate(yymmdd string) string {
	t, err := time.Parse("060102", yymmdd)
	if err != nil {
		return yymmdd
	}
	return time.Date(2000+t.Year()%100, t.Month(), t.Day(), 0, 0, 0, 0, time.UTC).Format(time.DateOnly)
}
