package config

import (
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"net/url"
	"regexp"
	"slices"
	"time"

	"github.com/kycgate/kycgate/nfc/loststolen"
)

// NFC configures NFC ID-document sessions: the partner API, the reader
// API, the chip verification's trust store and the partners.
type NFC struct {
	// Enabled mounts the NFC routes.
	Enabled bool `json:"enabled"`
	// CodeTTL is how long an init code can be redeemed.
	CodeTTL Duration `json:"code_ttl"`
	// UploadTimeout is how long the reader app has to upload after
	// redeeming the code.
	UploadTimeout Duration `json:"upload_timeout"`
	// MaxUploadBytes caps the sealed upload (chip data and selfies).
	MaxUploadBytes int64 `json:"max_upload_bytes"`
	// MaxLivenessImages caps num_images_liveness.
	MaxLivenessImages int `json:"max_liveness_images"`
	// UploadKey is the server's X25519 HPKE private key, 32 bytes in
	// standard base64 (write it as ${NAME}). Empty generates a key at
	// start, so uploads sealed before a restart cannot be opened after it.
	UploadKey string `json:"upload_key"`
	// SweepInterval is how often expired codes, uploads and confirmations
	// are looked for.
	SweepInterval Duration `json:"sweep_interval"`
	// AllowInsecureURLs accepts http:// webhook and redirect URLs (for
	// demos on loopback); https is required otherwise.
	AllowInsecureURLs bool `json:"allow_insecure_urls"`
	// Trust is what chips are verified against.
	Trust NFCTrust `json:"trust"`
	// Redeem limits failed init-code redemptions.
	Redeem NFCRedeem `json:"redeem"`
	// LostStolen is the list of documents reported lost or stolen.
	LostStolen NFCLostStolen `json:"lost_stolen"`
	// Partners are the partners allowed to start sessions.
	Partners []NFCPartner `json:"partners"`
}

// NFCTrust lists the files the CSCA trust store is loaded from and the
// verification policy.
type NFCTrust struct {
	// MasterLists are ICAO CSCA master list files (CMS, DER).
	MasterLists []string `json:"master_lists"`
	// Certificates are CSCA certificate files (DER or PEM).
	Certificates []string `json:"certificates"`
	// CRLs are CRL files of the CSCAs (DER).
	CRLs []string `json:"crls"`
	// Revocation is "require" (no current CRL fails the document) or
	// "allow_unknown" (accepted and reported).
	Revocation string `json:"revocation"`
	// AllowMissingAA is a former option that accepted a chip supporting
	// Active Authentication without its response. It is kept only so that
	// a configuration still setting it is refused with a clear message:
	// true fails validation.
	AllowMissingAA bool `json:"allow_missing_aa"`
}

// NFCLostStolen names the list of documents reported lost or stolen
// (written by `kycgate nfc lost-stolen-import`) and the key its entries
// were hashed with.
type NFCLostStolen struct {
	// File is the list; empty consults no list.
	File string `json:"file"`
	// Key is the HMAC key of the entries, at least 32 bytes in standard
	// base64 (write it as ${NAME}); required with File.
	Key string `json:"key"`
}

// NFCRedeem limits failed redemptions of init codes within a window.
type NFCRedeem struct {
	// MaxFailuresPerAddress is the failures allowed per client address.
	MaxFailuresPerAddress int `json:"max_failures_per_address"`
	// MaxFailuresPerCode is the failures allowed per code value.
	MaxFailuresPerCode int `json:"max_failures_per_code"`
	// Window is the period the failures are counted over.
	Window Duration `json:"window"`
}

// NFCPartner is one partner of the NFC API and its account settings.
type NFCPartner struct {
	// ID names the partner; it owns its sessions and webhook events.
	ID string `json:"id"`
	// APIKeySHA256 is the hex SHA-256 of the partner's api_key; the key
	// itself is never configured (see `kycgate nfc partner-key`).
	APIKeySHA256 string `json:"api_key_sha256"`
	// Methods are the methods the partner may ask for (default enroll).
	Methods []string `json:"methods"`
	// Webhook is the default result URL.
	Webhook string `json:"webhook"`
	// WebhookSecret signs the result webhooks (HMAC-SHA256); write it as
	// ${NAME}.
	WebhookSecret string `json:"webhook_secret"`
	// RedirectURL is the default page the app opens after the partner's OK.
	RedirectURL string `json:"redirect_url"`
	// ConfirmationTimeout is how long the partner has to confirm a result.
	ConfirmationTimeout Duration `json:"confirmation_timeout"`
	// Steps are the steps the reader app asks of the partner's users
	// besides the chip read, which every session has: NFCStepMRZConsent
	// (the consent screen: document number, birth and expiry dates,
	// scanned from the MRZ) and NFCStepSelfie (num_images_liveness selfie
	// images, compared with the portrait and scored for liveness). Unset
	// means both; an empty list means the chip read alone.
	Steps []string `json:"steps"`
	// NumImagesLiveness is the default number of selfie images: 1 when
	// unset and the steps include the selfie, and 0 (the only value
	// allowed) when they do not.
	NumImagesLiveness int `json:"num_images_liveness"`
	// ForceMRZConsent is the default of the force_mrz_consent option.
	ForceMRZConsent bool `json:"force_mrz_consent"`
	// SendImages allows send_scan; without it no image leaves the gateway.
	SendImages bool `json:"send_images"`
	// SendVectors adds the face templates to the webhook.
	SendVectors bool `json:"send_vectors"`
	// MerchantID is the merchant (token client id) whose verifications
	// this partner's sessions may be linked to with session_init's
	// options.verification_id, feeding the person's profile; empty links
	// none.
	MerchantID string `json:"merchant_id"`
}

// The steps of NFCPartner.Steps. NFCStepChipRead may be listed but is
// implied: reading the chip is the point of every session.
const (
	NFCStepMRZConsent = "mrz_consent"
	NFCStepSelfie     = "selfie"
	NFCStepChipRead   = "chip_read"
)

// HasStep reports whether the partner's steps, after defaults, include
// step.
func (p NFCPartner) HasStep(step string) bool {
	return step == NFCStepChipRead || slices.Contains(p.Steps, step)
}

// The revocation policies of NFCTrust.Revocation.
const (
	NFCRevocationRequire      = "require"
	NFCRevocationAllowUnknown = "allow_unknown"
)

// DefaultNFC returns the NFC defaults: disabled, 10-minute codes, 15
// minutes to upload, 16 MiB uploads, revocation gaps reported.
func DefaultNFC() NFC {
	return NFC{
		CodeTTL:           Duration(10 * time.Minute),
		UploadTimeout:     Duration(15 * time.Minute),
		MaxUploadBytes:    16 << 20,
		MaxLivenessImages: 5,
		SweepInterval:     Duration(5 * time.Second),
		Trust:             NFCTrust{Revocation: NFCRevocationAllowUnknown},
		Redeem:            NFCRedeem{MaxFailuresPerAddress: 10, MaxFailuresPerCode: 5, Window: Duration(15 * time.Minute)},
	}
}

// NFCPartnerDefaults fills a partner's unset settings.
func NFCPartnerDefaults(p NFCPartner) NFCPartner {
	if len(p.Methods) == 0 {
		p.Methods = []string{"enroll"}
	}
	if p.ConfirmationTimeout == 0 {
		p.ConfirmationTimeout = Duration(10 * time.Minute)
	}
	if p.Steps == nil {
		p.Steps = []string{NFCStepMRZConsent, NFCStepSelfie}
	}
	if p.NumImagesLiveness == 0 && p.HasStep(NFCStepSelfie) {
		p.NumImagesLiveness = 1
	}
	return p
}

var partnerIDPattern = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$`)

// validate reports every problem of the NFC settings.
func (n NFC) validate() []error {
	var errs []error
	add := func(format string, args ...any) { errs = append(errs, fmt.Errorf(format, args...)) }
	errs = append(errs, nonPositive(map[string]Duration{
		"nfc.code_ttl": n.CodeTTL, "nfc.upload_timeout": n.UploadTimeout,
		"nfc.sweep_interval": n.SweepInterval, "nfc.redeem.window": n.Redeem.Window,
	})...)
	if n.MaxUploadBytes < 64<<10 {
		add("nfc.max_upload_bytes: must be at least 65536")
	}
	if n.MaxLivenessImages < 1 || n.MaxLivenessImages > 20 {
		add("nfc.max_liveness_images: must be between 1 and 20")
	}
	if n.Redeem.MaxFailuresPerAddress < 1 || n.Redeem.MaxFailuresPerCode < 1 {
		add("nfc.redeem: failure limits must be at least 1")
	}
	if n.UploadKey != "" {
		if key, err := base64.StdEncoding.DecodeString(n.UploadKey); err != nil || len(key) != 32 {
			add("nfc.upload_key: must be 32 bytes in base64")
		}
	}
	if n.LostStolen.File != "" {
		if _, err := loststolen.ParseKey(n.LostStolen.Key); err != nil {
			add("nfc.lost_stolen.key: must be at least %d bytes in base64 when nfc.lost_stolen.file is set", loststolen.MinKeyBytes)
		}
	}
	switch n.Trust.Revocation {
	case NFCRevocationRequire, NFCRevocationAllowUnknown:
	default:
		add("nfc.trust.revocation: must be require or allow_unknown")
	}
	if n.Trust.AllowMissingAA {
		add("nfc.trust.allow_missing_aa: no longer supported: a chip whose EF.SOD lists DG15 must upload DG15 and pass Active Authentication")
	}
	return append(errs, n.validatePartners()...)
}

// validatePartners checks ids, key hashes and URLs of the partners.
func (n NFC) validatePartners() []error {
	var errs []error
	ids, hashes := map[string]bool{}, map[string]bool{}
	for i, p := range n.Partners {
		at := fmt.Sprintf("nfc.partners[%d]", i)
		if !partnerIDPattern.MatchString(p.ID) {
			errs = append(errs, fmt.Errorf("%s.id: 1 to 64 letters, digits, '.', '_' or '-'", at))
		} else if ids[p.ID] {
			errs = append(errs, fmt.Errorf("%s.id: %q used twice", at, p.ID))
		}
		ids[p.ID] = true
		if h, err := hex.DecodeString(p.APIKeySHA256); err != nil || len(h) != 32 {
			errs = append(errs, fmt.Errorf("%s.api_key_sha256: must be 64 hex digits", at))
		} else if hashes[p.APIKeySHA256] {
			errs = append(errs, fmt.Errorf("%s.api_key_sha256: shared with another partner", at))
		}
		hashes[p.APIKeySHA256] = true
		for _, u := range []struct{ field, raw string }{{"webhook", p.Webhook}, {"redirect_url", p.RedirectURL}} {
			if u.raw != "" && !n.acceptableURL(u.raw) {
				errs = append(errs, fmt.Errorf("%s.%s: must be an absolute https URL", at, u.field))
			}
		}
		if p.ConfirmationTimeout < 0 || p.NumImagesLiveness < 0 || p.NumImagesLiveness > n.MaxLivenessImages {
			errs = append(errs, fmt.Errorf("%s: confirmation_timeout and num_images_liveness must be within limits", at))
		}
		errs = append(errs, p.validateSteps(at)...)
	}
	return errs
}

// acceptableURL reports whether raw is an absolute https URL, or http when
// insecure URLs are allowed.
func (n NFC) acceptableURL(raw string) bool {
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" || u.User != nil {
		return false
	}
	return u.Scheme == "https" || (n.AllowInsecureURLs && u.Scheme == "http")
}

// validateSteps checks the partner's steps and that num_images_liveness
// agrees with them.
func (p NFCPartner) validateSteps(at string) []error {
	var errs []error
	for _, step := range p.Steps {
		if step != NFCStepMRZConsent && step != NFCStepSelfie && step != NFCStepChipRead {
			errs = append(errs, fmt.Errorf("%s.steps: unknown step %q (mrz_consent, selfie, chip_read)", at, step))
		}
	}
	if p.NumImagesLiveness > 0 && !NFCPartnerDefaults(p).HasStep(NFCStepSelfie) {
		errs = append(errs, fmt.Errorf("%s.num_images_liveness: must be 0 when the steps do not include selfie", at))
	}
	return errs
}
