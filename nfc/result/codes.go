// Package result is the NFC result webhook of seed 003: its JSON shape,
// the code and message of every outcome, and the document data mapped from
// the verified DG1 and DG11.
package result

import "github.com/kycgate/kycgate/nfc/icao"

// Outcome is one row of the result code table: a verdict of the chip
// verification or a session outcome, with the webhook's code and message.
type Outcome struct {
	// Name is the verdict or session outcome, e.g. DG_HASH_MISMATCH.
	Name string
	// Code is the webhook's code; 0 only for an authentic document.
	Code int
	// Message is the webhook's message; empty for an authentic document.
	Message string
	// Meaning explains the outcome for the documentation table.
	Meaning string
}

// Seed messages of the result webhook.
const (
	MsgTampered     = "Invalid or tampered data"
	MsgNotSupported = "Document not supported"
	MsgExpired      = "Session expired"
	MsgLostStolen   = "Document reported lost or stolen"
)

// Session outcomes that are not chip verdicts.
const (
	// SessionExpired means the code was not redeemed or the upload did not
	// arrive in time.
	SessionExpired = "SESSION_EXPIRED"
	// VerificationFailed means the verification could not be completed.
	VerificationFailed = "VERIFICATION_FAILED"
)

// outcomes is the code table, in documentation order.
var outcomes = []Outcome{
	{string(icao.Authentic), 0, "", "every check passed: the document is authentic"},
	{SessionExpired, 101, MsgExpired, "the init code was not redeemed, or the chip data not uploaded, in time"},
	{string(icao.SODMalformed), 201, MsgTampered, "EF.SOD could not be decoded or lacks its signer certificate"},
	{string(icao.DataGroupMissing), 202, MsgTampered, "DG1 or DG2 is missing, or a data group is not listed in EF.SOD"},
	{string(icao.DataGroupMalformed), 203, MsgTampered, "a hash-verified data group could not be decoded"},
	{string(icao.DGHashMismatch), 204, MsgTampered, "a data group's hash differs from EF.SOD"},
	{string(icao.SODSignatureInvalid), 205, MsgTampered, "the document signer's signature over EF.SOD is invalid"},
	{string(icao.CountryMismatch), 206, MsgTampered, "DG1's issuing state differs from the certificates' country"},
	{string(icao.MRZCheckDigitInvalid), 207, MsgTampered, "a check digit of DG1's MRZ is wrong"},
	{string(icao.AAFailed), 208, MsgTampered, "Active Authentication failed: EF.SOD lists DG15 but DG15 or the chip's response is missing, or the response does not verify (possible clone)"},
	{string(icao.AlgorithmUnsupported), 301, MsgNotSupported, "a hash, signature scheme, key or curve is not accepted"},
	{string(icao.CSCAUnknown), 302, MsgNotSupported, "no trusted CSCA issued the document signer certificate"},
	{string(icao.CertificateExpired), 401, "Document certificate expired", "the document signer or CSCA certificate is outside its validity period"},
	{string(icao.DSRevoked), 402, "Document signer revoked", "a current CRL of the CSCA lists the document signer"},
	{string(icao.RevocationUnknown), 403, "Revocation status unknown", "no current CRL was at hand and the policy requires one"},
	{string(icao.ConsentMismatch), 501, "Consent data does not match the document", "the document number, birth or expiry date entered differs from DG1"},
	{string(icao.DocumentExpired), 502, "Document expired", "DG1's date of expiry has passed"},
	{string(icao.DocumentLostOrStolen), 503, MsgLostStolen, "the issuing state and document number are on the configured lost-and-stolen list"},
	{VerificationFailed, 901, "Verification could not be completed", "an internal error stopped the verification"},
}

// Outcomes returns the code table, in documentation order.
func Outcomes() []Outcome {
	return append([]Outcome(nil), outcomes...)
}

// Lookup returns the row of a verdict or session outcome. Unknown names
// map to VERIFICATION_FAILED, so no unlisted code ever reaches a partner.
func Lookup(name string) Outcome {
	for _, o := range outcomes {
		if o.Name == name {
			return o
		}
	}
	return Lookup(VerificationFailed)
}
