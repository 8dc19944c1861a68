package webhook

import (
	"errors"
	"time"

	"github.com/kycgate/kycgate/internal/sealed"
)

// Config tunes delivery. Zero fields take the values of DefaultConfig.
type Config struct {
	// Guard decides which targets may be contacted.
	Guard Guard
	// Timeout bounds one attempt, from connect to the end of the answer.
	Timeout time.Duration
	// InitialBackoff is the wait before the second attempt; each further
	// attempt doubles it, with jitter.
	InitialBackoff time.Duration
	// MaxBackoff caps the wait between two attempts.
	MaxBackoff time.Duration
	// DeliveryWindow is how long after its creation (or redelivery) an
	// event is retried before it is marked failed.
	DeliveryWindow time.Duration
	// PollInterval is how often the worker looks for due events when it
	// is not woken by Notify.
	PollInterval time.Duration
	// Concurrency is the number of deliveries in flight at once.
	Concurrency int
	// Lease is how long a claimed event is reserved for its worker; it
	// must exceed Timeout.
	Lease time.Duration
	// UserAgent is sent with every delivery.
	UserAgent string
	// Secrets seals the signing secret of every event written to the
	// outbox and opens it to sign each attempt; nil keeps secrets as they
	// are (see package sealed).
	Secrets *sealed.Box
	// PayloadRetention is how long an event's payload and secret are kept
	// once it is delivered or failed; then the worker erases them, keeping
	// the delivery history.
	PayloadRetention time.Duration
	// PurgeInterval is how often the worker looks for payloads to erase.
	PurgeInterval time.Duration
	// PurgeBatch caps the events erased in one round; a full round is
	// followed by another at the next poll.
	PurgeBatch int
	// Observer receives delivery outcomes and the outbox depth; nil
	// records nothing.
	Observer Observer
}

// DefaultConfig returns the production settings: https to public addresses
// only, 10 s per attempt, retries from 5 s up to 15 min apart for 24 h,
// payloads erased 72 h after the event finished.
func DefaultConfig() Config {
	return Config{
		Timeout:        10 * time.Second,
		InitialBackoff: 5 * time.Second,
		MaxBackoff:     15 * time.Minute,
		DeliveryWindow: 24 * time.Hour,
		PollInterval:   time.Second,
		Concurrency:    4,
		Lease:          30 * time.Second,
		UserAgent:      "kycgate-webhooks/1",
		// Three days: long enough to look into a delivery over a weekend,
		// short enough not to keep personal data for long.
		PayloadRetention: 72 * time.Hour,
		PurgeInterval:    time.Minute,
		PurgeBatch:       100,
	}
}

// withDefaults fills the zero fields from DefaultConfig.
func (c Config) withDefaults() Config {
	d := DefaultConfig()
	c.Timeout = orDefault(c.Timeout, d.Timeout)
	c.InitialBackoff = orDefault(c.InitialBackoff, d.InitialBackoff)
	c.MaxBackoff = orDefault(c.MaxBackoff, d.MaxBackoff)
	c.DeliveryWindow = orDefault(c.DeliveryWindow, d.DeliveryWindow)
	c.PollInterval = orDefault(c.PollInterval, d.PollInterval)
	c.Concurrency = orDefault(c.Concurrency, d.Concurrency)
	c.Lease = orDefault(c.Lease, d.Lease)
	c.UserAgent = orDefault(c.UserAgent, d.UserAgent)
	c.PayloadRetention = orDefault(c.PayloadRetention, d.PayloadRetention)
	c.PurgeInterval = orDefault(c.PurgeInterval, d.PurgeInterval)
	c.PurgeBatch = orDefault(c.PurgeBatch, d.PurgeBatch)
	return c
}

// Validate reports settings that cannot work, after defaults are applied.
func (c Config) Validate() error {
	c = c.withDefaults()
	var errs []error
	if c.Timeout < 0 || c.InitialBackoff < 0 || c.MaxBackoff < 0 || c.DeliveryWindow < 0 || c.PollInterval < 0 || c.Lease < 0 ||
		c.PayloadRetention < 0 || c.PurgeInterval < 0 {
		errs = append(errs, errors.New("webhook: durations must not be negative"))
	}
	if c.Concurrency < 0 || c.PurgeBatch < 0 {
		errs = append(errs, errors.New("webhook: concurrency and purge batch must not be negative"))
	}
	if c.MaxBackoff < c.InitialBackoff {
		errs = append(errs, errors.New("webhook: max backoff must be at least the initial backoff"))
	}
	if c.Lease <= c.Timeout {
		errs = append(errs, errors.New("webhook: lease must exceed the attempt timeout"))
	}
	return errors.Join(errs...)
}

func orDefault[T comparable](v, d T) T {
	var zero T
	if v == zero {
		return d
	}
	return v
}
