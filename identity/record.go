package identity

import (
	"encoding/json"
	"fmt"
	"time"

	"github.com/kycgate/kycgate/biometric"
	"github.com/kycgate/kycgate/store"
)

// Verification lifecycle states, kept in the store's status column and
// shown as the resource's status.
const (
	// StatusPending verifications wait for their inputs.
	StatusPending = "pending"
	// StatusRunning verifications are being processed.
	StatusRunning = "running"
	// StatusVerified verifications passed every step.
	StatusVerified = "verified"
	// StatusReviewNeeded verifications need a person to look at them.
	StatusReviewNeeded = "reviewNeeded"
	// StatusRejected verifications failed a decisive check.
	StatusRejected = "rejected"
)

// ended reports whether status is a final one.
func ended(status string) bool {
	return status == StatusVerified || status == StatusReviewNeeded || status == StatusRejected
}

// state is the verification's JSON document in the store.
type state struct {
	// Flow is the flow's steps and threshold when the verification
	// started; later edits of the flow do not change it.
	Flow flowSnapshot `json:"flow"`
	// Metadata is the merchant's metadata, merged with the previous
	// verification's on re-verification.
	Metadata Metadata `json:"metadata"`
	// PreviousVerificationID is the verification a re-verification
	// compares with.
	PreviousVerificationID string `json:"previousVerificationId,omitempty"`
	// IdentityDocument is the document known for the identity from its
	// previous verification, carried over on re-verification so that the
	// person's profile follows them.
	IdentityDocument *documentInfo `json:"identityDocument,omitempty"`
	// Inputs are the expected inputs.
	Inputs []inputState `json:"inputs"`
	// Steps are the flow's steps and their results.
	Steps []stepState `json:"steps"`
	// Captures are the faces extracted from the selfie photo and video,
	// by input type.
	Captures map[string]capture `json:"captures,omitempty"`
	// CompletedAt is when the verification ended.
	CompletedAt time.Time `json:"completedAt,omitzero"`
	// Person is what the merchant said of the person with the inputs (the
	// latest person part received): personal data, never rendered nor
	// logged; it feeds the person's profile.
	Person *Person `json:"person,omitempty"`
	// RequestIP is the IP address of the latest send-input request, as
	// the gateway saw its peer: personal data, never rendered nor logged.
	RequestIP string `json:"requestIp,omitempty"`
}

// flowSnapshot is the part of a flow a verification runs with.
type flowSnapshot struct {
	Steps              []string `json:"steps"`
	FacematchThreshold *float64 `json:"facematchThreshold,omitempty"`
}

// inputState is one expected input.
type inputState struct {
	// Type is the input type.
	Type string `json:"type"`
	// MediaKey is where the file is kept; empty until received.
	MediaKey string `json:"mediaKey,omitempty"`
	// ReceivedAt is when it arrived.
	ReceivedAt time.Time `json:"receivedAt,omitzero"`
	// Document describes a document photo.
	Document *documentInfo `json:"document,omitempty"`
}

// document returns the document of the verification: the one described
// with its document photo, else the one carried over from the identity's
// previous verification, else nil.
func (st *state) document() *documentInfo {
	if in, ok := st.input(InputDocumentPhoto); ok && in.Document != nil {
		return in.Document
	}
	return st.IdentityDocument
}

// received reports whether the input arrived.
func (in inputState) received() bool { return in.MediaKey != "" }

// documentInfo is what the merchant says about a document photo.
type documentInfo struct {
	Type    string `json:"type,omitempty"`
	Country string `json:"country,omitempty"`
	Region  string `json:"region,omitempty"`
	Page    string `json:"page,omitempty"`
	// Number is the document number: personal data, never rendered in the
	// verification resource nor logged; it feeds the profile id.
	Number string `json:"number,omitempty"`
}

// stepState is one step and its result.
type stepState struct {
	ID     string     `json:"id"`
	Status int        `json:"status"`
	Error  *StepError `json:"error,omitempty"`
	Output stepOutput `json:"output"`
}

// stepOutput holds what a step produced; media are kept as keys and turned
// into signed URLs when shown.
type stepOutput struct {
	PhotoKey               string   `json:"photoKey,omitempty"`
	VideoKey               string   `json:"videoKey,omitempty"`
	SpriteKey              string   `json:"spriteKey,omitempty"`
	FrameKey               string   `json:"frameKey,omitempty"`
	Score                  *float64 `json:"score,omitempty"`
	PreviousVerificationID string   `json:"previousVerificationId,omitempty"`
	PreviousPhotoKey       string   `json:"previousPhotoKey,omitempty"`
	PreviousVideoKey       string   `json:"previousVideoKey,omitempty"`
}

// capture is a face extracted from a selfie photo or video: its template
// sealed with AES-256-GCM, and the image's perceptual hash for replay
// checks.
type capture struct {
	SealedTemplate []byte                   `json:"sealedTemplate"`
	PerceptualHash biometric.PerceptualHash `json:"perceptualHash"`
}

// verification is a stored verification with its decoded state.
type verification struct {
	store.Verification
	state state
}

// decodeVerification decodes a stored verification.
func decodeVerification(v store.Verification) (*verification, error) {
	out := &verification{Verification: v}
	if err := json.Unmarshal(v.Document, &out.state); err != nil {
		return nil, fmt.Errorf("identity: decode verification: %w", err)
	}
	return out, nil
}

// encode writes the state back into the stored record.
func (v *verification) encode() (store.Verification, error) {
	doc, err := json.Marshal(v.state)
	if err != nil {
		return store.Verification{}, fmt.Errorf("identity: encode verification: %w", err)
	}
	rec := v.Verification
	rec.Document = doc
	return rec, nil
}

// input returns the expected input of a type.
func (s *state) input(inputType string) (*inputState, bool) {
	for i := range s.Inputs {
		if s.Inputs[i].Type == inputType {
			return &s.Inputs[i], true
		}
	}
	return nil, false
}

// step returns the state of a step.
func (s *state) step(id string) (*stepState, bool) {
	for i := range s.Steps {
		if s.Steps[i].ID == id {
			return &s.Steps[i], true
		}
	}
	return nil, false
}

// allInputsReceived reports whether every expected input arrived.
func (s *state) allInputsReceived() bool {
	for _, in := range s.Inputs {
		if !in.received() {
			return false
		}
	}
	return true
}

// mediaKey returns the media key of a received input, or "".
func (s *state) mediaKey(inputType string) string {
	if in, ok := s.input(inputType); ok {
		return in.MediaKey
	}
	return ""
}
