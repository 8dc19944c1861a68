package camara

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/kycgate/kycgate/config"
	"github.com/kycgate/kycgate/kycmatch"
)

// Options configure a camara adapter; they are the JSON object under the
// operator's options key. See the package documentation for each key.
type Options struct {
	BaseURL            string            `json:"baseUrl"`
	Version            string            `json:"version"`
	TokenURL           string            `json:"tokenUrl"`
	ClientID           string            `json:"clientId"`
	ClientSecret       string            `json:"clientSecret"`
	Scopes             []string          `json:"scopes"`
	TokenParams        map[string]string `json:"tokenParams"`
	TokenRefreshMargin config.Duration   `json:"tokenRefreshMargin"`
	ConnectTimeout     config.Duration   `json:"connectTimeout"`
	MaxIdleConns       int               `json:"maxIdleConns"`
	MaxConnsPerHost    int               `json:"maxConnsPerHost"`
	IdleConnTimeout    config.Duration   `json:"idleConnTimeout"`
	MaxResponseBytes   int64             `json:"maxResponseBytes"`
}

// DefaultOptions are the values of the keys left out.
func DefaultOptions() Options {
	return Options{
		Version:            "0.4",
		Scopes:             []string{"kyc-match:match"},
		TokenRefreshMargin: config.Duration(30 * time.Second),
		ConnectTimeout:     config.Duration(3 * time.Second),
		MaxIdleConns:       64,
		MaxConnsPerHost:    128,
		IdleConnTimeout:    config.Duration(90 * time.Second),
		MaxResponseBytes:   64 << 10,
	}
}

// optionKeys are the option names, spelled exactly.
var optionKeys = []string{
	"baseUrl", "version", "tokenUrl", "clientId", "clientSecret", "scopes", "tokenParams",
	"tokenRefreshMargin", "connectTimeout", "maxIdleConns", "maxConnsPerHost", "idleConnTimeout",
	"maxResponseBytes",
}

// ParseOptions decodes raw options over DefaultOptions and validates them,
// reporting every problem at once. Unknown keys (matched case-sensitively)
// are refused. Messages never repeat the client secret.
func ParseOptions(raw json.RawMessage) (Options, error) {
	o := DefaultOptions()
	if len(bytes.TrimSpace(raw)) == 0 {
		return Options{}, errors.New("camara operator options: baseUrl, tokenUrl, clientId and clientSecret are required")
	}
	var members map[string]json.RawMessage
	if err := json.Unmarshal(raw, &members); err != nil {
		return Options{}, fmt.Errorf("camara operator options: %w", err)
	}
	for key := range members {
		if !slices.Contains(optionKeys, key) {
			return Options{}, fmt.Errorf("camara operator options: unknown option %q (known: %s)", key, strings.Join(optionKeys, ", "))
		}
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&o); err != nil {
		return Options{}, fmt.Errorf("camara operator options: %w", err)
	}
	if err := o.Validate(); err != nil {
		return Options{}, err
	}
	return o, nil
}

// Validate reports every invalid option at once.
func (o Options) Validate() error {
	var problems []string
	add := func(format string, args ...any) { problems = append(problems, fmt.Sprintf(format, args...)) }
	if err := checkEndpoint(o.BaseURL); err != nil {
		add("baseUrl: %v", err)
	}
	if err := checkEndpoint(o.TokenURL); err != nil {
		add("tokenUrl: %v", err)
	}
	if _, ok := kycmatch.ParseVersion(o.Version); !ok {
		add("version: must be one of 0.3, 0.4")
	}
	if o.ClientID == "" {
		add("clientId: required")
	}
	if o.ClientSecret == "" {
		add("clientSecret: required (write ${ENV_NAME} to read it from the environment)")
	}
	for i, s := range o.Scopes {
		if s == "" || strings.ContainsAny(s, " \t\r\n") {
			add("scopes[%d]: must be one non-empty scope without spaces", i)
		}
	}
	if o.TokenRefreshMargin < 0 {
		add("tokenRefreshMargin: must not be negative")
	}
	if o.ConnectTimeout <= 0 {
		add("connectTimeout: must be positive")
	}
	if o.IdleConnTimeout <= 0 {
		add("idleConnTimeout: must be positive")
	}
	if o.MaxIdleConns < 1 {
		add("maxIdleConns: must be at least 1")
	}
	if o.MaxConnsPerHost < 0 {
		add("maxConnsPerHost: must not be negative")
	}
	if o.MaxResponseBytes < 1024 {
		add("maxResponseBytes: must be at least 1024")
	}
	if len(problems) > 0 {
		return fmt.Errorf("camara operator options: %s", strings.Join(problems, "; "))
	}
	return nil
}

// checkEndpoint accepts an absolute http or https URL without query,
// fragment or credentials.
func checkEndpoint(raw string) error {
	if raw == "" {
		return errors.New("required")
	}
	u, err := url.Parse(raw)
	switch {
	case err != nil:
		return errors.New("not a URL")
	case u.Scheme != "http" && u.Scheme != "https":
		return errors.New("must be an http or https URL")
	case u.Host == "":
		return errors.New("must name a host")
	case u.RawQuery != "" || u.Fragment != "" || u.User != nil:
		return errors.New("must not hold a query, a fragment or credentials")
	}
	return nil
}

// version returns the parsed operator version; Validate has checked it.
func (o Options) version() kycmatch.Version {
	v, _ := kycmatch.ParseVersion(o.Version)
	return v
}
