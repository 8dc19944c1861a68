package media

import (
	"net/url"
	"strings"
	"time"
)

// FilePath is the gateway path that serves media files.
const FilePath = "/media/file"

// URLs builds the signed URLs of media files.
type URLs struct {
	base   string
	signer *Signer
	ttl    time.Duration
	now    func() time.Time
}

// NewURLs returns a builder of URLs under base (the gateway's public URL,
// e.g. "https://kyc.example.com") valid for ttl.
func NewURLs(base string, signer *Signer, ttl time.Duration) *URLs {
	return &URLs{base: strings.TrimSuffix(base, "/"), signer: signer, ttl: ttl, now: time.Now}
}

// URL returns the signed URL of key for merchantID.
func (u *URLs) URL(merchantID, key string) string {
	token := u.signer.Sign(Location{Key: key, MerchantID: merchantID, Expiry: u.now().Add(u.ttl)})
	return u.base + FilePath + "?location=" + url.QueryEscape(token)
}

// Signer returns the token signer, for checking presented tokens.
func (u *URLs) Signer() *Signer { return u.signer }
