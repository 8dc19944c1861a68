// Package partner holds the partners of the NFC API and authenticates them
// by api_key. Keys are configured as their SHA-256 only: an api_key is a
// random 256-bit secret, so a fast hash is enough to keep the stored form
// useless to a reader of the configuration, and lookups compare the hashes
// in constant time.
package partner

import (
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"fmt"
	"slices"
	"time"

	"github.com/kycgate/kycgate/config"
)

// Partner is one partner's account settings.
type Partner struct {
	// ID names the partner.
	ID string
	// Methods are the methods the partner may start.
	Methods []string
	// Webhook and WebhookSecret are the default result URL and its HMAC key.
	Webhook, WebhookSecret string
	// RedirectURL is the default page after the partner's OK.
	RedirectURL string
	// ConfirmationTimeout is how long the partner has to confirm a result.
	ConfirmationTimeout time.Duration
	// NumImagesLiveness and ForceMRZConsent are the option defaults.
	NumImagesLiveness int
	ForceMRZConsent   bool
	// MRZConsent and Selfie are the partner's steps besides the chip
	// read, which every session has: the consent screen, and the selfie
	// images (NumImagesLiveness is 0 without them).
	MRZConsent, Selfie bool
	// SendImages allows send_scan; SendVectors adds face templates.
	SendImages, SendVectors bool
	keyHash                 [sha256.Size]byte
}

// Allows reports whether the partner may start method.
func (p Partner) Allows(method string) bool {
	return slices.Contains(p.Methods, method)
}

// Registry is the set of configured partners. It is read-only after New.
type Registry struct {
	partners []Partner
}

// New builds the registry from the configuration, applying the partner
// defaults.
func New(cfgs []config.NFCPartner) (*Registry, error) {
	r := &Registry{}
	for i, c := range cfgs {
		c = config.NFCPartnerDefaults(c)
		raw, err := hex.DecodeString(c.APIKeySHA256)
		if err != nil || len(raw) != sha256.Size {
			return nil, fmt.Errorf("partner %d: api_key_sha256 must be 64 hex digits", i)
		}
		p := Partner{
			ID: c.ID, Methods: c.Methods, Webhook: c.Webhook, WebhookSecret: c.WebhookSecret,
			RedirectURL: c.RedirectURL, ConfirmationTimeout: c.ConfirmationTimeout.D(),
			NumImagesLiveness: c.NumImagesLiveness, ForceMRZConsent: c.ForceMRZConsent,
			MRZConsent: c.HasStep(config.NFCStepMRZConsent), Selfie: c.HasStep(config.NFCStepSelfie),
			SendImages: c.SendImages, SendVectors: c.SendVectors,
		}
		copy(p.keyHash[:], raw)
		r.partners = append(r.partners, p)
	}
	return r, nil
}

// Authenticate returns the partner whose api_key is key. Every configured
// hash is compared, in constant time, whatever matches.
func (r *Registry) Authenticate(key string) (Partner, bool) {
	if key == "" {
		return Partner{}, false
	}
	sum := sha256.Sum256([]byte(key))
	found := -1
	for i := range r.partners {
		if subtle.ConstantTimeCompare(sum[:], r.partners[i].keyHash[:]) == 1 {
			found = i
		}
	}
	if found < 0 {
		return Partner{}, false
	}
	return r.partners[found], true
}

// Get returns the partner with the ID.
func (r *Registry) Get(id string) (Partner, bool) {
	for _, p := range r.partners {
		if p.ID == id {
			return p, true
		}
	}
	return Partner{}, false
}

// HashKey returns the hex SHA-256 of an api_key, as configured.
func HashKey(key string) string {
	sum := sha256.Sum256([]byte(key))
	return hex.EncodeToString(sum[:])
}

// NewKey draws a random api_key (256 bits, base32 text) and returns it with
// its hash.
func NewKey() (key, hash string) {
	key = "nfc_" + rand.Text() + rand.Text()
	return key, HashKey(key)
}
