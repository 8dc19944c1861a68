package identity

import (
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"time"
	"unicode/utf8"

	"github.com/kycgate/kycgate/internal/sealed"
	"github.com/kycgate/kycgate/store"
	"github.com/kycgate/kycgate/webhook"
)

// Webhook secret length limits, in bytes.
const (
	minSecretLength = 16
	maxSecretLength = 256
	maxFlowName     = 100
)

// FlowSettings are what a merchant configures in a flow.
type FlowSettings struct {
	// Name is a label for people.
	Name string `json:"name"`
	// Steps are the steps the flow runs, among selfie, liveness,
	// facematch and re-facematch.
	Steps []string `json:"steps"`
	// FacematchThreshold is the score (0–100) at or above which facematch
	// and re-facematch pass. Nil means the engine's calibrated threshold of
	// each comparison kind (50 for selfie against selfie and about 41 for
	// selfie against document with the shipped model).
	FacematchThreshold *float64 `json:"facematchThreshold,omitempty"`
	// WebhookURL receives the flow's events; empty sends none.
	WebhookURL string `json:"webhookUrl,omitempty"`
	// WebhookSecret signs the events; generated when a URL is set without
	// one. It is never returned except when generated.
	WebhookSecret string `json:"webhookSecret,omitempty"`
}

// Flow is a merchant's flow.
type Flow struct {
	// ID is the flowId.
	ID string
	// MerchantID owns the flow.
	MerchantID string
	// Settings are the flow's settings.
	Settings FlowSettings
	// CreatedAt and UpdatedAt are kept by the store.
	CreatedAt, UpdatedAt time.Time
}

// has reports whether the flow runs step.
func (s FlowSettings) has(step string) bool { return slices.Contains(s.Steps, step) }

// expectedInputs lists the inputs the flow's steps consume, in inputOrder.
func (s FlowSettings) expectedInputs() []string {
	var out []string
	for _, in := range inputOrder {
		for _, step := range s.Steps {
			if stepInput[step] == in {
				out = append(out, in)
				break
			}
		}
	}
	return out
}

// validate reports the first reason the settings cannot run, in words for
// the merchant. The URL is checked by guard.
func (s FlowSettings) validate(guard webhook.Guard) error {
	if utf8.RuneCountInString(s.Name) > maxFlowName {
		return fmt.Errorf("name must be at most %d characters", maxFlowName)
	}
	if len(s.Steps) == 0 {
		return fmt.Errorf("steps must list at least one of %v", stepOrder)
	}
	seen := map[string]bool{}
	for _, step := range s.Steps {
		if !slices.Contains(stepOrder, step) {
			return fmt.Errorf("step %q is not one of %v", step, stepOrder)
		}
		if seen[step] {
			return fmt.Errorf("step %q is listed twice", step)
		}
		seen[step] = true
	}
	if (s.has(StepFacematch) || s.has(StepReFacematch)) && !s.has(StepSelfie) && !s.has(StepLiveness) {
		return fmt.Errorf("facematch and re-facematch compare the person's selfie: add the selfie or liveness step")
	}
	if t := s.FacematchThreshold; t != nil && (*t <= 0 || *t > 100) {
		return fmt.Errorf("facematchThreshold must be greater than 0 and at most 100")
	}
	if s.WebhookURL != "" {
		if err := guard.CheckURL(s.WebhookURL); err != nil {
			return fmt.Errorf("webhookUrl: %v", err)
		}
	}
	if n := len(s.WebhookSecret); n > 0 && (n < minSecretLength || n > maxSecretLength) {
		return fmt.Errorf("webhookSecret must be %d to %d characters", minSecretLength, maxSecretLength)
	}
	if sealed.IsSealed(s.WebhookSecret) {
		return fmt.Errorf("webhookSecret must not start with %q, which marks secrets sealed by kycgate", sealed.Prefix)
	}
	return nil
}

// normalise orders the steps as they run.
func (s FlowSettings) normalise() FlowSettings {
	var ordered []string
	for _, step := range stepOrder {
		if s.has(step) {
			ordered = append(ordered, step)
		}
	}
	s.Steps = ordered
	return s
}

// newSecret returns a random webhook secret.
func newSecret() string {
	return "whsec_" + rand.Text()
}

// errSecretUnopened marks a flow whose stored webhook secret does not open
// with the configured webhooks.secret_key (the key was changed or lost).
// The flow is still returned, without its secret, so that it can be shown,
// used and given a new secret; its verifications write no webhook events
// until then.
var errSecretUnopened = errors.New("identity: the webhook secret of a flow does not open with webhooks.secret_key (was the key changed?); update the flow to give it a new secret")

// flowFromStore decodes a stored flow and opens its webhook secret. A
// secret that does not open leaves the flow's secret empty and returns
// errSecretUnopened with the flow.
func (s *Service) flowFromStore(f store.Flow) (Flow, error) {
	var settings FlowSettings
	if err := json.Unmarshal(f.Document, &settings); err != nil {
		return Flow{}, fmt.Errorf("identity: decode flow: %w", err)
	}
	flow := Flow{ID: f.ID, MerchantID: f.MerchantID, Settings: settings, CreatedAt: f.CreatedAt, UpdatedAt: f.UpdatedAt}
	secret, err := s.secrets.Open(settings.WebhookSecret, flowSecretRecord(f.MerchantID, f.ID))
	if err != nil {
		flow.Settings.WebhookSecret = ""
		return flow, fmt.Errorf("%w: %w", errSecretUnopened, err)
	}
	flow.Settings.WebhookSecret = secret
	return flow, nil
}

// flowForView is flowFromStore for answers that never show the secret, so
// a secret that does not open does not matter.
func (s *Service) flowForView(f store.Flow) (Flow, error) {
	flow, err := s.flowFromStore(f)
	if errors.Is(err, errSecretUnopened) {
		return flow, nil
	}
	return flow, err
}

// flowToStore encodes a flow for the store, its webhook secret sealed
// when secrets are configured.
func (s *Service) flowToStore(f Flow) (store.Flow, error) {
	settings := f.Settings
	settings.WebhookSecret = s.secrets.Seal(settings.WebhookSecret, flowSecretRecord(f.MerchantID, f.ID))
	doc, err := json.Marshal(settings)
	if err != nil {
		return store.Flow{}, fmt.Errorf("identity: encode flow: %w", err)
	}
	return store.Flow{MerchantID: f.MerchantID, ID: f.ID, Document: doc}, nil
}

// flowSecretRecord names a flow as the additional data of its sealed
// webhook secret.
func flowSecretRecord(merchantID, flowID string) string {
	return "flow " + strconv.Quote(merchantID) + " " + strconv.Quote(flowID)
}
