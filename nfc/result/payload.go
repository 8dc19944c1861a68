package result

import "encoding/json"

// Result values of the envelope.
const (
	Ok  = "Ok"
	Err = "Err"
)

// Flags are additions to the seed's webhook: facts the partner may want to
// weigh that do not change the verdict.
const (
	// FlagSODSeenElsewhere means the same EF.SOD was uploaded in another
	// session (the same document read again, or its data replayed).
	FlagSODSeenElsewhere = "SOD_SEEN_IN_OTHER_SESSION"
	// FlagRevocationNotChecked means no current CRL was at hand.
	FlagRevocationNotChecked = "REVOCATION_NOT_CHECKED"
	// FlagNoActiveAuthentication means the chip does not support Active
	// Authentication, so a copy of its data cannot be told from the chip.
	FlagNoActiveAuthentication = "ACTIVE_AUTHENTICATION_NOT_SUPPORTED"
	// FlagFaceNotCompared means no face comparison could be made (no
	// usable face, or no face engine).
	FlagFaceNotCompared = "FACE_NOT_COMPARED"
	// FlagFaceMismatch means the selfie does not reach the selfie-document
	// threshold of the face engine.
	FlagFaceMismatch = "FACE_MISMATCH"
	// FlagLivenessNotMeasured means no selfie could be scored for liveness.
	FlagLivenessNotMeasured = "LIVENESS_NOT_MEASURED"
	// FlagLivenessImageNotScored means at least one selfie could not be
	// scored; its liveness_confidence_array entry is 0.
	FlagLivenessImageNotScored = "LIVENESS_IMAGE_NOT_SCORED"
)

// Flags lists every flag, for documentation tables and tests.
func Flags() []string {
	return []string{
		FlagSODSeenElsewhere, FlagRevocationNotChecked, FlagNoActiveAuthentication,
		FlagFaceNotCompared, FlagFaceMismatch, FlagLivenessNotMeasured, FlagLivenessImageNotScored,
	}
}

// Payload is the body of the result webhook, seed 003's shape with two
// additions: verdict (the chip verdict code) and flags.
type Payload struct {
	Result                  string    `json:"result"`
	Code                    int       `json:"code"`
	Message                 string    `json:"message"`
	Ref                     string    `json:"ref"`
	Data                    Data      `json:"data"`
	FaceMatch               *float64  `json:"face_match"`
	FaceMatchConfidence     *float64  `json:"face_match_confidence"`
	LivenessConfidence      *float64  `json:"liveness_confidence"`
	LivenessConfidenceArray []float64 `json:"liveness_confidence_array"`
	DocFaceImage            string    `json:"doc_face_image,omitempty"`
	DocFaceVector           []float32 `json:"doc_face_vector,omitempty"`
	SelfieImage             string    `json:"selfie_image,omitempty"`
	SelfieVector            []float32 `json:"selfie_vector,omitempty"`
	Verdict                 string    `json:"verdict"`
	Flags                   []string  `json:"flags"`
}

// New returns the payload of an outcome with empty face fields.
func New(outcome, ref string) Payload {
	o := Lookup(outcome)
	p := Payload{Result: Ok, Code: o.Code, Message: o.Message, Ref: ref, Verdict: o.Name,
		LivenessConfidenceArray: []float64{}, Flags: []string{}}
	if o.Code != 0 {
		p.Result = Err
	}
	return p
}

// Flag adds a flag once.
func (p *Payload) Flag(flag string) {
	for _, f := range p.Flags {
		if f == flag {
			return
		}
	}
	p.Flags = append(p.Flags, flag)
}

// Marshal encodes the payload.
func (p Payload) Marshal() ([]byte, error) {
	return json.Marshal(p)
}
