package camara

import (
	"fmt"
	"io"
	"net/http"

	"golang.org/x/oauth2"
)

// bearerTransport is the RoundTripper decorator that authenticates every
// request with the operator's access token and retries once, with a fresh
// token, a request the operator answers 401.
type bearerTransport struct {
	tokens *tokenSource
	next   http.RoundTripper
}

// maxDiscardBytes bounds how much of a refused answer is read to keep its
// connection alive.
const maxDiscardBytes = 4 << 10

// RoundTrip sends req with the bearer token; see bearerTransport.
func (b *bearerTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	token, err := b.tokens.Token(req.Context())
	if err != nil {
		closeBody(req)
		return nil, fmt.Errorf("access token: %w", err)
	}
	res, err := b.next.RoundTrip(withBearer(req, token))
	if err != nil || res.StatusCode != http.StatusUnauthorized || !replayable(req) {
		return res, err
	}
	discard(res)
	b.tokens.Invalidate(token)
	if token, err = b.tokens.Token(req.Context()); err != nil {
		return nil, fmt.Errorf("access token after 401: %w", err)
	}
	retry := withBearer(req, token)
	if req.GetBody != nil {
		if retry.Body, err = req.GetBody(); err != nil {
			return nil, fmt.Errorf("replay request body: %w", err)
		}
	}
	return b.next.RoundTrip(retry)
}

// withBearer returns a copy of req carrying token; req is not modified.
func withBearer(req *http.Request, token *oauth2.Token) *http.Request {
	r := req.Clone(req.Context())
	r.Header.Set("Authorization", "Bearer "+token.AccessToken)
	return r
}

// replayable reports whether req can be sent a second time.
func replayable(req *http.Request) bool {
	return req.Body == nil || req.Body == http.NoBody || req.GetBody != nil
}

// discard reads a little of a response body and closes it, so that its
// connection can be reused.
func discard(res *http.Response) {
	_, _ = io.CopyN(io.Discard, res.Body, maxDiscardBytes)
	_ = res.Body.Close()
}

// closeBody closes a request body, as a RoundTripper must even on error.
func closeBody(req *http.Request) {
	if req.Body != nil {
		_ = req.Body.Close()
	}
}
