// Package service runs NFC ID-document sessions: the partner's
// session_init and webhook_confirmation, the reader app's redemption of the
// init code, its sealed upload and its status poll, and the sweep that
// expires codes and uploads and errors unconfirmed results. Every state
// change is one atomic compare-and-set in the store; the result webhook is
// written to the outbox in the same transaction as the verified state.
package service

import (
	"context"
	"errors"
	"log/slog"
	"time"

	"github.com/kycgate/kycgate/nfc/attempts"
	"github.com/kycgate/kycgate/nfc/partner"
	"github.com/kycgate/kycgate/nfc/pipeline"
	"github.com/kycgate/kycgate/nfc/result"
	"github.com/kycgate/kycgate/nfc/seal"
	"github.com/kycgate/kycgate/nfc/session"
	"github.com/kycgate/kycgate/store"
	"github.com/kycgate/kycgate/webhook"
)

// EventName is the outbox event name of the result webhook.
const EventName = "nfc_result"

// Store is what the service keeps: sessions, the webhook outbox and the
// counters of failed redemptions, shared by every replica.
type Store interface {
	store.NFCSessions
	store.Outbox
	store.Counters
}

// Outbox turns results into webhook events and wakes the delivery worker;
// *webhook.Worker implements it.
type Outbox interface {
	// NewEvent returns the outbox row of a message.
	NewEvent(m webhook.Message) store.OutboxEvent
	// Guard returns the SSRF guard webhook URLs are checked with.
	Guard() webhook.Guard
	// Notify wakes the worker after events were written.
	Notify()
}

// Observer learns the result of every session that ends with a result
// webhook; *telemetry.Metrics implements it.
type Observer interface {
	// CountNFCVerdict records one result by its verdict name: a chip
	// verdict (e.g. AUTHENTIC, DG_HASH_MISMATCH) or a session outcome
	// (SESSION_EXPIRED, VERIFICATION_FAILED). Names come from a fixed
	// table, never from the document.
	CountNFCVerdict(verdict string)
}

// VerdictHook is told the result of a session linked to a verification
// (session.Options.VerificationID) once the result is stored, at the time
// it was reached. It must not block for long and cannot change the
// session; its failures are its own to log.
type VerdictHook func(ctx context.Context, sess session.Session, payload result.Payload, at time.Time)

// Config are the session timings and limits.
type Config struct {
	// CodeTTL is how long an init code can be redeemed.
	CodeTTL time.Duration
	// UploadTimeout is how long the app has to upload after redeeming.
	UploadTimeout time.Duration
	// MaxLivenessImages caps num_images_liveness.
	MaxLivenessImages int
	// AllowInsecureURLs accepts http redirect URLs.
	AllowInsecureURLs bool
	// MaxFailuresPerAddress and MaxFailuresPerCode limit failed
	// redemptions within FailureWindow.
	MaxFailuresPerAddress, MaxFailuresPerCode int
	FailureWindow                             time.Duration
}

// Deps are the parts a Service is built from.
type Deps struct {
	Store    Store
	Partners *partner.Registry
	Key      *seal.Key
	Pipeline *pipeline.Pipeline
	Outbox   Outbox
	Logger   *slog.Logger
	// Now is the clock; time.Now when nil.
	Now func() time.Time
	// Observer counts the results; nil counts nothing.
	Observer Observer
}

// Service runs the sessions. It is safe for concurrent use.
type Service struct {
	cfg       Config
	store     Store
	partners  *partner.Registry
	key       *seal.Key
	pipeline  *pipeline.Pipeline
	outbox    Outbox
	logger    *slog.Logger
	now       func() time.Time
	observer  Observer
	codeGuard *attempts.Guard
	// onVerdict, when set, learns the results of linked sessions.
	onVerdict VerdictHook
}

// SetVerdictHook sets the hook told the results of sessions linked to a
// verification. Call it before the service handles requests.
func (s *Service) SetVerdictHook(h VerdictHook) { s.onVerdict = h }

// New builds the service.
func New(cfg Config, d Deps) (*Service, error) {
	if d.Store == nil || d.Partners == nil || d.Key == nil || d.Pipeline == nil || d.Outbox == nil {
		return nil, errors.New("nfc service: store, partners, key, pipeline and outbox are required")
	}
	if cfg.CodeTTL <= 0 || cfg.UploadTimeout <= 0 || cfg.MaxLivenessImages < 1 || cfg.FailureWindow <= 0 ||
		cfg.MaxFailuresPerAddress < 1 || cfg.MaxFailuresPerCode < 1 {
		return nil, errors.New("nfc service: timings and limits must be positive")
	}
	if d.Logger == nil {
		d.Logger = slog.New(slog.DiscardHandler)
	}
	if d.Now == nil {
		d.Now = time.Now
	}
	codeGuard, err := attempts.NewGuard(d.Store, "nfc.redeem", cfg.MaxFailuresPerAddress, cfg.MaxFailuresPerCode, cfg.FailureWindow)
	if err != nil {
		return nil, err
	}
	return &Service{
		cfg: cfg, store: d.Store, partners: d.Partners, key: d.Key, pipeline: d.Pipeline, outbox: d.Outbox,
		logger: d.Logger.With(slog.String("component", "nfc")), now: d.Now, observer: d.Observer,
		codeGuard: codeGuard,
	}, nil
}

// Key returns the upload key.
func (s *Service) Key() *seal.Key { return s.key }

// Run sweeps every interval until ctx ends.
func (s *Service) Run(ctx context.Context, interval time.Duration) error {
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		if err := s.Sweep(ctx); err != nil && ctx.Err() == nil {
			s.logger.Warn("nfc sweep failed", slog.String("error", err.Error()))
		}
		select {
		case <-ctx.Done():
			return nil
		case <-t.C:
		}
	}
}
