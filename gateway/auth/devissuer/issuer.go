package devissuer

import (
	"errors"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// Defaults applied by New to zero Options fields.
const (
	DefaultAudience  = "kycgate"
	DefaultTokenTTL  = time.Hour
	DefaultAlgorithm = ES256
)

// Client is an OAuth2 client registered at the issuer.
type Client struct {
	// ID is the client_id.
	ID string
	// Secret is the client secret.
	Secret string
	// Scopes are the scopes the client may request.
	Scopes []string
}

// Options configure an Issuer.
type Options struct {
	// Clients are the registered clients.
	Clients []Client
	// Audience is put in the aud claim of issued tokens (default "kycgate").
	Audience string
	// TokenTTL is the lifetime of issued tokens (default one hour).
	TokenTTL time.Duration
	// Algorithm signs the tokens: ES256 (default), RS256 or PS256.
	Algorithm string
}

// Issuer is an in-memory development authorization server. It is safe for
// concurrent use.
type Issuer struct {
	opts    Options
	clients map[string]Client

	mu  sync.RWMutex
	url string
	// keys are published in the JWKS; the last one signs new tokens.
	keys []*signingKey

	jwksRequests atomic.Int64
}

// New validates opts and returns an issuer with a freshly generated signing
// key. Call SetURL before serving or minting.
func New(opts Options) (*Issuer, error) {
	opts = withDefaults(opts)
	if opts.TokenTTL < 0 {
		return nil, errors.New("devissuer: token TTL must not be negative")
	}
	clients, err := indexClients(opts.Clients)
	if err != nil {
		return nil, err
	}
	key, err := generateKey(opts.Algorithm)
	if err != nil {
		return nil, err
	}
	return &Issuer{opts: opts, clients: clients, keys: []*signingKey{key}}, nil
}

// withDefaults fills the zero fields of opts.
func withDefaults(opts Options) Options {
	if opts.Audience == "" {
		opts.Audience = DefaultAudience
	}
	if opts.TokenTTL == 0 {
		opts.TokenTTL = DefaultTokenTTL
	}
	if opts.Algorithm == "" {
		opts.Algorithm = DefaultAlgorithm
	}
	return opts
}

// indexClients checks the client list and indexes it by id.
func indexClients(clients []Client) (map[string]Client, error) {
	index := make(map[string]Client, len(clients))
	for _, c := range clients {
		if c.ID == "" || c.Secret == "" {
			return nil, errors.New("devissuer: every client needs an id and a secret")
		}
		if _, dup := index[c.ID]; dup {
			return nil, fmt.Errorf("devissuer: client %q is registered twice", c.ID)
		}
		for _, s := range c.Scopes {
			if s == "" || strings.ContainsAny(s, " \t\r\n\"\\") {
				return nil, fmt.Errorf("devissuer: client %q has an invalid scope", c.ID)
			}
		}
		c.Scopes = append([]string(nil), c.Scopes...)
		index[c.ID] = c
	}
	return index, nil
}

// SetURL sets the issuer URL, known once the listener is up. A trailing slash
// is removed.
func (i *Issuer) SetURL(issuerURL string) {
	i.mu.Lock()
	i.url = strings.TrimSuffix(issuerURL, "/")
	i.mu.Unlock()
}

// URL returns the issuer URL, the value of the iss claim.
func (i *Issuer) URL() string {
	i.mu.RLock()
	defer i.mu.RUnlock()
	return i.url
}

// TokenURL returns the token endpoint.
func (i *Issuer) TokenURL() string { return i.URL() + tokenPath }

// JWKSURL returns the key-set endpoint.
func (i *Issuer) JWKSURL() string { return i.URL() + jwksPath }

// Audience returns the aud value of issued tokens.
func (i *Issuer) Audience() string { return i.opts.Audience }

// KeyID returns the kid of the key that signs new tokens.
func (i *Issuer) KeyID() string {
	return i.currentKey().kid
}

// Rotate replaces every key with a fresh one: tokens signed before no longer
// verify once verifiers refresh the key set.
func (i *Issuer) Rotate() error {
	key, err := generateKey(i.opts.Algorithm)
	if err != nil {
		return err
	}
	i.mu.Lock()
	i.keys = []*signingKey{key}
	i.mu.Unlock()
	return nil
}

// AddKey adds a fresh key that signs new tokens from now on, keeping the
// previous keys in the key set (a graceful rotation).
func (i *Issuer) AddKey() error {
	key, err := generateKey(i.opts.Algorithm)
	if err != nil {
		return err
	}
	i.mu.Lock()
	i.keys = append(i.keys, key)
	i.mu.Unlock()
	return nil
}

// JWKSRequests returns how many times the key set has been served.
func (i *Issuer) JWKSRequests() int64 { return i.jwksRequests.Load() }

// currentKey returns the key that signs new tokens.
func (i *Issuer) currentKey() *signingKey {
	i.mu.RLock()
	defer i.mu.RUnlock()
	return i.keys[len(i.keys)-1]
}

// publishedKeys returns a snapshot of every key in the key set.
func (i *Issuer) publishedKeys() []*signingKey {
	i.mu.RLock()
	defer i.mu.RUnlock()
	return append([]*signingKey(nil), i.keys...)
}
