package identity

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"maps"

	"github.com/kycgate/kycgate/camara"
	"github.com/kycgate/kycgate/store"
)

// StartRequest is the body of POST /v2/verifications.
type StartRequest struct {
	// FlowID is the merchant's flow to run.
	FlowID string `json:"flowId"`
	// IdentityID re-verifies an existing identity; empty creates one.
	IdentityID string `json:"identityId,omitempty"`
	// Metadata is the merchant's data, returned in every webhook. Each
	// value is kept as the JSON the merchant sent, so numbers beyond
	// float64's precision come back exactly.
	Metadata Metadata `json:"metadata,omitempty"`
}

// StartVerification creates a verification of merchantID through the
// request's flow. With an identity id, the identity must be the merchant's
// and have an earlier verification with a biometric check: its metadata is
// merged under the request's and a re-facematch step compares with its
// selfie. A flow with re-facematch needs an identity id.
func (s *Service) StartVerification(ctx context.Context, merchantID string, req StartRequest) (VerificationView, error) {
	flow, err := s.flow(ctx, merchantID, req.FlowID)
	if err != nil && !errors.Is(err, errSecretUnopened) { // the steps are known; only the webhooks wait for a new secret
		return VerificationView{}, err
	}
	v := &verification{Verification: store.Verification{
		ID: newID(), MerchantID: merchantID, IdentityID: newID(), FlowID: flow.ID, Status: StatusPending,
		JobDueAt: s.now().Add(s.cfg.InputTimeout),
	}}
	v.state = newState(flow.Settings)
	v.state.Metadata = req.Metadata
	if req.IdentityID != "" {
		if err := s.attachPrevious(ctx, v, req.IdentityID); err != nil {
			return VerificationView{}, err
		}
	} else if flow.Settings.has(StepReFacematch) {
		return VerificationView{}, camara.ErrInvalidArgument.WithMessage("identityId is required: the flow re-verifies an existing identity (re-facematch)")
	}
	events, err := s.events(ctx, v, eventSpec{name: EventVerificationStarted})
	if err != nil {
		return VerificationView{}, err
	}
	rec, err := v.encode()
	if err != nil {
		return VerificationView{}, err
	}
	created, err := s.store.CreateVerification(ctx, rec, events)
	if err != nil {
		return VerificationView{}, err
	}
	v.Verification = created
	s.webhooks.Notify()
	s.observe(ctx, v)
	s.logger.Info("verification started", "verification_id", v.ID, "flow_id", v.FlowID, "merchant_id", merchantID,
		"re_verification", v.state.PreviousVerificationID != "")
	return s.render.resource(v, false), nil
}

// newState is a fresh verification's state for a flow's settings.
func newState(settings FlowSettings) state {
	st := state{Flow: flowSnapshot{Steps: settings.Steps, FacematchThreshold: settings.FacematchThreshold}}
	for _, in := range settings.expectedInputs() {
		st.Inputs = append(st.Inputs, inputState{Type: in})
	}
	for _, step := range settings.Steps {
		st.Steps = append(st.Steps, stepState{ID: step, Status: stepPending})
	}
	return st
}

// attachPrevious makes v a re-verification of the merchant's identity:
// same identity id, previous verification recorded, metadata merged.
func (s *Service) attachPrevious(ctx context.Context, v *verification, identityID string) error {
	if _, err := s.store.GetIdentity(ctx, v.MerchantID, identityID); errors.Is(err, store.ErrNotFound) {
		return notFound("identity")
	} else if err != nil {
		return err
	}
	prevRec, err := s.store.LatestBiometricVerification(ctx, v.MerchantID, identityID)
	if errors.Is(err, store.ErrNotFound) {
		return ErrNoBiometricReference
	}
	if err != nil {
		return err
	}
	prev, err := decodeVerification(prevRec)
	if err != nil {
		return err
	}
	v.IdentityID = identityID
	v.state.PreviousVerificationID = prev.ID
	v.state.IdentityDocument = prev.state.document()
	v.state.Metadata = mergeMetadata(prev.state.Metadata, v.state.Metadata)
	return nil
}

// Metadata is a merchant's metadata: a JSON object whose values are kept as
// sent (json.RawMessage), never decoded into Go numbers.
type Metadata map[string]json.RawMessage

// mergeMetadata returns the original metadata overlaid with the current
// one: one object with the keys of both, the current value winning.
func mergeMetadata(original, current Metadata) Metadata {
	if original == nil && current == nil {
		return nil
	}
	out := make(Metadata, len(original)+len(current))
	maps.Copy(out, original)
	maps.Copy(out, current)
	return out
}

// GetVerification returns the merchant's verification resource.
func (s *Service) GetVerification(ctx context.Context, merchantID, id string) (VerificationView, error) {
	v, err := s.load(ctx, merchantID, id)
	if err != nil {
		return VerificationView{}, err
	}
	return s.render.resource(v, s.expired(v)), nil
}

// DeleteVerification removes the merchant's verification: its media files,
// its record with its sealed templates, its webhook events and delivery
// history, and its identity when no other verification refers to it.
func (s *Service) DeleteVerification(ctx context.Context, merchantID, id string) error {
	if _, err := s.load(ctx, merchantID, id); err != nil {
		return err
	}
	// The files go first, so that a deletion that fails can be asked
	// again: the record, still there, leads back to them. The record goes
	// next; then the files once more, for any that an upload or a step
	// racing this call wrote meanwhile (an upload whose state can no
	// longer be saved also removes its own, see SendInput). The deletion
	// does not stop with the request: a client that goes away must not
	// leave half of it done.
	ctx = context.WithoutCancel(ctx)
	prefix := id + "/"
	if err := s.media.DeletePrefix(ctx, prefix); err != nil {
		return fmt.Errorf("identity: delete media: %w", err)
	}
	if err := s.store.DeleteVerification(ctx, merchantID, id); errors.Is(err, store.ErrNotFound) {
		return notFound("verification")
	} else if err != nil {
		return err
	}
	if err := s.media.DeletePrefix(ctx, prefix); err != nil {
		return fmt.Errorf("identity: delete the media written meanwhile: %w", err)
	}
	s.logger.Info("verification deleted", "verification_id", id, "merchant_id", merchantID)
	s.observeDeletion(ctx, merchantID, id)
	return nil
}

// load returns the merchant's verification; a missing one is a 404.
func (s *Service) load(ctx context.Context, merchantID, id string) (*verification, error) {
	if !idPattern.MatchString(id) {
		return nil, notFound("verification")
	}
	rec, err := s.store.GetVerification(ctx, merchantID, id)
	if errors.Is(err, store.ErrNotFound) {
		return nil, notFound("verification")
	}
	if err != nil {
		return nil, err
	}
	return decodeVerification(rec)
}
