package identity

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/kycgate/kycgate/biometric"
	"github.com/kycgate/kycgate/internal/sealed"
	"github.com/kycgate/kycgate/media"
	"github.com/kycgate/kycgate/store"
	"github.com/kycgate/kycgate/webhook"
)

// Config tunes the verifications service.
type Config struct {
	// PublicURL is the gateway's external base URL for resource URLs.
	PublicURL string
	// InputTimeout is how long a verification waits for its inputs.
	InputTimeout time.Duration
	// StepTimeout bounds each step.
	StepTimeout time.Duration
	// Workers is the number of verifications processed at once.
	Workers int
	// PollInterval is how often due processing is looked for.
	PollInterval time.Duration
	// MaxPhotoBytes and MaxVideoBytes cap one uploaded file.
	MaxPhotoBytes int64
	MaxVideoBytes int64
	// MaxJobAttempts is how many times processing is started (after
	// crashes or store failures) before the remaining steps fail with a
	// system error.
	MaxJobAttempts int
}

// withDefaults fills zero fields.
func (c Config) withDefaults() Config {
	if c.InputTimeout <= 0 {
		c.InputTimeout = 30 * time.Minute
	}
	if c.StepTimeout <= 0 {
		c.StepTimeout = time.Minute
	}
	if c.Workers <= 0 {
		c.Workers = 2
	}
	if c.PollInterval <= 0 {
		c.PollInterval = time.Second
	}
	if c.MaxPhotoBytes <= 0 {
		c.MaxPhotoBytes = 10 << 20
	}
	if c.MaxVideoBytes <= 0 {
		c.MaxVideoBytes = 30 << 20
	}
	if c.MaxJobAttempts <= 0 {
		c.MaxJobAttempts = 3
	}
	return c
}

// lease is how long a claimed verification is reserved: every step may use
// its whole time limit, plus a margin for the store writes.
func (c Config) lease() time.Duration {
	return time.Duration(len(stepOrder)+1)*c.StepTimeout + 30*time.Second
}

// Webhooks is what the service needs of the webhook worker.
type Webhooks interface {
	// NewEvent returns the outbox row of a message.
	NewEvent(m webhook.Message) store.OutboxEvent
	// Notify wakes the worker after events were written.
	Notify()
	// Redeliver makes an event pending again.
	Redeliver(ctx context.Context, merchantID, eventID string) (store.OutboxEvent, error)
	// Guard checks webhook URLs.
	Guard() webhook.Guard
}

// Deps are the parts the service is built from.
type Deps struct {
	// Store keeps flows, verifications and the webhook outbox.
	Store store.Store
	// Engine assesses and compares faces.
	Engine biometric.Engine
	// Media keeps the uploaded and derived files.
	Media media.Store
	// URLs signs the media URLs shown to merchants.
	URLs *media.URLs
	// Webhooks builds outbox events and delivers them.
	Webhooks Webhooks
	// TemplateKey seals face templates (AES-256-GCM, 32 bytes).
	TemplateKey []byte
	// Secrets, optional, seals the flows' webhook secrets in the store.
	Secrets *sealed.Box
	// Logger receives ids and outcomes, never personal data.
	Logger *slog.Logger
	// Observer, optional, learns about started, ended and deleted
	// verifications.
	Observer Observer
}

// Service runs flows and verifications for merchants: the API's operations
// and the asynchronous processing of the steps.
type Service struct {
	cfg         Config
	store       store.Store
	engine      biometric.Engine
	media       media.Store
	urls        *media.URLs
	webhooks    Webhooks
	templateKey []byte
	secrets     *sealed.Box
	logger      *slog.Logger
	observer    Observer
	render      renderer
	wake        chan struct{}
	now         func() time.Time
}

// New checks d and returns the service. Call Run to process verifications.
func New(cfg Config, d Deps) (*Service, error) {
	if d.Store == nil || d.Engine == nil || d.Media == nil || d.URLs == nil || d.Webhooks == nil {
		return nil, errors.New("identity: store, engine, media, URLs and webhooks are required")
	}
	if len(d.TemplateKey) != biometric.SealKeySize {
		return nil, fmt.Errorf("identity: the template key must be %d bytes", biometric.SealKeySize)
	}
	if d.Logger == nil {
		d.Logger = slog.New(slog.DiscardHandler)
	}
	cfg = cfg.withDefaults()
	return &Service{
		cfg:         cfg,
		store:       d.Store,
		engine:      d.Engine,
		media:       d.Media,
		urls:        d.URLs,
		webhooks:    d.Webhooks,
		templateKey: append([]byte(nil), d.TemplateKey...),
		secrets:     d.Secrets,
		logger:      d.Logger.With(slog.String("component", "verifications")),
		observer:    d.Observer,
		render:      renderer{urls: d.URLs, publicURL: cfg.PublicURL},
		wake:        make(chan struct{}, 1),
		now:         time.Now,
	}, nil
}

// notifyProcessor wakes the processor after work became due.
func (s *Service) notifyProcessor() {
	select {
	case s.wake <- struct{}{}:
	default:
	}
}

// eventSpec names an event to write and the step it reports.
type eventSpec struct {
	name string
	step *stepState
}

// events returns the outbox rows of v's events, addressed to the webhook
// of v's flow as configured now; none when the flow has no webhook.
func (s *Service) events(ctx context.Context, v *verification, specs ...eventSpec) ([]store.OutboxEvent, error) {
	if len(specs) == 0 {
		return nil, nil // nothing to write: the flow need not be read
	}
	f, err := s.store.GetFlow(ctx, v.MerchantID, v.FlowID)
	if errors.Is(err, store.ErrNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	flow, err := s.flowFromStore(f)
	if errors.Is(err, errSecretUnopened) {
		// The flow cannot sign until it gets a new secret; the verification
		// goes on without its webhooks rather than stopping.
		s.logger.Warn("webhook events not written: the flow's webhook secret does not open with webhooks.secret_key",
			slog.String("merchant_id", v.MerchantID), slog.String("flow_id", v.FlowID), slog.String("verification_id", v.ID))
		return nil, nil
	}
	if err != nil || flow.Settings.WebhookURL == "" {
		return nil, err
	}
	now := s.now()
	out := make([]store.OutboxEvent, 0, len(specs))
	for _, spec := range specs {
		payload, err := jsonMarshal(s.render.envelope(v, spec.name, spec.step, now))
		if err != nil {
			return nil, err
		}
		out = append(out, s.webhooks.NewEvent(webhook.Message{
			MerchantID: v.MerchantID,
			ResourceID: v.ID,
			EventName:  spec.name,
			URL:        flow.Settings.WebhookURL,
			Secret:     flow.Settings.WebhookSecret,
			Payload:    payload,
			At:         now,
		}))
	}
	return out, nil
}

// save writes v's state with events and keeps the new version. Events
// written wake the webhook worker.
func (s *Service) save(ctx context.Context, v *verification, events []store.OutboxEvent) error {
	rec, err := v.encode()
	if err != nil {
		return err
	}
	updated, err := s.store.UpdateVerification(ctx, rec, events)
	if err != nil {
		return err
	}
	v.Verification = updated
	if len(events) > 0 {
		s.webhooks.Notify()
	}
	return nil
}

// expired reports whether v's input window passed before every input
// arrived.
func (s *Service) expired(v *verification) bool {
	return !v.state.allInputsReceived() && s.now().After(v.CreatedAt.Add(s.cfg.InputTimeout))
}
