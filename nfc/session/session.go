package session

import (
	"slices"
	"time"
)

// Scan names an image the partner asks to receive in the result webhook.
type Scan string

// The scans of send_scan.
const (
	// ScanSelfie sends the selfie image.
	ScanSelfie Scan = "selfie"
	// ScanDocFace sends the portrait read from the chip (DG2).
	ScanDocFace Scan = "docface"
)

// Options are the partner's choices for one session, after the session_init
// options were merged over the partner's settings.
type Options struct {
	// ForceMRZConsent lets the user type the consent data when MRZ scanning
	// fails.
	ForceMRZConsent bool `json:"force_mrz_consent"`
	// NoMRZConsent drops the consent screen: the partner's steps do not
	// include it, so the upload's consent data is optional (checked
	// against DG1 when sent). Stored negated so that sessions persisted
	// before the setting existed keep the screen.
	NoMRZConsent bool `json:"no_mrz_consent,omitempty"`
	// NumImagesLiveness is the number of selfie images the app takes; 0
	// when the partner's steps include no selfie, and the result then
	// carries no face match or liveness.
	NumImagesLiveness int `json:"num_images_liveness"`
	// Webhook is the URL the result is posted to.
	Webhook string `json:"webhook"`
	// RedirectURL is where the app sends the user after the partner's OK;
	// empty shows the closing message instead.
	RedirectURL string `json:"redirect_url"`
	// SendScan lists the images the webhook carries.
	SendScan []Scan `json:"send_scan"`
	// SendVectors adds the face templates to the webhook.
	SendVectors bool `json:"send_vectors"`
	// ConfirmationTimeout is how long the partner has to confirm the
	// webhook before the session errors.
	ConfirmationTimeout time.Duration `json:"confirmation_timeout"`
	// VerificationID links the session to a verification of the
	// partner's merchant (session_init's options.verification_id); its
	// result then feeds that person's profile. Empty links nothing.
	VerificationID string `json:"verification_id,omitempty"`
}

// Sends reports whether the webhook carries scan.
func (o Options) Sends(scan Scan) bool {
	return slices.Contains(o.SendScan, scan)
}

// Session is one NFC session as persisted.
type Session struct {
	// ID is the session's random identifier (a UUID).
	ID string
	// PartnerID names the partner that started the session.
	PartnerID string
	// Ref is the partner's own reference, returned in the webhook.
	Ref string
	// Method is the partner's method, e.g. "enroll".
	Method string
	// Options are the session's options.
	Options Options
	// InitCode is the 4-character code shown to the user.
	InitCode string
	// State is the current state.
	State State
	// CreatedAt and UpdatedAt are set by the store.
	CreatedAt, UpdatedAt time.Time
	// Deadline is when the current state times out: the code's expiry in
	// Created, the upload's in Redeemed and Uploaded, the partner's
	// confirmation in Verified and Delivered. Zero in terminal states.
	Deadline time.Time
	// UploadTokenHash is the SHA-256 of the upload token handed out at
	// redemption (never the token itself).
	UploadTokenHash []byte
	// Challenge is the 8-byte Active Authentication challenge.
	Challenge []byte
	// SODFingerprint is the hex SHA-256 of the uploaded EF.SOD.
	SODFingerprint string
	// ResultCode is the webhook's code (0 for Ok) once known.
	ResultCode int
	// Verdict is the chip verdict (e.g. AUTHENTIC) once known.
	Verdict string
	// Reason says, without personal data, why the session errored or
	// expired.
	Reason string
}

// Update is what a transition writes besides the new state. Zero fields
// are left as stored, except Deadline, which is always written.
type Update struct {
	// Deadline is the new state's deadline (zero for none).
	Deadline time.Time
	// UploadTokenHash is set by redemption.
	UploadTokenHash []byte
	// Challenge is set by redemption.
	Challenge []byte
	// SODFingerprint is set by the upload.
	SODFingerprint string
	// ResultCode and Verdict are set by verification.
	ResultCode *int
	Verdict    string
	// Reason is set when the session errors or expires.
	Reason string
}
