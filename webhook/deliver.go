package webhook

import (
	"bytes"
	"context"
	"crypto/tls"
	"errors"
	"io"
	"net"
	"net/http"
	"strconv"
	"syscall"

	"github.com/kycgate/kycgate/store"
)

// maxDrainBytes is how much of a receiver's answer is read (and dropped) so
// the connection can be reused.
const maxDrainBytes = 4 << 10

// post sends e once, in a client span whose W3C traceparent goes with the
// request, and returns the receiver's status (0 without an answer) and an
// error unless the answer is a 2xx.
func (w *Worker) post(ctx context.Context, e store.OutboxEvent) (status int, err error) {
	ctx, span := startDelivery(ctx, e)
	defer func() { endDelivery(span, status, err) }()
	if err := w.cfg.Guard.CheckURL(e.URL); err != nil {
		return 0, err
	}
	secret, err := w.cfg.Secrets.Open(e.Secret, secretRecord(e.ID))
	if err != nil {
		return 0, errSecret{err}
	}
	ctx, cancel := context.WithTimeout(ctx, w.cfg.Timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, e.URL, bytes.NewReader(e.Payload))
	if err != nil {
		return 0, err
	}
	propagate(ctx, span, req)
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", w.cfg.UserAgent)
	req.Header.Set(HeaderSignature, Sign(secret, e.Payload))
	req.Header.Set(HeaderEventID, e.ID)
	req.Header.Set(HeaderEventName, e.EventName)
	req.Header.Set(HeaderEventTimestamp, FormatTimestamp(e.CreatedAt))
	req.Header.Set(HeaderAttempt, strconv.Itoa(e.Attempts+1))
	res, err := w.client.Do(req)
	if err != nil {
		return 0, err
	}
	defer func() { _ = res.Body.Close() }()
	_, _ = io.Copy(io.Discard, io.LimitReader(res.Body, maxDrainBytes))
	if res.StatusCode < 200 || res.StatusCode > 299 {
		return res.StatusCode, errStatus(res.StatusCode)
	}
	return res.StatusCode, nil
}

// describe turns a delivery error into a short reason for the history,
// without the URL (which may carry a token) or any payload.
func describe(err error) string {
	var status errStatus
	var netErr net.Error
	var dnsErr *net.DNSError
	var tlsErr *tls.RecordHeaderError
	var certErr *tls.CertificateVerificationError
	var secretErr errSecret
	switch {
	case errors.Is(err, ErrForbiddenTarget):
		return refusal(err)
	case errors.As(err, &secretErr):
		return secretErr.Error()
	case errors.As(err, &status):
		return status.Error()
	case errors.Is(err, context.DeadlineExceeded), errors.As(err, &netErr) && netErr.Timeout():
		return "timeout: the receiver did not answer in time"
	case errors.As(err, &dnsErr):
		return "the receiver's host name could not be resolved"
	case errors.Is(err, syscall.ECONNREFUSED):
		return "connection refused"
	case errors.Is(err, syscall.ECONNRESET), errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
		return "the connection was closed before an answer"
	case errors.As(err, &tlsErr), errors.As(err, &certErr):
		return "TLS handshake failed"
	default:
		return "the request failed"
	}
}

// errSecret is an event whose sealed signing secret does not open, for
// example after webhooks.secret_key was changed; nothing is sent.
type errSecret struct{ cause error }

func (e errSecret) Error() string {
	return "the signing secret could not be opened with the configured webhooks.secret_key; nothing was sent"
}

func (e errSecret) Unwrap() error { return e.cause }

// refusal returns the guard's reason from a refusal wrapped by the HTTP
// client's errors.
func refusal(err error) string {
	for e := err; e != nil; e = errors.Unwrap(e) {
		if errors.Unwrap(e) == ErrForbiddenTarget {
			return e.Error()
		}
	}
	return ErrForbiddenTarget.Error()
}
