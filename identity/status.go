package identity

// rejectingErrors are the step errors that reject a verification: the
// person failed a decisive check.
var rejectingErrors = map[string]bool{
	CodeFraudAttempt:           true,
	CodeTampered:               true,
	CodeDigitalSpoofCritical:   true,
	CodeFaceEvasionCritical:    true,
	CodeUnderage:               true,
	CodeNotConfidentComparison: true,
}

// rejectingLegacyMessages are the legacy errors that reject: a failed video
// liveness and a face that does not match the document.
var rejectingLegacyMessages = map[string]bool{
	messageLivenessFailed:          true,
	messageFaceDidNotMatchDocument: true,
}

// decide derives the verification's status from its finished steps:
//
//   - rejected when a step has a rejecting error (fraud attempt, tampered,
//     critical digital spoof or face evasion, underage, a failed video
//     liveness, a face that does not match the document or the previous
//     selfie);
//   - otherwise reviewNeeded when any step has an error (medium severity
//     spoofs, negligence, a missing input, a failed prerequisite, a system
//     error or timeout);
//   - otherwise verified.
func decide(steps []stepState) string {
	status := StatusVerified
	for _, s := range steps {
		if s.Error == nil {
			continue
		}
		if rejectingErrors[s.Error.Code] || (s.Error.Code == CodeLegacyError && rejectingLegacyMessages[s.Error.Message]) {
			return StatusRejected
		}
		status = StatusReviewNeeded
	}
	return status
}
