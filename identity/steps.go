package identity

// Step ids, as in the seeds' webhooks.
const (
	// StepSelfie is passive liveness and fraud checks on a selfie photo.
	StepSelfie = "selfie"
	// StepLiveness is liveness on a selfie video.
	StepLiveness = "liveness"
	// StepFacematch compares the selfie with the document photo.
	StepFacematch = "facematch"
	// StepReFacematch compares the selfie with the one of the identity's
	// previous verification.
	StepReFacematch = "re-facematch"
)

// stepOrder is the order in which steps run and are listed.
var stepOrder = []string{StepSelfie, StepLiveness, StepFacematch, StepReFacematch}

// Input types of send-input.
const (
	// InputSelfiePhoto is a selfie photo (JPEG, PNG or WebP).
	InputSelfiePhoto = "selfie-photo"
	// InputSelfieVideo is a selfie video (MP4, WebM or QuickTime).
	InputSelfieVideo = "selfie-video"
	// InputDocumentPhoto is a photo of the identity document's page with
	// the portrait.
	InputDocumentPhoto = "document-photo"
)

// inputOrder is the order in which inputs are listed.
var inputOrder = []string{InputSelfiePhoto, InputSelfieVideo, InputDocumentPhoto}

// stepInput is the input each step consumes itself; the comparison steps
// also need a capture from the selfie or liveness step.
var stepInput = map[string]string{
	StepSelfie:    InputSelfiePhoto,
	StepLiveness:  InputSelfieVideo,
	StepFacematch: InputDocumentPhoto,
}

// Step statuses of the resource and the webhooks.
const (
	// stepPending steps have not run yet.
	stepPending = 0
	// stepDone steps have run, with or without an error.
	stepDone = 200
)

// isVideoInput reports whether an input type is a video.
func isVideoInput(inputType string) bool { return inputType == InputSelfieVideo }
