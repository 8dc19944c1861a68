package pipeline

import (
	"context"

	"github.com/kycgate/kycgate/biometric"
	"github.com/kycgate/kycgate/nfc/icao/lds"
	"github.com/kycgate/kycgate/nfc/result"
	"github.com/kycgate/kycgate/nfc/session"
)

// addFaces compares the DG2 portrait with the first selfie, scores every
// selfie for liveness and adds the images and vectors the partner asked for.
// A session without selfies (the partner's steps include none) gets no face
// match, no liveness and no flag about them: those fields stay null and the
// array empty.
func (p *Pipeline) addFaces(ctx context.Context, payload *result.Payload, opts session.Options, dg2 []byte, selfies [][]byte) {
	portraitJPEG := p.portrait(ctx, dg2)
	if opts.Sends(session.ScanDocFace) && portraitJPEG != nil {
		payload.DocFaceImage = b64(portraitJPEG)
	}
	if opts.NumImagesLiveness == 0 && len(selfies) == 0 {
		return
	}
	if opts.Sends(session.ScanSelfie) && len(selfies) > 0 {
		payload.SelfieImage = b64(selfies[0])
	}
	if p.Engine == nil || p.Engine.Name() == biometric.EngineNone {
		payload.Flag(result.FlagFaceNotCompared)
		payload.Flag(result.FlagLivenessNotMeasured)
		return
	}
	selfie := p.scoreLiveness(ctx, payload, selfies)
	var docTemplate *biometric.Template
	if portraitJPEG != nil {
		if t, err := p.Engine.Extract(ctx, portraitJPEG); err == nil {
			docTemplate = &t
		}
	}
	if opts.SendVectors {
		if docTemplate != nil {
			payload.DocFaceVector = docTemplate.Vector
		}
		if selfie != nil {
			payload.SelfieVector = selfie.Vector
		}
	}
	p.compare(payload, docTemplate, selfie)
}

// portrait returns the first DG2 facial image as JPEG, or nil.
func (p *Pipeline) portrait(ctx context.Context, dg2 []byte) []byte {
	if len(dg2) == 0 {
		return nil
	}
	faces, err := lds.ParseDG2(dg2)
	if err != nil || len(faces) == 0 {
		return nil
	}
	decoded, err := p.Portraits.Decode(ctx, faces[0])
	if err != nil {
		return nil
	}
	return decoded.JPEG
}

// scoreLiveness assesses every selfie and fills the liveness fields with
// the model's live-class probability as a percentage. The array keeps one
// entry per selfie, in upload order, so that entry i always describes
// selfie i: a selfie that could not be scored (no face, undecodable,
// liveness not measured) gets UnscoredLiveness and the flag
// LIVENESS_IMAGE_NOT_SCORED. liveness_confidence is the mean of the whole
// array when at least one selfie was scored; otherwise it stays null and
// LIVENESS_NOT_MEASURED is set. It returns the first selfie's template (nil
// without a usable face).
func (p *Pipeline) scoreLiveness(ctx context.Context, payload *result.Payload, selfies [][]byte) *biometric.Template {
	var first *biometric.Template
	var sum float64
	scored := 0
	scores := make([]float64, len(selfies))
	for i, image := range selfies {
		scores[i] = UnscoredLiveness
		a, err := p.Engine.AssessSelfie(ctx, image, nil)
		if err != nil {
			continue
		}
		if i == 0 {
			first = &a.Template
		}
		if live, ok := a.Signals.Get(biometric.SignalLivenessModel); ok && live.Measured {
			scores[i] = live.Value * 100
			sum += scores[i]
			scored++
		}
	}
	payload.LivenessConfidenceArray = scores
	if scored < len(selfies) {
		payload.Flag(result.FlagLivenessImageNotScored)
	}
	if scored == 0 {
		payload.Flag(result.FlagLivenessNotMeasured)
		return first
	}
	mean := sum / float64(len(selfies))
	payload.LivenessConfidence = &mean
	return first
}

// UnscoredLiveness is the liveness_confidence_array entry of a selfie that
// could not be scored: 0, the most conservative confidence, so that a
// partner taking the lowest value or the mean never reads an unscored
// image as live. The seed's array holds numbers only, hence no null.
const UnscoredLiveness = 0.0

// compare fills face_match (the distance (1 − cosine)/2, 0 to 1, smaller is
// closer) and face_match_confidence (the engine's calibrated 0–100 score).
func (p *Pipeline) compare(payload *result.Payload, doc, selfie *biometric.Template) {
	if doc == nil || selfie == nil {
		payload.Flag(result.FlagFaceNotCompared)
		return
	}
	c, err := p.Engine.Compare(*doc, *selfie, biometric.SelfieDocument)
	if err != nil {
		payload.Flag(result.FlagFaceNotCompared)
		return
	}
	distance := (1 - c.Cosine) / 2
	confidence := c.Score
	payload.FaceMatch, payload.FaceMatchConfidence = &distance, &confidence
	if !c.Match {
		payload.Flag(result.FlagFaceMismatch)
	}
}
