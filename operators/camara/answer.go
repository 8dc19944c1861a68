package camara

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"sync"

	camaraerr "github.com/kycgate/kycgate/camara"
	"github.com/kycgate/kycgate/kycmatch"
	"github.com/kycgate/kycgate/openapi"
	"github.com/kycgate/kycgate/operators"
)

// answer turns the operator's HTTP answer into the caller's: a validated,
// translated match result, a passed-through CAMARA 4xx error, or 503
// UNAVAILABLE for anything else.
func (a *Adapter) answer(ctx context.Context, call operators.Call, res *http.Response, raw []byte) (kycmatch.Response, error) {
	status := res.StatusCode
	if status != http.StatusOK && (status < 400 || status >= 500) {
		e := a.unavailable(fmt.Errorf("answered status %d", status))
		if seconds, ok := retryAfter(res); ok && status == http.StatusServiceUnavailable {
			// The operator said when it expects to be back: so is the caller.
			e = e.WithRetryAfter(seconds)
		}
		return nil, e
	}
	if err := a.operation.ValidateResponse(ctx, status, res.Header, raw); err != nil {
		return nil, a.unavailable(err)
	}
	if status != http.StatusOK {
		return nil, a.upstreamError(res, raw)
	}
	resp, err := kycmatch.DecodeResponse(a.version, raw)
	if err != nil {
		return nil, a.unavailable(err)
	}
	return kycmatch.TranslateResponse(a.version, call.Version, call.Request, resp), nil
}

// unavailable is the caller's answer when the operator's answer cannot be
// used; why stays in the cause.
func (a *Adapter) unavailable(why error) *camaraerr.Error {
	return errUnavailable.WithCause(a.failure("unusable answer", why))
}

// errorBody is the part of a CAMARA error body the adapter reads. The
// operator's message is never read: the caller gets kycgate's own.
type errorBody struct {
	Status int    `json:"status"`
	Code   string `json:"code"`
}

// upstreamError maps a validated CAMARA 4xx error of the operator. Errors
// about the gateway's own access to the operator (see linkError) become
// 503 UNAVAILABLE; the others pass through with their status and code, a
// 429 with the operator's Retry-After (at most an hour).
func (a *Adapter) upstreamError(res *http.Response, raw []byte) error {
	var body errorBody
	if err := json.Unmarshal(raw, &body); err != nil || body.Status != res.StatusCode {
		return a.unavailable(fmt.Errorf("error body status differs from the HTTP status %d", res.StatusCode))
	}
	if linkError(body) {
		return a.unavailable(fmt.Errorf("the operator refused the gateway's request: %d %s", body.Status, body.Code))
	}
	e := passThrough(body)
	if seconds, ok := retryAfter(res); ok {
		e = e.WithRetryAfter(seconds)
	}
	return e
}

// retryAfter reads an operator's Retry-After given in seconds, capped at
// maxRetryAfterSeconds.
func retryAfter(res *http.Response) (int, bool) {
	seconds, err := strconv.Atoi(res.Header.Get("Retry-After"))
	if err != nil || seconds <= 0 {
		return 0, false
	}
	return min(seconds, maxRetryAfterSeconds), true
}

// maxRetryAfterSeconds caps the Retry-After passed on from an operator: a
// caller is never told to stay away for longer than an hour on one
// operator's word.
const maxRetryAfterSeconds = 3600

// linkError reports whether an error concerns the gateway's access to the
// operator rather than the caller's request: credentials or scope refused,
// a path, method, media type or body size the operator does not accept, or
// an identifier rule broken by the 2-legged call. The caller can do nothing
// about them.
func linkError(b errorBody) bool {
	switch b.Status {
	case http.StatusUnauthorized, http.StatusMethodNotAllowed, http.StatusNotAcceptable,
		http.StatusRequestEntityTooLarge, http.StatusUnsupportedMediaType:
		return true
	}
	switch b.Code {
	case camaraerr.ErrPermissionDenied.Code, camaraerr.ErrInvalidTokenContext.Code, camaraerr.ErrNotFound.Code,
		camaraerr.ErrMissingIdentifier.Code, camaraerr.ErrUnnecessaryIdentifier.Code:
		return true
	}
	return false
}

// passedThrough are the CAMARA errors kycgate knows, by status and code;
// a passed-through error carries their message.
var passedThrough = func() map[errorBody]*camaraerr.Error {
	m := map[errorBody]*camaraerr.Error{}
	for _, e := range []*camaraerr.Error{
		camaraerr.ErrInvalidArgument, camaraerr.ErrOutOfRange, camaraerr.ErrInvalidParamCombo,
		camaraerr.ErrIDDocumentRequired, camaraerr.ErrIDDocumentMismatch, camaraerr.ErrIdentifierNotFound,
		camaraerr.ErrServiceNotApplicable, camaraerr.ErrTooManyRequests,
	} {
		m[errorBody{Status: e.Status, Code: e.Code}] = e
	}
	return m
}()

// passThrough returns the caller's copy of a CAMARA error: kycgate's value
// for a known code, otherwise the status and code with the status's
// generic text as message.
func passThrough(b errorBody) *camaraerr.Error {
	if e, ok := passedThrough[b]; ok {
		return e
	}
	return &camaraerr.Error{Status: b.Status, Code: b.Code, Message: http.StatusText(b.Status)}
}

// operations caches the KYC Match operation of each version's document:
// loading a document is slow and its operation is read-only.
var operations sync.Map // kycmatch.Version -> *operationOnce

type operationOnce struct {
	once sync.Once
	op   *openapi.Operation
	err  error
}

// matchOperation returns the POST /match operation of kycgate's document of
// version v.
func matchOperation(v kycmatch.Version) (*openapi.Operation, error) {
	entry, _ := operations.LoadOrStore(v, &operationOnce{})
	o := entry.(*operationOnce)
	o.once.Do(func() {
		doc, err := openapi.NewDocument("kyc-match-" + v.PathSegment() + ".yaml")
		if err != nil {
			o.err = err
			return
		}
		o.op, o.err = doc.Operation(http.MethodPost, "/kyc-match/"+v.PathSegment()+"/match")
	})
	return o.op, o.err
}
