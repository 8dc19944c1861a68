package identity

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/kycgate/kycgate/biometric"
)

func TestSelfieVerdictMapsSignalsToTheSeedCodes(t *testing.T) {
	signals := func(flagged ...string) biometric.Signals {
		s := biometric.Signals{Statement: biometric.PADStatement}
		for _, name := range []string{biometric.SignalLivenessModel, biometric.SignalSharpness, biometric.SignalExposure,
			biometric.SignalClipping, biometric.SignalFaceCount, biometric.SignalFaceSize, biometric.SignalPose,
			biometric.SignalMoire, biometric.SignalMetadata, biometric.SignalReplay} {
			s.Items = append(s.Items, biometric.Signal{Name: name, Measured: true, Flagged: contains(flagged, name)})
		}
		return s
	}
	tests := []struct {
		name    string
		signals biometric.Signals
		want    string
	}{
		{"nothing flagged", signals(), ""},
		{"replay", signals(biometric.SignalReplay, biometric.SignalMetadata), CodeFraudAttempt},
		{"editing traces", signals(biometric.SignalMetadata, biometric.SignalMoire), CodeTampered},
		{"moiré and liveness model", signals(biometric.SignalMoire, biometric.SignalLivenessModel), CodeDigitalSpoofCritical},
		{"moiré alone", signals(biometric.SignalMoire, biometric.SignalSharpness), CodeDigitalSpoofMedium},
		{"liveness model alone", signals(biometric.SignalLivenessModel), CodeDigitalSpoofMedium},
		{"blur", signals(biometric.SignalSharpness), CodeNegligence},
		{"dark", signals(biometric.SignalExposure), CodeNegligence},
		{"turned away", signals(biometric.SignalPose), CodeNegligence},
		{"small face", signals(biometric.SignalFaceSize), CodeNegligence},
		{"unmeasured signal", biometric.Signals{Items: []biometric.Signal{{Name: biometric.SignalReplay, Flagged: true}}}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := selfieVerdict(tt.signals)
			if tt.want == "" {
				assert.Nil(t, got)
				return
			}
			if assert.NotNil(t, got) {
				assert.Equal(t, tt.want, got.Code)
				assert.Equal(t, typeStepError, got.Type)
			}
		})
	}
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func TestDecideStatus(t *testing.T) {
	done := func(e *StepError) stepState { return stepState{ID: StepSelfie, Status: stepDone, Error: e} }
	tests := []struct {
		name  string
		steps []stepState
		want  string
	}{
		{"all passed", []stepState{done(nil), done(nil)}, StatusVerified},
		{"medium spoof", []stepState{done(&errDigitalSpoofMedium), done(nil)}, StatusReviewNeeded},
		{"negligence", []stepState{done(&errNegligence)}, StatusReviewNeeded},
		{"missing input", []stepState{done(&errInputFailed), done(&errNodeFailed)}, StatusReviewNeeded},
		{"timeout", []stepState{done(&errStepTimeout)}, StatusReviewNeeded},
		{"internal", []stepState{done(&errInternal)}, StatusReviewNeeded},
		{"fraud attempt", []stepState{done(&errFraudAttempt)}, StatusRejected},
		{"tampered", []stepState{done(&errTampered)}, StatusRejected},
		{"critical spoof", []stepState{done(&errDigitalSpoofCritical)}, StatusRejected},
		{"failed liveness", []stepState{done(&errLivenessFailed)}, StatusRejected},
		{"face not the document's", []stepState{done(nil), done(&errFaceMismatch)}, StatusRejected},
		{"not the same person", []stepState{done(&errNegligence), done(&errNotConfident)}, StatusRejected},
		{"other legacy error", []stepState{done(&StepError{Type: typeLegacyError, Code: CodeLegacyError, Message: "selfie_id download error"})}, StatusReviewNeeded},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, decide(tt.steps))
		})
	}
}

func TestMergeMetadataKeepsBothWithTheCurrentWinning(t *testing.T) {
	raw := func(s string) json.RawMessage { return json.RawMessage(s) }
	assert.Nil(t, mergeMetadata(nil, nil))
	assert.Equal(t, Metadata{"a": raw(`"original"`), "b": raw(`"current"`), "c": raw(`"new"`)},
		mergeMetadata(Metadata{"a": raw(`"original"`), "b": raw(`"old"`)}, Metadata{"b": raw(`"current"`), "c": raw(`"new"`)}))
	original := Metadata{"a": raw("1")}
	_ = mergeMetadata(original, Metadata{"a": raw("2")})
	assert.Equal(t, raw("1"), original["a"], "the original is not changed")
}
