package auth

import (
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"time"
)

// Default values applied by NewVerifier to zero Config fields.
const (
	DefaultLeeway          = 30 * time.Second
	DefaultRefreshCooldown = 30 * time.Second
	DefaultSubjectClaim    = "sub"
	DefaultPhoneClaim      = "phone_number"
	DefaultClientIDClaim   = "client_id"
)

// fallbackClientIDClaim is read when the configured client id claim is absent.
const fallbackClientIDClaim = "azp"

// DefaultAlgorithms are the JWS algorithms accepted when Config.Algorithms is
// empty.
var DefaultAlgorithms = []string{"RS256", "ES256", "PS256"}

// asymmetricAlgorithms lists every algorithm a Config may name. Symmetric
// (HS*) algorithms and "none" are deliberately absent.
var asymmetricAlgorithms = map[string]bool{
	"RS256": true, "RS384": true, "RS512": true,
	"ES256": true, "ES384": true, "ES512": true,
	"PS256": true, "PS384": true, "PS512": true,
	"EdDSA": true,
}

// Config describes the authorization server whose access tokens the gateway
// accepts.
type Config struct {
	// Issuer is the issuer URL. Discovery reads
	// Issuer + "/.well-known/openid-configuration" and tokens must carry this
	// exact value in "iss".
	Issuer string
	// Audience must be one of the values of the token's "aud" claim (a string
	// or an array).
	Audience string
	// Leeway is the clock skew allowed for exp, nbf and iat (default 30s).
	Leeway time.Duration
	// RefreshCooldown is the minimum time between two key-set refreshes
	// triggered by unknown key ids (default 30s).
	RefreshCooldown time.Duration
	// SubjectClaim carries the three-legged subject, "tel:+<E.164>"
	// (default "sub").
	SubjectClaim string
	// PhoneClaim is an alternative claim holding the phone number
	// (default "phone_number").
	PhoneClaim string
	// ClientIDClaim carries the merchant's client id (default "client_id");
	// "azp" is read when it is absent.
	ClientIDClaim string
	// HTTPClient is used for discovery and key-set fetches. The default client
	// has connect, TLS-handshake, header and overall timeouts.
	HTTPClient *http.Client
	// Algorithms are the accepted JWS algorithms (default RS256, ES256,
	// PS256). Only asymmetric algorithms may be named.
	Algorithms []string
	// Logger receives discovery and key-refresh failures (never token
	// contents). The default is slog.Default().
	Logger *slog.Logger
	// CacheSize bounds the cache of verified tokens (default
	// DefaultCacheSize); a negative value disables the cache.
	CacheSize int
	// OnKeySetFetch, when set, is called after every fetch of the issuer's
	// key set with the fetch's error (nil on success), e.g. for metrics.
	OnKeySetFetch func(err error)
}

// withDefaults returns a copy of c with every zero field set to its default.
func (c Config) withDefaults() Config {
	if c.Leeway == 0 {
		c.Leeway = DefaultLeeway
	}
	if c.CacheSize == 0 {
		c.CacheSize = DefaultCacheSize
	}
	if c.RefreshCooldown == 0 {
		c.RefreshCooldown = DefaultRefreshCooldown
	}
	if c.SubjectClaim == "" {
		c.SubjectClaim = DefaultSubjectClaim
	}
	if c.PhoneClaim == "" {
		c.PhoneClaim = DefaultPhoneClaim
	}
	if c.ClientIDClaim == "" {
		c.ClientIDClaim = DefaultClientIDClaim
	}
	if c.HTTPClient == nil {
		c.HTTPClient = defaultHTTPClient()
	}
	if c.Logger == nil {
		c.Logger = slog.Default()
	}
	if len(c.Algorithms) == 0 {
		c.Algorithms = append([]string(nil), DefaultAlgorithms...)
	}
	return c
}

// validate reports the first configuration mistake, if any.
func (c Config) validate() error {
	if err := validateIssuer(c.Issuer); err != nil {
		return err
	}
	if c.Audience == "" {
		return errors.New("auth: audience is required")
	}
	if c.Leeway < 0 {
		return errors.New("auth: leeway must not be negative")
	}
	if c.RefreshCooldown < 0 {
		return errors.New("auth: refresh cooldown must not be negative")
	}
	for _, alg := range c.Algorithms {
		if !asymmetricAlgorithms[alg] {
			return fmt.Errorf("auth: algorithm %q is not an accepted asymmetric JWS algorithm", alg)
		}
	}
	return nil
}

// validateIssuer checks that the issuer is an absolute http(s) URL without
// query or fragment, as OpenID Connect Discovery requires.
func validateIssuer(issuer string) error {
	if issuer == "" {
		return errors.New("auth: issuer is required")
	}
	u, err := url.Parse(issuer)
	if err != nil {
		return fmt.Errorf("auth: issuer is not a URL: %w", err)
	}
	if u.Scheme != "https" && u.Scheme != "http" {
		return errors.New("auth: issuer must be an http or https URL")
	}
	if u.Host == "" {
		return errors.New("auth: issuer must name a host")
	}
	if u.RawQuery != "" || u.Fragment != "" {
		return errors.New("auth: issuer must not carry a query or fragment")
	}
	return nil
}

// defaultHTTPClient returns a client whose every phase is bounded, so a slow
// authorization server cannot hold discovery or key fetches forever.
func defaultHTTPClient() *http.Client {
	transport := &http.Transport{
		Proxy:                 http.ProxyFromEnvironment,
		DialContext:           (&net.Dialer{Timeout: 5 * time.Second, KeepAlive: 30 * time.Second}).DialContext,
		TLSHandshakeTimeout:   5 * time.Second,
		ResponseHeaderTimeout: 10 * time.Second,
		IdleConnTimeout:       90 * time.Second,
		MaxIdleConnsPerHost:   4,
		ForceAttemptHTTP2:     true,
	}
	return &http.Client{Transport: transport, Timeout: 15 * time.Second}
}
