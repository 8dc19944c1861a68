// Package config loads kycgate's YAML configuration file.
//
// Every key has a default (see Default and docs/CONFIGURATION.md). Secrets
// are not written into the file: a value of the form ${NAME} is replaced by
// the environment variable NAME when the file is loaded. Validation reports
// every problem at once.
package config

import (
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"net"
	"net/netip"
	"slices"
	"strings"
	"time"

	"sigs.k8s.io/yaml"

	"github.com/kycgate/kycgate/biometric"
)

// Config is the whole configuration.
type Config struct {
	Server        Server           `json:"server"`
	Auth          Auth             `json:"auth"`
	Store         Store            `json:"store"`
	Operators     []Operator       `json:"operators"`
	Discovery     Discovery        `json:"discovery"`
	Log           Log              `json:"log"`
	NFC           NFC              `json:"nfc"`
	Verifications Verifications    `json:"verifications"`
	Media         Media            `json:"media"`
	Webhooks      Webhooks         `json:"webhooks"`
	Biometric     biometric.Config `json:"biometric"`
	Profiles      Profiles         `json:"profiles"`
}

// Server configures the HTTP listener.
type Server struct {
	// Listen is the host:port the gateway listens on.
	Listen string `json:"listen"`
	// ReadHeaderTimeout bounds the time to read request headers.
	ReadHeaderTimeout Duration `json:"read_header_timeout"`
	// ReadTimeout bounds the time to read a whole request.
	ReadTimeout Duration `json:"read_timeout"`
	// WriteTimeout bounds the time to write a response.
	WriteTimeout Duration `json:"write_timeout"`
	// IdleTimeout bounds how long a keep-alive connection waits.
	IdleTimeout Duration `json:"idle_timeout"`
	// ShutdownTimeout bounds the graceful shutdown on SIGTERM.
	ShutdownTimeout Duration `json:"shutdown_timeout"`
	// MaxBodyBytes caps JSON request bodies.
	MaxBodyBytes int64 `json:"max_body_bytes"`
	// TrustedProxies lists the addresses or CIDR ranges of the load
	// balancers whose X-Forwarded-For / X-Real-IP headers name the client.
	// Empty (the default) trusts no forwarding header: the client is the
	// TCP peer. Rate limits and the recorded request IP use this address.
	TrustedProxies []string `json:"trusted_proxies"`
}

// Auth configures access-token verification.
type Auth struct {
	// Issuer is the trusted OAuth2/OIDC issuer URL.
	Issuer string `json:"issuer"`
	// Audience must be contained in every token's aud claim.
	Audience string `json:"audience"`
	// Leeway is the clock skew allowed on exp, nbf and iat.
	Leeway Duration `json:"leeway"`
	// RefreshCooldown is the minimum time between two JWKS refreshes
	// triggered by tokens with an unknown key id.
	RefreshCooldown Duration `json:"refresh_cooldown"`
	// SubjectClaim carries the 3-legged subject ("tel:+<E.164>").
	SubjectClaim string `json:"subject_claim"`
	// PhoneClaim is an alternative claim with the subscriber's number.
	PhoneClaim string `json:"phone_claim"`
	// ClientIDClaim names the API client (merchant); "azp" is the fallback.
	ClientIDClaim string `json:"client_id_claim"`
	// TokenCacheSize bounds the cache of verified tokens; -1 disables it.
	TokenCacheSize int `json:"token_cache_size"`
}

// Log configures the JSON logger.
type Log struct {
	// Level is debug, info, warn or error.
	Level string `json:"level"`
}

// Default returns the configuration used for every key the file omits.
func Default() Config {
	return Config{
		Server: Server{
			Listen:            "127.0.0.1:8080",
			ReadHeaderTimeout: Duration(5 * time.Second),
			ReadTimeout:       Duration(15 * time.Second),
			WriteTimeout:      Duration(30 * time.Second),
			IdleTimeout:       Duration(120 * time.Second),
			ShutdownTimeout:   Duration(20 * time.Second),
			MaxBodyBytes:      64 << 10,
		},
		Auth: Auth{
			Audience:        "kycgate",
			Leeway:          Duration(30 * time.Second),
			RefreshCooldown: Duration(30 * time.Second),
			SubjectClaim:    "sub",
			PhoneClaim:      "phone_number",
			ClientIDClaim:   "client_id",
			TokenCacheSize:  10000,
		},
		Store:         DefaultStore(),
		Discovery:     DefaultDiscovery(),
		Log:           Log{Level: "info"},
		NFC:           DefaultNFC(),
		Verifications: DefaultVerifications(),
		Media:         DefaultMedia(),
		Webhooks:      DefaultWebhooks(),
		Biometric:     biometric.DefaultConfig(),
		Profiles:      DefaultProfiles(),
	}
}

// Load reads, expands and validates the file at path.
func Load(path string) (Config, error) {
	return LoadFor(path, Requirements{})
}

// Parse decodes YAML over Default, expanding ${NAME} with lookup, and
// validates the result. Unknown keys are errors.
func Parse(raw []byte, lookup func(string) (string, bool)) (Config, error) {
	return parse(raw, lookup, Requirements{})
}

// parse is Parse that also checks req.
func parse(raw []byte, lookup func(string) (string, bool), req Requirements) (Config, error) {
	expanded, err := expandEnv(raw, lookup)
	if err != nil {
		return Config{}, err
	}
	// Every misspelt key is listed, with every problem of the values the
	// file does spell right; the strict decoder, which stops at the first
	// unknown key, is for files without any.
	var errs []error
	decode := yaml.UnmarshalStrict
	if unknown := unknownKeys(expanded); len(unknown) > 0 {
		errs = append(errs, fmt.Errorf("config: unknown keys: %s", strings.Join(unknown, ", ")))
		decode = yaml.Unmarshal
	}
	cfg := Default()
	if err := decode(expanded, &cfg); err != nil {
		return Config{}, errors.Join(append(errs, fmt.Errorf("config: %w", err))...)
	}
	if err := cfg.ValidateFor(req); err != nil {
		errs = append(errs, err)
	}
	if len(errs) > 0 {
		return Config{}, errors.Join(errs...)
	}
	return cfg, nil
}

// nonPositive reports, in the order of their names so that the same file
// always gets the same message, the durations that are not positive.
func nonPositive(durations map[string]Duration) []error {
	var errs []error
	for _, name := range slices.Sorted(maps.Keys(durations)) {
		if durations[name] <= 0 {
			errs = append(errs, fmt.Errorf("%s: must be positive", name))
		}
	}
	return errs
}

// Validate checks the configuration and returns every problem at once.
func (c Config) Validate() error {
	var errs []error
	add := func(format string, args ...any) { errs = append(errs, fmt.Errorf(format, args...)) }

	if _, _, err := net.SplitHostPort(c.Server.Listen); err != nil {
		add("server.listen: %v", err)
	}
	errs = append(errs, nonPositive(map[string]Duration{
		"server.read_header_timeout": c.Server.ReadHeaderTimeout,
		"server.read_timeout":        c.Server.ReadTimeout,
		"server.write_timeout":       c.Server.WriteTimeout,
		"server.idle_timeout":        c.Server.IdleTimeout,
		"server.shutdown_timeout":    c.Server.ShutdownTimeout,
	})...)
	if c.Server.MaxBodyBytes < 1024 {
		add("server.max_body_bytes: must be at least 1024")
	}
	for i, p := range c.Server.TrustedProxies {
		if !validProxy(p) {
			add("server.trusted_proxies[%d]: not an IP address or CIDR range", i)
		}
	}
	if c.Auth.Audience == "" {
		add("auth.audience: required")
	}
	if c.Auth.Leeway < 0 || c.Auth.Leeway > Duration(5*time.Minute) {
		add("auth.leeway: must be between 0s and 5m")
	}
	if c.Auth.TokenCacheSize < -1 {
		add("auth.token_cache_size: must be -1 (off) or a size")
	}
	if c.Auth.RefreshCooldown <= 0 {
		add("auth.refresh_cooldown: must be positive")
	}
	if c.Store.Type == "" {
		add("store.type: required")
	}
	switch c.Log.Level {
	case "debug", "info", "warn", "error":
	default:
		add("log.level: must be debug, info, warn or error")
	}
	errs = append(errs, c.validateOperators()...)
	errs = append(errs, c.NFC.validate()...)
	errs = append(errs, c.validateVerifications()...)
	if err := c.Biometric.Validate(); err != nil {
		errs = append(errs, err)
	}
	errs = append(errs, c.Discovery.validate()...)
	errs = append(errs, c.Profiles.validate(c.Verifications.TemplateKey)...)
	return errors.Join(errs...)
}

// Duration is a time.Duration written as a Go duration string ("30s").
type Duration time.Duration

// UnmarshalJSON accepts a duration string such as "1m30s".
func (d *Duration) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return fmt.Errorf("duration must be a string such as \"30s\"")
	}
	v, err := time.ParseDuration(s)
	if err != nil {
		return fmt.Errorf("invalid duration %q", s)
	}
	*d = Duration(v)
	return nil
}

// MarshalJSON writes the duration as a string.
func (d Duration) MarshalJSON() ([]byte, error) {
	return json.Marshal(time.Duration(d).String())
}

// D returns the value as a time.Duration.
func (d Duration) D() time.Duration { return time.Duration(d) }

// validProxy reports whether p is an IP address or a CIDR range.
func validProxy(p string) bool {
	if _, err := netip.ParsePrefix(p); err == nil {
		return true
	}
	_, err := netip.ParseAddr(p)
	return err == nil
}
