package icao

// Verdict is the outcome of a chip verification: AUTHENTIC or the code of
// the first failed check.
type Verdict string

// The verdict codes. Each failure has its own code.
const (
	// Authentic means every check passed.
	Authentic Verdict = "AUTHENTIC"
	// SODMalformed means EF.SOD could not be decoded or lacks its signer certificate.
	SODMalformed Verdict = "SOD_MALFORMED"
	// DataGroupMissing means DG1 or DG2 was not supplied or a supplied group is not hashed in EF.SOD.
	DataGroupMissing Verdict = "DATA_GROUP_MISSING"
	// DataGroupMalformed means a hash-verified data group could not be decoded.
	DataGroupMalformed Verdict = "DATA_GROUP_MALFORMED"
	// DGHashMismatch means a data group's hash differs from EF.SOD; Detail names it ("DG2").
	DGHashMismatch Verdict = "DG_HASH_MISMATCH"
	// SODSignatureInvalid means the document signer's signature over EF.SOD failed.
	SODSignatureInvalid Verdict = "SOD_SIGNATURE_INVALID"
	// AlgorithmUnsupported means a hash, signature scheme, key or curve is not accepted.
	AlgorithmUnsupported Verdict = "ALGORITHM_UNSUPPORTED"
	// CSCAUnknown means no trusted CSCA signed the document signer certificate.
	CSCAUnknown Verdict = "CSCA_UNKNOWN"
	// CertificateExpired means the DS or CSCA certificate is outside its validity period.
	CertificateExpired Verdict = "CERTIFICATE_EXPIRED"
	// DSRevoked means a current CRL of the CSCA lists the document signer.
	DSRevoked Verdict = "DS_REVOKED"
	// RevocationUnknown means no current CRL was at hand and the policy requires one.
	RevocationUnknown Verdict = "REVOCATION_UNKNOWN"
	// CountryMismatch means DG1's issuing state differs from the certificates' country.
	CountryMismatch Verdict = "COUNTRY_MISMATCH"
	// MRZCheckDigitInvalid means a check digit of DG1's MRZ is wrong; Detail names the field.
	MRZCheckDigitInvalid Verdict = "MRZ_CHECK_DIGIT_INVALID"
	// ConsentMismatch means the consent data (number, birth, expiry) differs from DG1.
	ConsentMismatch Verdict = "CONSENT_MISMATCH"
	// DocumentExpired means DG1's date of expiry has passed.
	DocumentExpired Verdict = "DOCUMENT_EXPIRED"
	// DocumentLostOrStolen means the issuing state and document number of
	// DG1 are on the configured list of documents reported lost or stolen.
	DocumentLostOrStolen Verdict = "DOCUMENT_LOST_OR_STOLEN"
	// AAFailed means EF.SOD lists DG15 and DG15 was not uploaded, or the
	// Active Authentication response is missing or did not verify.
	AAFailed Verdict = "AA_FAILED"
)

// Verdicts lists every verdict code, for documentation tables and tests.
func Verdicts() []Verdict {
	return []Verdict{
		Authentic, SODMalformed, DataGroupMissing, DataGroupMalformed, DGHashMismatch,
		SODSignatureInvalid, AlgorithmUnsupported, CSCAUnknown, CertificateExpired,
		DSRevoked, RevocationUnknown, CountryMismatch, MRZCheckDigitInvalid,
		ConsentMismatch, DocumentExpired, AAFailed, DocumentLostOrStolen,
	}
}
