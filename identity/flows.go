package identity

import (
	"context"
	"errors"

	"github.com/kycgate/kycgate/camara"
	"github.com/kycgate/kycgate/store"
)

// FlowView is a flow as the API shows it. The webhook secret is shown only
// when the gateway generated it, in the answer that created it.
type FlowView struct {
	// ID is the flowId.
	ID string `json:"id"`
	// FlowSettings are the flow's settings.
	FlowSettings
	// CreatedAt and UpdatedAt are RFC 3339 UTC with milliseconds.
	CreatedAt string `json:"createdAt"`
	UpdatedAt string `json:"updatedAt"`
}

func flowView(f Flow, showSecret bool) FlowView {
	v := FlowView{ID: f.ID, FlowSettings: f.Settings,
		CreatedAt: formatTime(f.CreatedAt), UpdatedAt: formatTime(f.UpdatedAt)}
	if !showSecret {
		v.WebhookSecret = ""
	}
	return v
}

// CreateFlow validates and stores a new flow of merchantID. An empty id is
// generated; a webhook URL without a secret gets a generated secret, which
// the answer shows once.
func (s *Service) CreateFlow(ctx context.Context, merchantID, id string, settings FlowSettings) (FlowView, error) {
	if id == "" {
		id = newID()
	}
	if !flowIDPattern.MatchString(id) {
		return FlowView{}, camara.ErrInvalidArgument.WithMessage("id must be 1 to 64 letters, digits, '-' or '_'")
	}
	generated := settings.WebhookURL != "" && settings.WebhookSecret == ""
	if generated {
		settings.WebhookSecret = newSecret()
	}
	if err := settings.validate(s.webhooks.Guard()); err != nil {
		return FlowView{}, camara.ErrInvalidArgument.WithMessage("invalid flow: %v", err)
	}
	rec, err := s.flowToStore(Flow{ID: id, MerchantID: merchantID, Settings: settings.normalise()})
	if err != nil {
		return FlowView{}, err
	}
	created, err := s.store.CreateFlow(ctx, rec)
	if errors.Is(err, store.ErrConflict) {
		return FlowView{}, camara.ErrConflict.WithMessage("a flow with this id already exists")
	}
	if err != nil {
		return FlowView{}, err
	}
	f, err := s.flowForView(created)
	if err != nil {
		return FlowView{}, err
	}
	return flowView(f, generated), nil
}

// UpdateFlow replaces the settings of the merchant's flow. An omitted
// webhook secret keeps the current one (or is generated for a new URL).
// Verifications already started keep the steps they started with.
func (s *Service) UpdateFlow(ctx context.Context, merchantID, id string, settings FlowSettings) (FlowView, error) {
	current, err := s.flow(ctx, merchantID, id)
	if err != nil && !errors.Is(err, errSecretUnopened) {
		return FlowView{}, err
	}
	generated := false
	if settings.WebhookSecret == "" && settings.WebhookURL != "" {
		settings.WebhookSecret = current.Settings.WebhookSecret
		if settings.WebhookSecret == "" {
			settings.WebhookSecret, generated = newSecret(), true
		}
	}
	if err := settings.validate(s.webhooks.Guard()); err != nil {
		return FlowView{}, camara.ErrInvalidArgument.WithMessage("invalid flow: %v", err)
	}
	rec, err := s.flowToStore(Flow{ID: id, MerchantID: merchantID, Settings: settings.normalise()})
	if err != nil {
		return FlowView{}, err
	}
	updated, err := s.store.UpdateFlow(ctx, rec)
	if errors.Is(err, store.ErrNotFound) {
		return FlowView{}, notFound("flow")
	}
	if err != nil {
		return FlowView{}, err
	}
	f, err := s.flowForView(updated)
	if err != nil {
		return FlowView{}, err
	}
	return flowView(f, generated), nil
}

// GetFlow returns the merchant's flow.
func (s *Service) GetFlow(ctx context.Context, merchantID, id string) (FlowView, error) {
	f, err := s.flow(ctx, merchantID, id)
	if err != nil && !errors.Is(err, errSecretUnopened) {
		return FlowView{}, err
	}
	return flowView(f, false), nil
}

// ListFlows returns the merchant's flows.
func (s *Service) ListFlows(ctx context.Context, merchantID string) ([]FlowView, error) {
	recs, err := s.store.ListFlows(ctx, merchantID)
	if err != nil {
		return nil, err
	}
	out := make([]FlowView, 0, len(recs))
	for _, rec := range recs {
		f, err := s.flowForView(rec)
		if err != nil {
			return nil, err
		}
		out = append(out, flowView(f, false))
	}
	return out, nil
}

// EnsureFlow creates the merchant's flow with the given id and settings, or
// replaces the settings of an existing one. It is meant for flows written
// in the configuration (and the demo's); the settings are validated like
// the API's.
func (s *Service) EnsureFlow(ctx context.Context, merchantID, id string, settings FlowSettings) error {
	if settings.WebhookURL != "" && settings.WebhookSecret == "" {
		return errors.New("identity: a configured flow with a webhook URL needs its secret")
	}
	_, err := s.UpdateFlow(ctx, merchantID, id, settings)
	if errors.Is(err, camara.ErrNotFound) {
		_, err = s.CreateFlow(ctx, merchantID, id, settings)
	}
	return err
}

// flow loads the merchant's flow; a missing one is a 404.
func (s *Service) flow(ctx context.Context, merchantID, id string) (Flow, error) {
	rec, err := s.store.GetFlow(ctx, merchantID, id)
	if errors.Is(err, store.ErrNotFound) {
		return Flow{}, notFound("flow")
	}
	if err != nil {
		return Flow{}, err
	}
	return s.flowFromStore(rec)
}
