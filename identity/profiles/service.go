package profiles

import (
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/kycgate/kycgate/biometric"
	"github.com/kycgate/kycgate/config"
	"github.com/kycgate/kycgate/store"
)

// Scopes of the profile routes.
const (
	// ScopeRead is the merchant scope of the /reusage/v1 profile queries.
	ScopeRead = "profiles:read"
	// ScopeAdmin is the scope of the list import endpoints.
	ScopeAdmin = "profiles:admin"
)

// Deps are the parts a Service is built from.
type Deps struct {
	// Store keeps the records and lists.
	Store store.Profiles
	// TemplateKey opens the sealed face templates (the deployment's
	// verifications.template_key).
	TemplateKey []byte
	// ReferenceKey makes the opaque per-caller references
	// (profiles.reference_key).
	ReferenceKey []byte
	// Calibration is the face model's calibration: its model id selects
	// the comparable templates and its selfie-to-selfie threshold decides
	// a face match.
	Calibration biometric.Calibration
	// Logger receives operational messages, never personal data.
	Logger *slog.Logger
	// Now is the clock; nil means time.Now.
	Now func() time.Time
}

// merchantSettings are a merchant's vertical and country.
type merchantSettings struct {
	Vertical string
	Country  string
}

// Service records the facts of verifications and NFC sessions into
// profiles, answers the profile API and computes risk scores. It
// implements Recorder and gateway.Module.
type Service struct {
	store       store.Profiles
	rules       riskRules
	cfg         config.Profiles
	refKey      []byte
	calibration biometric.Calibration
	merchants   map[string]merchantSettings
	lists       *listCache
	faces       *faceIndex
	logger      *slog.Logger
	now         func() time.Time
}

var _ Recorder = (*Service)(nil)

// New checks the configuration and the keys and returns the service. The
// face index is built lazily, on the first search.
func New(cfg config.Profiles, d Deps) (*Service, error) {
	if d.Store == nil {
		return nil, errors.New("profiles: a store is required")
	}
	if len(d.TemplateKey) != biometric.SealKeySize || len(d.ReferenceKey) != biometric.SealKeySize {
		return nil, fmt.Errorf("profiles: the template and reference keys must be %d bytes", biometric.SealKeySize)
	}
	if err := d.Calibration.Validate(); err != nil {
		return nil, fmt.Errorf("profiles: %w", err)
	}
	rules, err := newRiskRules(cfg.Risk)
	if err != nil {
		return nil, err
	}
	if cfg.FaceIndex.MaxTemplates < 1 || cfg.Risk.MaxFaceProbes < 1 || cfg.Lists.RefreshInterval <= 0 {
		return nil, errors.New("profiles: face_index.max_templates, risk.max_face_probes and lists.refresh_interval must be positive")
	}
	if d.Logger == nil {
		d.Logger = slog.New(slog.DiscardHandler)
	}
	if d.Now == nil {
		d.Now = time.Now
	}
	merchants := make(map[string]merchantSettings, len(cfg.Merchants))
	for _, m := range cfg.Merchants {
		merchants[m.ClientID] = merchantSettings{Vertical: m.Vertical, Country: m.Country}
	}
	return &Service{
		store:       d.Store,
		rules:       rules,
		cfg:         cfg,
		refKey:      append([]byte(nil), d.ReferenceKey...),
		calibration: d.Calibration,
		merchants:   merchants,
		lists:       newListCache(d.Store, cfg.Lists.RefreshInterval.D(), d.Now),
		faces:       newFaceIndex(d.Store, append([]byte(nil), d.TemplateKey...), d.Calibration.ModelID, cfg.FaceIndex.MaxTemplates),
		logger:      d.Logger.With(slog.String("component", "profiles")),
		now:         d.Now,
	}, nil
}
