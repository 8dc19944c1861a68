// Package readerclient plays the reader app's part against the reader API:
// it redeems an init code, answers the Active Authentication challenge with
// a chip image, seals the upload to the server's key and uploads it, and
// polls the session's status. The `kycgate nfc reader` command and the
// end-to-end tests use it.
package readerclient

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"net/http"
	"strings"
	"time"

	"github.com/kycgate/kycgate/nfc/chipfile"
	"github.com/kycgate/kycgate/nfc/seal"
	"github.com/kycgate/kycgate/nfc/service"
	"github.com/kycgate/kycgate/nfc/upload"
)

// Client calls one gateway's reader API.
type Client struct {
	// BaseURL is the gateway's root, e.g. http://127.0.0.1:8080.
	BaseURL string
	// HTTP is the client used; http.DefaultClient when nil.
	HTTP *http.Client
}

// APIError is an error answer of the reader API.
type APIError struct {
	// Status is the HTTP status.
	Status int
	// Code and Message are the CAMARA error's fields.
	Code    string `json:"code"`
	Message string `json:"message"`
	// RetryAfter is the Retry-After header, when sent.
	RetryAfter string
}

// Error describes the answer.
func (e *APIError) Error() string {
	return fmt.Sprintf("reader api: HTTP %d %s: %s", e.Status, e.Code, e.Message)
}

// Redeem exchanges an init code for the session's upload token and key.
func (c *Client) Redeem(ctx context.Context, code string) (service.Redemption, error) {
	body, _ := json.Marshal(map[string]string{"init_code": code})
	var r service.Redemption
	err := c.do(ctx, http.MethodPost, "/nfc/reader/v1/redeem", "", "application/json", body, &r)
	return r, err
}

// NewUpload builds the upload of a chip image: its files, its answer to
// the session's challenge, its consent data and the selfies. The upload
// owns its data-group map, so changing it leaves the chip image as it was.
func NewUpload(f *chipfile.File, r service.Redemption, selfies [][]byte) (*upload.Upload, error) {
	sig, err := f.SignChallenge(r.Challenge)
	if err != nil {
		return nil, err
	}
	return &upload.Upload{SOD: f.SOD, DataGroups: maps.Clone(f.DataGroups), AASignature: sig, Consent: f.Consent, Selfies: selfies}, nil
}

// Seal encodes and seals an upload for the redeemed session.
func Seal(r service.Redemption, up *upload.Upload) ([]byte, error) {
	if r.UploadKey.KEM != seal.KEMID || r.UploadKey.KDF != seal.KDFID || r.UploadKey.AEAD != seal.AEADID {
		return nil, errors.New("reader: the server asks for an HPKE suite this client does not implement")
	}
	plain, err := up.Marshal()
	if err != nil {
		return nil, err
	}
	return seal.Seal(r.UploadKey.PublicKey, r.SessionID, plain)
}

// UploadSealed posts a sealed upload with the session's token.
func (c *Client) UploadSealed(ctx context.Context, token string, sealed []byte) (service.Status, error) {
	var st service.Status
	err := c.do(ctx, http.MethodPost, "/nfc/reader/v1/upload", token, "application/octet-stream", sealed, &st)
	return st, err
}

// Status returns the session's status.
func (c *Client) Status(ctx context.Context, token string) (service.Status, error) {
	var st service.Status
	err := c.do(ctx, http.MethodGet, "/nfc/reader/v1/status", token, "", nil, &st)
	return st, err
}

// Poll asks for the status every interval until it is no longer waiting
// or ctx ends.
func (c *Client) Poll(ctx context.Context, token string, interval time.Duration) (service.Status, error) {
	for {
		st, err := c.Status(ctx, token)
		if err != nil || st.State != service.StatusWaiting {
			return st, err
		}
		select {
		case <-ctx.Done():
			return st, ctx.Err()
		case <-time.After(interval):
		}
	}
}

// do sends one request and decodes the JSON answer into out.
func (c *Client) do(ctx context.Context, method, path, token, contentType string, body []byte, out any) error {
	var reader io.Reader
	if body != nil {
		reader = bytes.NewReader(body)
	}
	req, err := http.NewRequestWithContext(ctx, method, strings.TrimSuffix(c.BaseURL, "/")+path, reader)
	if err != nil {
		return err
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	client := c.HTTP
	if client == nil {
		client = http.DefaultClient
	}
	res, err := client.Do(req)
	if err != nil {
		return err
	}
	defer res.Body.Close()
	raw, err := io.ReadAll(io.LimitReader(res.Body, 1<<20))
	if err != nil {
		return err
	}
	if res.StatusCode != http.StatusOK {
		apiErr := &APIError{Status: res.StatusCode, RetryAfter: res.Header.Get("Retry-After")}
		_ = json.Unmarshal(raw, apiErr)
		return apiErr
	}
	return json.Unmarshal(raw, out)
}
