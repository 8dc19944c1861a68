package profiles

import (
	"context"
	"time"
)

// Recorder receives the facts that grow profiles. The verifications
// module calls RecordVerification each time a verification is created or
// changes (status, steps, inputs); the NFC module calls RecordNFCResult when
// a session linked to a verification has its verdict. Calls are
// idempotent: recording the same facts twice changes nothing, and a later
// call replaces what an earlier one said about the same verification
// (status changes are merged by status and date). Facts may arrive in any
// order: an NFC result recorded before its verification is kept and
// applied when the verification arrives.
type Recorder interface {
	// RecordVerification records what a verification produced so far.
	RecordVerification(ctx context.Context, f VerificationFacts) error
	// RecordNFCResult records the verdict of an NFC session linked to a
	// verification.
	RecordNFCResult(ctx context.Context, f NFCFacts) error
	// ForgetVerification removes everything recorded about a verification
	// (its merchant deleted it); unknown verifications are not an error.
	ForgetVerification(ctx context.Context, merchantID, verificationID string) error
}

// Verification statuses that count in the history and risk rules. Other
// statuses (a running verification's) are recorded and shown as they are.
const (
	// StatusVerified is a verification that passed.
	StatusVerified = "verified"
	// StatusReviewNeeded is a verification sent to manual review.
	StatusReviewNeeded = "reviewNeeded"
	// StatusRejected is a verification that failed.
	StatusRejected = "rejected"
)

// VerificationFacts are what one verification tells about a person.
type VerificationFacts struct {
	// MerchantID is the merchant (token client id) owning the
	// verification. Required.
	MerchantID string
	// VerificationID is the verification's id. Required.
	VerificationID string
	// IdentityID is the merchant's identity the verification belongs to.
	IdentityID string
	// CreatedAt is when the verification was created. Required.
	CreatedAt time.Time
	// StatusChanges are the verification's status changes so far, with
	// their dates; new ones are merged with those recorded before.
	StatusChanges []StatusChange
	// CompletedSteps are the step ids (e.g. "selfie", "facematch") that
	// ended without an error; merits are earned from them (see Merits).
	CompletedSteps []string
	// Document is the identity document the merchant supplied with the
	// verification's inputs, or nil. A document without a number names no
	// profile and is ignored. A document read from an authentic NFC chip
	// (RecordNFCResult) takes precedence.
	Document *DocumentIdentity
	// Names are the person's full names as given (for watch-list
	// screening), e.g. "Jane Doe".
	Names []string
	// Contact is the contact data the person gave.
	Contact Contact
	// Signals are the request signals of the verification.
	Signals RequestSignals
	// FaceTemplate is the person's face template sealed with the
	// deployment's template key (biometric.SealTemplate), or nil. Only the
	// sealed form is stored; it is decrypted in memory for the 1:N search.
	FaceTemplate []byte
}

// StatusChange is one status a verification took, with its date.
type StatusChange struct {
	// Status is e.g. "verified", "reviewNeeded" or "rejected".
	Status string
	// At is when the verification took the status.
	At time.Time
}

// DocumentIdentity names an identity document. Values are normalised by
// NormalizeDocument; the profile id is built from them.
type DocumentIdentity struct {
	// Country is the issuing country, ISO 3166-1 alpha-2 or alpha-3
	// (including the MRZ codes such as "D" or "UTO").
	Country string
	// Type is the document type, e.g. "passport", "national-id",
	// "driving-license", or an MRZ document code ("P", "ID").
	Type string
	// Number is the document number.
	Number string
}

// Contact is contact data a person gave in a verification.
type Contact struct {
	// PhoneNumbers, Emails and Addresses as the person gave them.
	PhoneNumbers []string
	Emails       []string
	Addresses    []string
	// ShareConsent is true when the person agreed that other merchants
	// may see this contact data.
	ShareConsent bool
}

// RequestSignals are properties of the requests that carried a
// verification.
type RequestSignals struct {
	// IP is the end user's IP address, e.g. "203.0.113.7".
	IP string
	// Email is the e-mail address the person used.
	Email string
}

// NFCFacts are the outcome of an NFC session linked to a verification.
type NFCFacts struct {
	// MerchantID owns the verification the session is linked to.
	// Required.
	MerchantID string
	// VerificationID is the linked verification. Required.
	VerificationID string
	// Verdict is the chip verification's verdict (icao.Verdict, e.g.
	// "AUTHENTIC", "DS_REVOKED", "DG_HASH_MISMATCH") or a session outcome.
	Verdict string
	// Document is the document read from the chip's DG1, or nil. It
	// becomes the verification's document only when Verdict is AUTHENTIC.
	Document *DocumentIdentity
	// Names are the holder's names read from the chip, for watch-list
	// screening.
	Names []string
	// At is when the verdict was reached.
	At time.Time
}
