package identity

// StepError is a step's error as the webhooks show it.
type StepError struct {
	// Type is StepError, SystemError or LegacyError.
	Type string `json:"type"`
	// Code is the machine-readable code, e.g. "facematch.notConfidentComparison".
	Code string `json:"code"`
	// Message is the seed's human-readable text.
	Message string `json:"message"`
	// ReasonCode refines some codes, e.g. "notConfidentComparison".
	ReasonCode string `json:"reasonCode,omitempty"`
}

// Error types.
const (
	typeStepError   = "StepError"
	typeSystemError = "SystemError"
	typeLegacyError = "LegacyError"
)

// Error codes of the seeds.
const (
	CodeInputFailed                = "input.failed"
	CodeNodeFailed                 = "node.failed"
	CodeInternalError              = "system.internalError"
	CodeLegacyError                = "legacy.error"
	CodeFraudAttempt               = "selfieFraudDetection.fraudAttempt"
	CodeNegligence                 = "selfieFraudDetection.negligence"
	CodeTampered                   = "selfieFraudDetection.tampered"
	CodeDigitalSpoofMedium         = "selfieFraudDetection.digitalSpoofAttackMedium"
	CodeDigitalSpoofCritical       = "selfieFraudDetection.digitalSpoofAttackCritical"
	CodeFaceEvasionMedium          = "selfieFraudDetection.faceEvasionAttackMedium"
	CodeFaceEvasionCritical        = "selfieFraudDetection.faceEvasionAttackCritical"
	CodeUnderage                   = "selfieFraudDetection.underage"
	CodeNotConfidentComparison     = "facematch.notConfidentComparison"
	reasonNotConfidentComparison   = "notConfidentComparison"
	messageLivenessFailed          = "User did not pass liveness"
	messageFaceDidNotMatchDocument = "The face did not match the document"
)

// The errors the steps raise, with the seeds' messages.
var (
	errInputFailed = StepError{Type: typeStepError, Code: CodeInputFailed, Message: "Cannot meet dependent input"}
	errNodeFailed  = StepError{Type: typeStepError, Code: CodeNodeFailed, Message: "Cannot meet dependent node"}
	errInternal    = StepError{Type: typeSystemError, Code: CodeInternalError, Message: "Internal error"}
	errStepTimeout = StepError{Type: typeSystemError, Code: CodeInternalError, Message: "Step timeout"}

	errFraudAttempt         = StepError{Type: typeStepError, Code: CodeFraudAttempt, Message: "Selfie is considered as fraud attempt"}
	errNegligence           = StepError{Type: typeStepError, Code: CodeNegligence, Message: "Selfie is considered as negligence"}
	errTampered             = StepError{Type: typeStepError, Code: CodeTampered, Message: "Selfie is considered tampered"}
	errDigitalSpoofMedium   = StepError{Type: typeStepError, Code: CodeDigitalSpoofMedium, Message: "Selfie is considered as medium severity digital spoof attack"}
	errDigitalSpoofCritical = StepError{Type: typeStepError, Code: CodeDigitalSpoofCritical, Message: "Selfie is considered as critical severity digital spoof attack"}

	errLivenessFailed = StepError{Type: typeLegacyError, Code: CodeLegacyError, Message: messageLivenessFailed}
	errFaceMismatch   = StepError{Type: typeLegacyError, Code: CodeLegacyError, Message: messageFaceDidNotMatchDocument}
	errNotConfident   = StepError{Type: typeStepError, Code: CodeNotConfidentComparison,
		Message: "The person on photos might not be the same", ReasonCode: reasonNotConfidentComparison}
)
