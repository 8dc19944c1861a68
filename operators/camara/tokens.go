package camara

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"sync"
	"time"

	"golang.org/x/oauth2"
	"golang.org/x/oauth2/clientcredentials"
)

// tokenFetchTimeout bounds one request to the token endpoint. A fetch is
// shared by every call waiting for it, so it does not end with the first
// caller that gives up.
const tokenFetchTimeout = 10 * time.Second

// tokenSource caches the gateway's access token at one operator. It hands
// out the cached token until shortly before it expires, lets a single fetch
// run however many calls need a new token, and forgets a token the operator
// refused. It is safe for concurrent use.
type tokenSource struct {
	cfg    clientcredentials.Config
	client *http.Client
	margin time.Duration
	now    func() time.Time

	mu        sync.Mutex
	token     *oauth2.Token
	refreshAt time.Time
	inflight  *tokenFetch
	fetches   int
}

// tokenFetch is one request to the token endpoint and its result.
type tokenFetch struct {
	done  chan struct{}
	token *oauth2.Token
	err   error
}

// newTokenSource returns a token source that requests tokens with cfg
// through client, refreshing them margin before they expire.
func newTokenSource(cfg clientcredentials.Config, client *http.Client, margin time.Duration) *tokenSource {
	return &tokenSource{cfg: cfg, client: client, margin: margin, now: time.Now}
}

// Token returns a valid access token, fetching a new one when none is
// cached or the cached one is due for refresh.
func (s *tokenSource) Token(ctx context.Context) (*oauth2.Token, error) {
	s.mu.Lock()
	if s.token != nil && s.now().Before(s.refreshAt) {
		t := s.token
		s.mu.Unlock()
		return t, nil
	}
	fetch := s.inflight
	if fetch == nil {
		fetch = &tokenFetch{done: make(chan struct{})}
		s.inflight = fetch
		s.fetches++
		go s.fetch(fetch)
	}
	s.mu.Unlock()
	select {
	case <-fetch.done:
		return fetch.token, fetch.err
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

// Invalidate forgets the cached token when it is stale, the token the
// operator refused, so that the next Token call fetches a new one. A token
// fetched meanwhile by another call is kept.
func (s *tokenSource) Invalidate(stale *oauth2.Token) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.token != nil && stale != nil && s.token.AccessToken == stale.AccessToken {
		s.token = nil
	}
}

// Fetches returns how many token requests were started.
func (s *tokenSource) Fetches() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.fetches
}

// fetch requests a token and publishes the result to its waiters.
func (s *tokenSource) fetch(f *tokenFetch) {
	ctx, cancel := context.WithTimeout(context.WithValue(context.Background(), oauth2.HTTPClient, s.client), tokenFetchTimeout)
	defer cancel()
	token, err := s.cfg.Token(ctx)
	err = tokenFetchError(err)
	s.mu.Lock()
	if err == nil {
		s.token, s.refreshAt = token, s.refreshTime(token)
	}
	s.inflight = nil
	s.mu.Unlock()
	f.token, f.err = token, err
	close(f.done)
}

// tokenFetchError keeps of a failed token request what is safe to log: an
// answer of the token endpoint (*oauth2.RetrieveError, whose text holds the
// endpoint's whole answer, which may carry anything) becomes its status and,
// when it is one of RFC 6749's error codes, that code. Other errors (the
// endpoint unreachable, an answer without a token) say nothing the
// endpoint wrote and are kept.
func tokenFetchError(err error) error {
	var re *oauth2.RetrieveError
	if !errors.As(err, &re) {
		return err
	}
	status := 0
	if re.Response != nil {
		status = re.Response.StatusCode
	}
	if slices.Contains(oauthErrorCodes, re.ErrorCode) {
		return fmt.Errorf("the token endpoint answered %d %s", status, re.ErrorCode)
	}
	return fmt.Errorf("the token endpoint answered %d", status)
}

// oauthErrorCodes are the token endpoint's error codes (RFC 6749, 5.2).
var oauthErrorCodes = []string{"invalid_request", "invalid_client", "invalid_grant", "unauthorized_client", "unsupported_grant_type", "invalid_scope"}

// refreshTime is when a token should be replaced: margin before it
// expires, but no earlier than three quarters of its lifetime, so that a
// short-lived token is still reused. A token without expiry, or whose
// expiry has passed already when it arrives (an expires_in of zero or
// below), is kept until the operator refuses it, rather than fetched again
// for every call.
func (s *tokenSource) refreshTime(t *oauth2.Token) time.Time {
	if t.Expiry.IsZero() || !t.Expiry.After(s.now()) {
		return time.Unix(1<<62, 0)
	}
	lifetime := t.Expiry.Sub(s.now())
	return t.Expiry.Add(-min(s.margin, lifetime/4))
}
