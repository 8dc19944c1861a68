package local

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"

	"github.com/kycgate/kycgate/camara"
	"github.com/kycgate/kycgate/kycmatch"
	"github.com/kycgate/kycgate/operators"
	"github.com/kycgate/kycgate/store"
)

// TypeName is the operator type under which this adapter registers.
const TypeName = "local"

func init() {
	operators.Register(TypeName, New)
}

// Adapter answers KYC Match calls from the subscriber records in a store.
type Adapter struct {
	name   string
	store  store.Subscribers
	opts   Options
	policy kycmatch.Policy
}

var _ operators.Adapter = (*Adapter)(nil)

// New is the operators.Factory of the local operator: it parses the options
// and reads subscribers from deps.Store.
func New(name string, options json.RawMessage, deps operators.Deps) (operators.Adapter, error) {
	opts, err := ParseOptions(options)
	if err != nil {
		return nil, err
	}
	if deps.Store == nil {
		return nil, errors.New("local operator: a store is required")
	}
	return NewAdapter(name, deps.Store, opts), nil
}

// NewAdapter returns a local operator named name that reads subscribers
// from st.
func NewAdapter(name string, st store.Subscribers, opts Options) *Adapter {
	return &Adapter{
		name:   name,
		store:  st,
		opts:   opts,
		policy: kycmatch.Policy{RequireIDDocument: opts.RequireIDDocument},
	}
}

// Match looks the phone number up and compares the request with the record.
// It answers IDENTIFIER_NOT_FOUND for an unknown number,
// SERVICE_NOT_APPLICABLE for an unsupported line type, UNAVAILABLE (or
// TIMEOUT when the context's deadline passed) when the store fails, and
// otherwise what kycmatch.Match decides.
func (a *Adapter) Match(ctx context.Context, call operators.Call) (kycmatch.Response, error) {
	rec, err := a.store.GetSubscriber(ctx, call.Request.PhoneNumber)
	if err != nil {
		return nil, a.lookupError(err)
	}
	if slices.Contains(a.opts.UnsupportedLineTypes, rec.LineType) {
		return nil, camara.ErrServiceNotApplicable
	}
	return kycmatch.Match(call.Version, call.Request, rec, a.policy)
}

// lookupError turns a store error into the CAMARA error the caller sees; the
// store's own error is kept only as the hidden cause.
func (a *Adapter) lookupError(err error) error {
	if errors.Is(err, store.ErrNotFound) {
		return camara.ErrIdentifierNotFound
	}
	cause := fmt.Errorf("local operator %q: subscriber lookup: %w", a.name, err)
	if errors.Is(err, context.DeadlineExceeded) {
		return camara.ErrTimeout.WithCause(cause)
	}
	return camara.ErrUnavailable.WithCause(cause)
}
