package icao

import (
	"crypto"
	"errors"

	"github.com/kycgate/kycgate/nfc/icao/aa"
	"github.com/kycgate/kycgate/nfc/icao/lds"
	"github.com/kycgate/kycgate/nfc/icao/mrz"
)

// checkDG1 parses the MRZ, then checks country, the lost-and-stolen list,
// consent and expiry.
func (v *verification) checkDG1() *failure {
	m, err := lds.ParseDG1(v.input.DataGroups[1])
	var cd *mrz.CheckDigitError
	switch {
	case errors.As(err, &cd):
		return fail(MRZCheckDigitInvalid, cd.Field)
	case err != nil:
		return fail(DataGroupMalformed, "DG1")
	}
	v.result.Document = documentOf(m)
	if f := v.checkCountry(m); f != nil {
		return f
	}
	if f := v.checkLostOrStolen(m); f != nil {
		return f
	}
	if f := v.checkConsent(m); f != nil {
		return f
	}
	return v.checkExpiry(m)
}

// documentOf copies the MRZ fields into the result type.
func documentOf(m *mrz.MRZ) *Document {
	return &Document{
		DocumentCode: m.DocumentCode, IssuingState: m.IssuingState,
		DocumentNumber: m.DocumentNumber, Surname: m.Surname, GivenNames: m.GivenNames,
		Nationality: m.Nationality, DateOfBirth: m.DateOfBirth, Sex: m.Sex,
		DateOfExpiry: m.DateOfExpiry, OptionalData1: m.OptionalData1,
		OptionalData2: m.OptionalData2, MRZFormat: m.Format.String(),
	}
}

// checkCountry compares the MRZ issuing state with the C attribute of the
// DS and CSCA certificates.
func (v *verification) checkCountry(m *mrz.MRZ) *failure {
	alpha2, ok := CountryAlpha2(m.IssuingState)
	if !ok {
		return fail(CountryMismatch, "issuing state code not recognised")
	}
	certificates := []struct{ name, country string }{
		{"document signer", v.ds.Subject.Country()},
		{"CSCA", v.csca.Subject.Country()},
	}
	for _, c := range certificates {
		if c.country != alpha2 {
			return fail(CountryMismatch, "issuing state differs from the "+c.name+" certificate country "+c.country)
		}
	}
	return nil
}

// checkLostOrStolen looks the passively authenticated document up in the
// list of documents reported lost or stolen, before consent and expiry, so
// that a listed document is reported as such whatever else is wrong.
func (v *verification) checkLostOrStolen(m *mrz.MRZ) *failure {
	if v.opts.LostOrStolen == nil {
		return nil
	}
	if v.opts.LostOrStolen.Listed(m.IssuingState, m.DocumentNumber) {
		return fail(DocumentLostOrStolen, "issuing state and document number are on the lost-and-stolen list")
	}
	return nil
}

// checkConsent compares the consent data with DG1, ignoring fillers and case.
func (v *verification) checkConsent(m *mrz.MRZ) *failure {
	c := v.opts.Consent
	if c == nil {
		return nil
	}
	pairs := []struct{ field, got, want string }{
		{"document_number", m.DocumentNumber, c.DocumentNumber},
		{"date_of_birth", m.DateOfBirth, c.DateOfBirth},
		{"date_of_expiry", m.DateOfExpiry, c.DateOfExpiry},
	}
	for _, p := range pairs {
		if mrz.NormalizeValue(p.got) != mrz.NormalizeValue(p.want) {
			return fail(ConsentMismatch, p.field)
		}
	}
	return nil
}

// checkExpiry fails once the day after the date of expiry has begun.
func (v *verification) checkExpiry(m *mrz.MRZ) *failure {
	expiry, err := m.ExpiryDate()
	if err != nil {
		return fail(DataGroupMalformed, "DG1 date of expiry")
	}
	if !v.now.Before(expiry.AddDate(0, 0, 1)) {
		return fail(DocumentExpired, "expired on "+expiry.Format("2006-01-02"))
	}
	return nil
}

// readOptionalGroups decodes DG11 and DG14 when present.
func (v *verification) readOptionalGroups() *failure {
	if data, ok := v.input.DataGroups[11]; ok {
		dg11, err := lds.ParseDG11(data)
		if err != nil {
			return fail(DataGroupMalformed, "DG11")
		}
		v.result.Additional = dg11
	}
	if data, ok := v.input.DataGroups[14]; ok {
		dg14, err := lds.ParseDG14(data)
		if err != nil {
			return fail(DataGroupMalformed, "DG14")
		}
		v.result.ChipAuthenticationSupported = dg14.ChipAuthentication
		v.dg14 = dg14
	}
	return nil
}

// checkActiveAuthentication verifies the AA response with the DG15 key.
// A chip whose EF.SOD lists DG15 supports Active Authentication, so DG15
// must be uploaded and the response to the session's challenge must
// verify; leaving DG15 or the response out would otherwise let a copy of
// the chip's data pass for the chip itself.
func (v *verification) checkActiveAuthentication() *failure {
	data, uploaded := v.input.DataGroups[15]
	_, listed := v.sod.DataGroupHashes[15]
	if !listed && !uploaded {
		return nil
	}
	v.result.ActiveAuthenticationSupported = true
	if !uploaded {
		return fail(AAFailed, "DG15 is listed in EF.SOD but was not uploaded")
	}
	pub, err := lds.ParseDG15(data)
	if err != nil {
		return fail(AAFailed, "DG15 key unusable: "+err.Error())
	}
	if len(v.input.AASignature) == 0 {
		return fail(AAFailed, "no Active Authentication response")
	}
	if len(v.input.Challenge) != 8 {
		return fail(AAFailed, "challenge must be 8 bytes")
	}
	if err := aa.Verify(pub, v.aaHash(), v.input.Challenge, v.input.AASignature); err != nil {
		return fail(AAFailed, err.Error())
	}
	v.result.ActiveAuthentication = true
	return nil
}

// aaHash is the ECDSA digest announced in DG14, zero when not announced.
func (v *verification) aaHash() crypto.Hash {
	if v.dg14 == nil {
		return 0
	}
	return v.dg14.AAHash
}
