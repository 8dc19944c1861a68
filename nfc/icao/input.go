package icao

import (
	"time"

	"github.com/kycgate/kycgate/nfc/icao/lds"
	"github.com/kycgate/kycgate/nfc/icao/trust"
)

// ChipData is what the reader app read from the chip, as received.
type ChipData struct {
	// SOD is EF.SOD.
	SOD []byte
	// DataGroups maps data group numbers to the file bytes as read.
	DataGroups map[int][]byte
	// Challenge is the 8-byte Active Authentication challenge the server issued.
	Challenge []byte
	// AASignature is the chip's response to Challenge (empty when not performed).
	AASignature []byte
}

// Consent is the data the user typed or scanned to open the chip (BAC/PACE
// by MRZ). Dates are YYMMDD as in the MRZ.
type Consent struct {
	DocumentNumber string
	DateOfBirth    string
	DateOfExpiry   string
}

// RevocationPolicy decides what happens when no current CRL of the CSCA is
// in the trust store.
type RevocationPolicy int

// The revocation policies.
const (
	// RevocationRequire fails with REVOCATION_UNKNOWN without a current CRL.
	RevocationRequire RevocationPolicy = iota
	// RevocationAllowUnknown accepts the document and reports the gap in Result.
	RevocationAllowUnknown
)

// DocumentList is a list of documents reported lost or stolen, keyed by
// the MRZ's issuing state and document number (package loststolen).
type DocumentList interface {
	Listed(issuingState, documentNumber string) bool
}

// Options configure Verify.
type Options struct {
	// Trust holds the CSCA certificates and CRLs. Required.
	Trust *trust.Store
	// Now is the verification time; the current time when zero.
	Now time.Time
	// Consent, when set, must match DG1.
	Consent *Consent
	// Revocation is the policy without a current CRL.
	Revocation RevocationPolicy
	// LostOrStolen, when set, is consulted once passive authentication
	// passed and DG1 was read.
	LostOrStolen DocumentList
}

// Document is the verified content of DG1.
type Document struct {
	DocumentCode   string
	IssuingState   string
	DocumentNumber string
	Surname        string
	GivenNames     string
	Nationality    string
	DateOfBirth    string
	Sex            string
	DateOfExpiry   string
	OptionalData1  string
	OptionalData2  string
	MRZFormat      string
}

// Result is the outcome of Verify.
type Result struct {
	// Verdict is AUTHENTIC or the first failure's code.
	Verdict Verdict
	// Detail explains the failure without personal data (e.g. "DG2").
	Detail string
	// Document holds DG1's fields once its hash verified.
	Document *Document
	// Additional holds DG11's fields when present and hash-verified.
	Additional *lds.DG11
	// PassiveAuthentication reports that EF.SOD, the data groups and the chain verified.
	PassiveAuthentication bool
	// RevocationChecked reports that a current CRL was consulted.
	RevocationChecked bool
	// ActiveAuthenticationSupported reports that EF.SOD lists DG15 or DG15
	// was uploaded.
	ActiveAuthenticationSupported bool
	// ActiveAuthentication reports that the AA response verified.
	ActiveAuthentication bool
	// ChipAuthenticationSupported reports Chip Authentication infos in DG14.
	ChipAuthenticationSupported bool
	// SignatureAlgorithm describes the document signer's algorithm.
	SignatureAlgorithm string
	// DocumentSignerCountry is the C attribute of the DS certificate.
	DocumentSignerCountry string
	// SODFingerprint is the hex SHA-256 of EF.SOD as received; the same
	// value in another session means the same chip data was replayed.
	SODFingerprint string
}
