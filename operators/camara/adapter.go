package camara

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"regexp"
	"strings"

	"golang.org/x/oauth2/clientcredentials"

	camaraerr "github.com/kycgate/kycgate/camara"
	"github.com/kycgate/kycgate/kycmatch"
	"github.com/kycgate/kycgate/openapi"
	"github.com/kycgate/kycgate/operators"
)

// TypeName is the operator type under which this adapter registers.
const TypeName = "camara"

func init() {
	operators.Register(TypeName, New)
}

// Adapter calls an upstream operator's own KYC Match endpoint.
type Adapter struct {
	name             string
	version          kycmatch.Version
	matchURL         string
	correlator       *regexp.Regexp
	operation        *openapi.Operation
	client           *http.Client
	transport        *http.Transport
	tokens           *tokenSource
	maxResponseBytes int64
	logger           *slog.Logger
}

var _ operators.Adapter = (*Adapter)(nil)

// New is the operators.Factory of the camara adapter: it parses the options
// and builds the adapter with deps' transport decorators.
func New(name string, options json.RawMessage, deps operators.Deps) (operators.Adapter, error) {
	opts, err := ParseOptions(options)
	if err != nil {
		return nil, err
	}
	return NewAdapter(name, opts, deps)
}

// NewAdapter returns the adapter of the operator called name. opts must be
// valid (see Options.Validate).
func NewAdapter(name string, opts Options, deps operators.Deps) (*Adapter, error) {
	if err := opts.Validate(); err != nil {
		return nil, err
	}
	v := opts.version()
	op, err := matchOperation(v)
	if err != nil {
		return nil, err
	}
	transport := newTransport(opts)
	decorated := operators.DecorateTransport(name, transport, deps.Decorators)
	tokens := newTokenSource(clientcredentials.Config{
		ClientID:       opts.ClientID,
		ClientSecret:   opts.ClientSecret,
		TokenURL:       opts.TokenURL,
		Scopes:         opts.Scopes,
		EndpointParams: endpointParams(opts.TokenParams),
	}, &http.Client{Transport: decorated, CheckRedirect: noRedirects}, opts.TokenRefreshMargin.D())
	logger := deps.Logger
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	return &Adapter{
		name:             name,
		version:          v,
		matchURL:         strings.TrimSuffix(opts.BaseURL, "/") + "/kyc-match/" + v.PathSegment() + "/match",
		correlator:       regexp.MustCompile(v.CorrelatorPattern),
		operation:        op,
		client:           &http.Client{Transport: &bearerTransport{tokens: tokens, next: decorated}, CheckRedirect: noRedirects},
		transport:        transport,
		tokens:           tokens,
		maxResponseBytes: opts.MaxResponseBytes,
		logger:           logger,
	}, nil
}

// Version returns the operator's KYC Match version.
func (a *Adapter) Version() kycmatch.Version { return a.version }

// TokenFetches returns how many access tokens the adapter has requested.
func (a *Adapter) TokenFetches() int { return a.tokens.Fetches() }

// Close releases the adapter's idle connections.
func (a *Adapter) Close() error {
	a.transport.CloseIdleConnections()
	return nil
}

// Match sends the call to the operator in its version and answers in the
// caller's. When none of the attributes sent exists in the operator's
// version, every one is answered "not_available" without calling.
func (a *Adapter) Match(ctx context.Context, call operators.Call) (kycmatch.Response, error) {
	if !a.knowsAnyAttribute(call.Request) {
		return kycmatch.TranslateResponse(a.version, call.Version, call.Request, nil), nil
	}
	body, err := kycmatch.EncodeRequest(a.version, call.Request)
	if err != nil {
		return nil, camaraerr.ErrInternal.WithCause(a.failure("encode request", err))
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, a.matchURL, bytes.NewReader(body))
	if err != nil {
		return nil, camaraerr.ErrInternal.WithCause(a.failure("build request", err))
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/json")
	if call.Correlator != "" && a.correlator.MatchString(call.Correlator) {
		req.Header.Set("x-correlator", call.Correlator)
	}
	res, err := a.client.Do(req)
	if err != nil {
		return nil, a.transportFailure(ctx, err)
	}
	defer res.Body.Close()
	raw, err := readAtMost(res.Body, a.maxResponseBytes)
	if err != nil {
		return nil, a.transportFailure(ctx, err)
	}
	return a.answer(ctx, call, res, raw)
}

// knowsAnyAttribute reports whether the operator's version defines at least
// one attribute of the request.
func (a *Adapter) knowsAnyAttribute(req kycmatch.Request) bool {
	for name := range req.Values {
		if attr, ok := kycmatch.LookupAttribute(name); ok && a.version.Has(attr) {
			return true
		}
	}
	return false
}

// errTooLarge is the cause of an answer above maxResponseBytes.
var errTooLarge = errors.New("the answer is larger than maxResponseBytes")

// readAtMost reads a whole body of at most limit bytes.
func readAtMost(r io.Reader, limit int64) ([]byte, error) {
	raw, err := io.ReadAll(io.LimitReader(r, limit+1))
	if err != nil {
		return nil, err
	}
	if int64(len(raw)) > limit {
		return nil, errTooLarge
	}
	return raw, nil
}

// transportFailure maps a failed exchange: 504 TIMEOUT when the call's
// deadline passed, 503 UNAVAILABLE otherwise (refused or closed
// connection, token endpoint failure, cancelled call).
func (a *Adapter) transportFailure(ctx context.Context, err error) *camaraerr.Error {
	cause := a.failure("exchange failed", err)
	if errors.Is(ctx.Err(), context.DeadlineExceeded) {
		return errTimeout.WithCause(cause)
	}
	return errUnavailable.WithCause(cause)
}

// The errors the caller sees when the operator gives no usable answer; the
// reason is only in their cause.
var (
	errUnavailable = camaraerr.ErrUnavailable.WithMessage("The operator serving this phone number is unavailable; retry later")
	errTimeout     = camaraerr.ErrTimeout.WithMessage("The operator serving this phone number did not answer in time")
)

// failure names the operator in an internal cause.
func (a *Adapter) failure(what string, err error) error {
	return fmt.Errorf("camara operator %q: %s: %w", a.name, what, err)
}

// endpointParams converts the tokenParams option.
func endpointParams(params map[string]string) map[string][]string {
	if len(params) == 0 {
		return nil
	}
	out := make(map[string][]string, len(params))
	for k, v := range params {
		out[k] = []string{v}
	}
	return out
}
