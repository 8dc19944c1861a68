package identity

import (
	"strings"
	"time"

	"github.com/kycgate/kycgate/media"
	"github.com/kycgate/kycgate/webhook"
)

// renderer turns stored state into the API's and the webhooks' JSON, with
// fresh signed media URLs.
type renderer struct {
	urls      *media.URLs
	publicURL string
}

// StepView is a step as the webhooks and the resource show it: status
// 0 before it ran and 200 after, its data (absent when it produced none) and
// its error (null when it passed).
type StepView struct {
	// Status is 0 before the step ran and 200 after.
	Status int `json:"status"`
	// ID is the step id.
	ID string `json:"id"`
	// Data is the step's result, with signed media URLs.
	Data map[string]any `json:"data,omitempty"`
	// Error is the step's error, nil when it passed.
	Error *StepError `json:"error"`
}

// MediaRef is the liveness step's selfieUrl object: the best frame's
// signed URL.
type MediaRef struct {
	// Media is the signed URL.
	Media string `json:"media"`
	// IsURL is always true: Media is a URL.
	IsURL bool `json:"isUrl"`
}

// resourceURL is the verification's URL, the envelopes' resource.
func (r renderer) resourceURL(verificationID string) string {
	return strings.TrimSuffix(r.publicURL, "/") + "/v2/verifications/" + verificationID
}

// url signs key for merchantID; an empty key gives nil (JSON null).
func (r renderer) url(merchantID, key string) any {
	if key == "" {
		return nil
	}
	return r.urls.URL(merchantID, key)
}

// step renders one step.
func (r renderer) step(merchantID string, s stepState) StepView {
	return StepView{Status: s.Status, ID: s.ID, Data: r.stepData(merchantID, s), Error: s.Error}
}

// stepData renders a step's data as the seeds show it, or nil when the step
// produced nothing.
func (r renderer) stepData(merchantID string, s stepState) map[string]any {
	o := s.Output
	switch s.ID {
	case StepSelfie:
		if o.PhotoKey != "" {
			return map[string]any{"selfiePhotoUrl": r.url(merchantID, o.PhotoKey)}
		}
	case StepLiveness:
		return r.livenessData(merchantID, o)
	case StepFacematch:
		if o.Score != nil {
			return map[string]any{"score": *o.Score}
		}
	case StepReFacematch:
		return r.reFacematchData(merchantID, o)
	}
	return nil
}

func (r renderer) livenessData(merchantID string, o stepOutput) map[string]any {
	if o.VideoKey == "" {
		return nil
	}
	// The seed's keys are always present: the sprite and the best frame
	// are null when the video could not be processed (e.g. a step timeout).
	data := map[string]any{"videoUrl": r.url(merchantID, o.VideoKey), "spriteUrl": r.url(merchantID, o.SpriteKey), "selfieUrl": nil}
	if o.FrameKey != "" {
		data["selfieUrl"] = MediaRef{Media: r.urls.URL(merchantID, o.FrameKey), IsURL: true}
	}
	return data
}

func (r renderer) reFacematchData(merchantID string, o stepOutput) map[string]any {
	if o.PreviousVerificationID == "" {
		return nil
	}
	data := map[string]any{
		"currentSelfiePhotoUrl":  r.url(merchantID, o.PhotoKey),
		"currentSelfieVideoUrl":  r.url(merchantID, o.VideoKey),
		"previousSelfiePhotoUrl": r.url(merchantID, o.PreviousPhotoKey),
		"previousSelfieVideoUrl": r.url(merchantID, o.PreviousVideoKey),
		"previousVerificationId": o.PreviousVerificationID,
	}
	if o.Score != nil {
		data["facematchScore"] = *o.Score
	}
	return data
}

// envelope is a webhook body: the seed's metadata, resource, step,
// eventName, flowId and timestamp, plus the outcome on
// verification_completed.
type envelope struct {
	Metadata       Metadata  `json:"metadata"`
	Resource       string    `json:"resource"`
	Step           *StepView `json:"step,omitempty"`
	EventName      string    `json:"eventName"`
	FlowID         string    `json:"flowId"`
	Timestamp      string    `json:"timestamp"`
	IdentityStatus string    `json:"identityStatus,omitempty"`
	Status         string    `json:"status,omitempty"`
}

// Event names.
const (
	EventVerificationStarted         = "verification_started"
	EventVerificationInputsCompleted = "verification_inputs_completed"
	EventStepCompleted               = "step_completed"
	EventVerificationCompleted       = "verification_completed"
)

// envelope returns the webhook body of an event about v.
func (r renderer) envelope(v *verification, eventName string, step *stepState, at time.Time) envelope {
	e := envelope{
		Metadata:  nonNil(v.state.Metadata),
		Resource:  r.resourceURL(v.ID),
		EventName: eventName,
		FlowID:    v.FlowID,
		Timestamp: webhook.FormatTimestamp(at),
	}
	if step != nil {
		view := r.step(v.MerchantID, *step)
		e.Step = &view
	}
	if eventName == EventVerificationCompleted {
		e.IdentityStatus, e.Status = v.Status, v.Status
	}
	return e
}

// VerificationView is the verification resource of the API.
type VerificationView struct {
	// ID is the verificationId.
	ID string `json:"id"`
	// Identity is the identityId.
	Identity string `json:"identity"`
	// FlowID is the flow the verification runs.
	FlowID string `json:"flowId"`
	// Status is pending, running, verified, reviewNeeded or rejected.
	Status string `json:"status"`
	// Expired is true when the input window passed before every input
	// arrived.
	Expired bool `json:"expired"`
	// Metadata is the merchant's metadata, merged on re-verification.
	Metadata Metadata `json:"metadata"`
	// Inputs are the expected inputs.
	Inputs []InputView `json:"inputs"`
	// Steps are the flow's steps with their results.
	Steps []StepView `json:"steps"`
	// Documents are the received document photos.
	Documents []DocumentView `json:"documents"`
	// PreviousVerificationID is the verification a re-verification
	// compares with.
	PreviousVerificationID string `json:"previousVerificationId,omitempty"`
	// CreatedAt and CompletedAt are RFC 3339 UTC with milliseconds.
	CreatedAt   string `json:"createdAt"`
	CompletedAt string `json:"completedAt,omitempty"`
}

// InputView is an expected input: status 200 once received, 0 before.
type InputView struct {
	// ID is the input type.
	ID string `json:"id"`
	// Status is 200 once received, 0 before.
	Status int `json:"status"`
	// Optional is always false: a flow's inputs are all needed.
	Optional bool `json:"optional"`
}

// DocumentView is a received document photo with what the merchant said
// about it.
type DocumentView struct {
	// Type, Country, Region and Page are what the merchant sent.
	Type    string `json:"type"`
	Country string `json:"country"`
	Region  string `json:"region"`
	Page    string `json:"page"`
	// Photos are the signed URLs of the document photos.
	Photos []string `json:"photos"`
	// Steps are document checks; none are run.
	Steps []StepView `json:"steps"`
}

// resource renders v; expired says whether its input window has passed.
func (r renderer) resource(v *verification, expired bool) VerificationView {
	out := VerificationView{
		ID:                     v.ID,
		Identity:               v.IdentityID,
		FlowID:                 v.FlowID,
		Status:                 v.Status,
		Expired:                expired,
		Metadata:               nonNil(v.state.Metadata),
		Inputs:                 []InputView{},
		Steps:                  []StepView{},
		Documents:              []DocumentView{},
		PreviousVerificationID: v.state.PreviousVerificationID,
		CreatedAt:              webhook.FormatTimestamp(v.CreatedAt),
	}
	if !v.state.CompletedAt.IsZero() {
		out.CompletedAt = webhook.FormatTimestamp(v.state.CompletedAt)
	}
	for _, in := range v.state.Inputs {
		view := InputView{ID: in.Type}
		if in.received() {
			view.Status = stepDone
		}
		out.Inputs = append(out.Inputs, view)
		if in.Type == InputDocumentPhoto && in.received() {
			out.Documents = append(out.Documents, r.document(v.MerchantID, in))
		}
	}
	for _, s := range v.state.Steps {
		out.Steps = append(out.Steps, r.step(v.MerchantID, s))
	}
	return out
}

func (r renderer) document(merchantID string, in inputState) DocumentView {
	d := DocumentView{Photos: []string{r.urls.URL(merchantID, in.MediaKey)}, Steps: []StepView{}}
	if in.Document != nil {
		d.Type, d.Country, d.Region, d.Page = in.Document.Type, in.Document.Country, in.Document.Region, in.Document.Page
	}
	return d
}

// nonNil returns m, or an empty map for nil so JSON shows {}.
func nonNil(m Metadata) Metadata {
	if m == nil {
		return Metadata{}
	}
	return m
}
