package config

import (
	"fmt"
	"math"
	"regexp"
	"sort"
	"strings"
	"time"
)

// Profiles configures the user profiles API (identity/profiles): which
// merchants' verifications grow profiles, how opaque references are made,
// and the risk engine's weights and thresholds.
type Profiles struct {
	// Enabled mounts the /reusage/v1 routes and records the facts of
	// verifications and NFC sessions into profiles.
	Enabled bool `json:"enabled"`
	// ReferenceKey is the HMAC-SHA256 key of the opaque per-caller
	// references that replace other merchants' verification ids: 32 bytes
	// in hex or base64, written as ${NAME}. Required when enabled. Face
	// templates are opened with verifications.template_key, which is then
	// required too.
	ReferenceKey string `json:"reference_key"`
	// Merchants are the merchant settings shown in verificationStatus:
	// the vertical and country of each token client id.
	Merchants []ProfileMerchant `json:"merchants"`
	// Risk configures the risk score.
	Risk ProfileRisk `json:"risk"`
	// FaceIndex bounds the in-memory index of the 1:N face search.
	FaceIndex ProfileFaceIndex `json:"face_index"`
	// Lists configures the imported reputation and watch lists.
	Lists ProfileLists `json:"lists"`
}

// ProfileMerchant is one merchant's settings.
type ProfileMerchant struct {
	// ClientID is the merchant's token client id.
	ClientID string `json:"client_id"`
	// Vertical is the merchant's industry, e.g. "Lending".
	Vertical string `json:"vertical"`
	// Country is the merchant's ISO 3166-1 alpha-2 country, e.g. "US".
	Country string `json:"country"`
}

// ProfileRisk holds the weights and thresholds of the risk engine. The
// score is the sum of the weights of the raised indicators, capped at 100.
type ProfileRisk struct {
	// Threshold: profileRisk (and a transaction's risk) is true when the
	// score is above it.
	Threshold float64 `json:"threshold"`
	// Weights are the points of each indicator, by reason code (0–100; 0
	// disables the indicator). Keys not written keep their defaults.
	Weights map[string]float64 `json:"weights"`
	// WatchlistThreshold is the Jaro-Winkler similarity (0–1) of
	// normalised names at or above which a name matches a watch-list
	// entry.
	WatchlistThreshold float64 `json:"watchlist_threshold"`
	// RepeatedDecisions raises DOCUMENT_REPEATEDLY_REJECTED.
	RepeatedDecisions ProfileRepeatedDecisions `json:"repeated_decisions"`
	// Velocity raises EMAIL_VELOCITY and DOCUMENT_VELOCITY.
	Velocity ProfileVelocity `json:"velocity"`
	// MaxFaceProbes caps how many of a profile's newest face templates
	// are searched for when the profile score is computed.
	MaxFaceProbes int `json:"max_face_probes"`
}

// ProfileRepeatedDecisions: the document was rejected or sent to review in
// at least MinVerifications verifications by at least MinMerchants
// merchants.
type ProfileRepeatedDecisions struct {
	MinVerifications int `json:"min_verifications"`
	MinMerchants     int `json:"min_merchants"`
}

// ProfileVelocity: the e-mail or document was seen at MinMerchants or more
// merchants within Window.
type ProfileVelocity struct {
	Window       Duration `json:"window"`
	MinMerchants int      `json:"min_merchants"`
}

// ProfileFaceIndex bounds the decrypted in-memory face index.
type ProfileFaceIndex struct {
	// MaxTemplates is the most templates held decrypted in memory (512
	// float32 each: 2 KiB); templates beyond it are decrypted page by page
	// during each search and dropped.
	MaxTemplates int `json:"max_templates"`
}

// ProfileLists configures the imported lists.
type ProfileLists struct {
	// MaxBytes caps one list file (admin endpoint body or CLI file).
	MaxBytes int64 `json:"max_bytes"`
	// RefreshInterval is how often a replica reloads lists imported by
	// another process.
	RefreshInterval Duration `json:"refresh_interval"`
}

// DefaultProfileWeights returns the default points of each risk indicator,
// by reason code.
func DefaultProfileWeights() map[string]float64 {
	return map[string]float64{
		"IP_VPN":                       15,
		"IP_HOSTING":                   10,
		"IP_TOR":                       25,
		"IP_FRAUD_LIST":                40,
		"EMAIL_FRAUD_LIST":             40,
		"NAME_WATCHLIST":               50,
		"DOCUMENT_REPEATEDLY_REJECTED": 30,
		"EMAIL_VELOCITY":               20,
		"DOCUMENT_VELOCITY":            20,
		"FACE_OTHER_DOCUMENT":          60,
		"NFC_DOCUMENT_REVOKED":         60,
		"NFC_DOCUMENT_TAMPERED":        70,
	}
}

// DefaultProfiles returns the defaults of the profiles section.
func DefaultProfiles() Profiles {
	return Profiles{
		Risk: ProfileRisk{
			Threshold:          50,
			Weights:            DefaultProfileWeights(),
			WatchlistThreshold: 0.92,
			RepeatedDecisions:  ProfileRepeatedDecisions{MinVerifications: 2, MinMerchants: 2},
			Velocity:           ProfileVelocity{Window: Duration(72 * time.Hour), MinMerchants: 3},
			MaxFaceProbes:      5,
		},
		FaceIndex: ProfileFaceIndex{MaxTemplates: 100_000},
		Lists:     ProfileLists{MaxBytes: 32 << 20, RefreshInterval: Duration(30 * time.Second)},
	}
}

var (
	reasonCodePattern = regexp.MustCompile(`^[A-Z][A-Z0-9_]{1,63}$`)
	alpha2Pattern     = regexp.MustCompile(`^[A-Z]{2}$`)
)

// validate checks the profiles section; keys are required only when
// profiles are enabled.
func (p Profiles) validate(templateKey string) []error {
	var errs []error
	add := func(format string, args ...any) { errs = append(errs, fmt.Errorf(format, args...)) }
	r := p.Risk
	if !(r.Threshold >= 0 && r.Threshold < 100) {
		add("profiles.risk.threshold: must be at least 0 and below 100")
	}
	for _, code := range sortedKeys(r.Weights) {
		w := r.Weights[code]
		if !reasonCodePattern.MatchString(code) {
			add("profiles.risk.weights: %q is not a reason code", code)
		}
		if math.IsNaN(w) || w < 0 || w > 100 {
			add("profiles.risk.weights.%s: must be between 0 and 100", code)
		}
	}
	if !(r.WatchlistThreshold > 0 && r.WatchlistThreshold <= 1) {
		add("profiles.risk.watchlist_threshold: must be greater than 0 and at most 1")
	}
	if r.RepeatedDecisions.MinVerifications < 1 || r.RepeatedDecisions.MinMerchants < 1 {
		add("profiles.risk.repeated_decisions: min_verifications and min_merchants must be at least 1")
	}
	if r.Velocity.Window <= 0 || r.Velocity.MinMerchants < 2 {
		add("profiles.risk.velocity: window must be positive and min_merchants at least 2")
	}
	if r.MaxFaceProbes < 1 {
		add("profiles.risk.max_face_probes: must be at least 1")
	}
	if p.FaceIndex.MaxTemplates < 1 {
		add("profiles.face_index.max_templates: must be at least 1")
	}
	if p.Lists.MaxBytes < 1024 || p.Lists.RefreshInterval <= 0 {
		add("profiles.lists: max_bytes must be at least 1024 and refresh_interval positive")
	}
	errs = append(errs, p.validateMerchants()...)
	if !p.Enabled {
		return errs
	}
	if _, err := ParseKey32(p.ReferenceKey); err != nil {
		add("profiles.reference_key: required when profiles are enabled: 32 bytes in hex or base64")
	}
	if _, err := ParseKey32(templateKey); err != nil {
		add("verifications.template_key: required when profiles are enabled (face templates are opened with it): 32 bytes in hex or base64")
	}
	return errs
}

// validateMerchants checks the merchant settings.
func (p Profiles) validateMerchants() []error {
	var errs []error
	seen := map[string]bool{}
	for i, m := range p.Merchants {
		switch {
		case strings.TrimSpace(m.ClientID) == "":
			errs = append(errs, fmt.Errorf("profiles.merchants[%d].client_id: required", i))
		case seen[m.ClientID]:
			errs = append(errs, fmt.Errorf("profiles.merchants[%d].client_id: listed twice", i))
		}
		seen[m.ClientID] = true
		if m.Country != "" && !alpha2Pattern.MatchString(m.Country) {
			errs = append(errs, fmt.Errorf("profiles.merchants[%d].country: must be an upper-case ISO 3166-1 alpha-2 code", i))
		}
	}
	return errs
}

// sortedKeys returns m's keys in order, so that errors are listed stably.
func sortedKeys(m map[string]float64) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
