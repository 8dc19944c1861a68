package config

import (
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"net/url"
	"strings"
	"time"
)

// Verifications configures the biometric verifications API (flows,
// verifications, re-verification of returning customers).
type Verifications struct {
	// Enabled mounts the verification routes and starts their processor.
	// The demo enables them.
	Enabled bool `json:"enabled"`
	// PublicURL is the gateway's external base URL, used in the resource
	// and media URLs of webhooks (e.g. "https://kyc.example.com"). Empty
	// means http://<server.listen>.
	PublicURL string `json:"public_url"`
	// TemplateKey is the AES-256 key sealing the face templates at rest:
	// 32 bytes in hex or base64, written as ${NAME}. Required when enabled
	// (the demo generates one into its data folder).
	TemplateKey string `json:"template_key"`
	// InputTimeout is how long a verification waits for its inputs; then
	// it is processed with what arrived and the steps whose input is
	// missing fail with input.failed.
	InputTimeout Duration `json:"input_timeout"`
	// StepTimeout bounds each step; a slower step fails with
	// system.internalError "Step timeout".
	StepTimeout Duration `json:"step_timeout"`
	// Workers is the number of verifications processed at once.
	Workers int `json:"workers"`
	// PollInterval is how often pending processing is looked for when no
	// upload wakes the processor.
	PollInterval Duration `json:"poll_interval"`
	// MaxPhotoBytes caps one uploaded photo.
	MaxPhotoBytes int64 `json:"max_photo_bytes"`
	// MaxVideoBytes caps one uploaded video.
	MaxVideoBytes int64 `json:"max_video_bytes"`
}

// Media configures where verification files are kept and how their URLs
// are signed.
type Media struct {
	// Dir is the folder of the filesystem media store.
	Dir string `json:"dir"`
	// SigningKey signs the media URLs' location tokens (HMAC-SHA256): 32
	// bytes in hex or base64, written as ${NAME}. Required when
	// verifications are enabled (the demo generates one).
	SigningKey string `json:"signing_key"`
	// URLTTL is how long a media URL works.
	URLTTL Duration `json:"url_ttl"`
}

// Webhooks configures the delivery of webhook events.
type Webhooks struct {
	// AllowHTTP accepts http:// webhook URLs; https is required otherwise.
	AllowHTTP bool `json:"allow_http"`
	// AllowPrivateNetworks accepts receivers on loopback, private and
	// link-local addresses (never cloud metadata addresses).
	AllowPrivateNetworks bool `json:"allow_private_networks"`
	// Timeout bounds one delivery attempt.
	Timeout Duration `json:"timeout"`
	// InitialBackoff is the wait before the first retry; it doubles with
	// each retry, with jitter.
	InitialBackoff Duration `json:"initial_backoff"`
	// MaxBackoff caps the wait between retries.
	MaxBackoff Duration `json:"max_backoff"`
	// DeliveryWindow is how long an event is retried before it is marked
	// failed.
	DeliveryWindow Duration `json:"delivery_window"`
	// Concurrency is the number of deliveries in flight.
	Concurrency int `json:"concurrency"`
	// PayloadRetention is how long the payload (and signing secret) of a
	// delivered or failed event is kept; then the worker erases them,
	// keeping the delivery history, and the event can no longer be
	// redelivered.
	PayloadRetention Duration `json:"payload_retention"`
	// SecretKey, 32 bytes in hex or base64, seals the webhook signing
	// secrets kept in the store (flows and outbox events) with AES-256-GCM.
	// Without it they are stored as they are, and serve says so at start.
	SecretKey string `json:"secret_key"`
}

// DefaultVerifications returns the defaults of the verifications section.
func DefaultVerifications() Verifications {
	return Verifications{
		InputTimeout:  Duration(30 * time.Minute),
		StepTimeout:   Duration(60 * time.Second),
		Workers:       2,
		PollInterval:  Duration(time.Second),
		MaxPhotoBytes: 10 << 20,
		MaxVideoBytes: 30 << 20,
	}
}

// DefaultMedia returns the defaults of the media section.
func DefaultMedia() Media {
	return Media{Dir: "data/media", URLTTL: Duration(time.Hour)}
}

// DefaultWebhooks returns the defaults of the webhooks section.
func DefaultWebhooks() Webhooks {
	return Webhooks{
		Timeout:        Duration(10 * time.Second),
		InitialBackoff: Duration(5 * time.Second),
		MaxBackoff:     Duration(15 * time.Minute),
		DeliveryWindow: Duration(24 * time.Hour),
		Concurrency:    4,
		// Three days: a delivery can still be looked into and redelivered
		// over a weekend, and personal data does not linger.
		PayloadRetention: Duration(72 * time.Hour),
	}
}

// validateVerifications checks the verifications, media and webhooks
// sections together: keys are required only when verifications are
// enabled.
func (c Config) validateVerifications() []error {
	var errs []error
	add := func(format string, args ...any) { errs = append(errs, fmt.Errorf(format, args...)) }
	v, m, w := c.Verifications, c.Media, c.Webhooks
	errs = append(errs, nonPositive(map[string]Duration{
		"verifications.input_timeout": v.InputTimeout,
		"verifications.step_timeout":  v.StepTimeout,
		"verifications.poll_interval": v.PollInterval,
		"media.url_ttl":               m.URLTTL,
		"webhooks.timeout":            w.Timeout,
		"webhooks.initial_backoff":    w.InitialBackoff,
		"webhooks.max_backoff":        w.MaxBackoff,
		"webhooks.delivery_window":    w.DeliveryWindow,
		"webhooks.payload_retention":  w.PayloadRetention,
	})...)
	if w.SecretKey != "" {
		if _, err := ParseKey32(w.SecretKey); err != nil {
			add("webhooks.secret_key: %v", err)
		}
	}
	if w.MaxBackoff < w.InitialBackoff {
		add("webhooks.max_backoff: must be at least webhooks.initial_backoff")
	}
	if v.Workers < 1 || w.Concurrency < 1 {
		add("verifications.workers and webhooks.concurrency: must be at least 1")
	}
	if v.MaxPhotoBytes < 1024 || v.MaxVideoBytes < 1024 {
		add("verifications.max_photo_bytes and max_video_bytes: must be at least 1024")
	}
	if v.PublicURL != "" {
		if u, err := url.Parse(v.PublicURL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			add("verifications.public_url: must be an absolute http(s) URL")
		}
	}
	if !v.Enabled {
		return errs
	}
	if m.Dir == "" {
		add("media.dir: required when verifications are enabled")
	}
	if _, err := ParseKey32(v.TemplateKey); err != nil {
		add("verifications.template_key: %v", err)
	}
	if _, err := ParseKey32(m.SigningKey); err != nil {
		add("media.signing_key: %v", err)
	}
	return errs
}

// ParseKey32 decodes a 32-byte key written as 64 hex digits or in
// standard or URL-safe base64, padded or not.
func ParseKey32(text string) ([]byte, error) {
	text = strings.TrimSpace(text)
	if text == "" {
		return nil, fmt.Errorf("required: 32 bytes in hex or base64")
	}
	if key, err := hex.DecodeString(text); err == nil && len(key) == 32 {
		return key, nil
	}
	for _, enc := range []*base64.Encoding{base64.StdEncoding, base64.RawStdEncoding, base64.URLEncoding, base64.RawURLEncoding} {
		if key, err := enc.DecodeString(text); err == nil && len(key) == 32 {
			return key, nil
		}
	}
	return nil, fmt.Errorf("must be 32 bytes in hex or base64")
}
