// Package example is a small, complete operator adapter, written as the
// worked example of operators/README.md: it answers KYC Match calls from
// subscribers read once from a JSON file into memory.
//
// It shows the three things every adapter does: register a factory under a
// type name in init, parse and check its own options, and answer Match with
// CAMARA errors for everything the caller may see, honouring the context.
// It passes the conformance suite of operators/operatorstest.
//
// Configuration (type "example"):
//
//	operators:
//	  - name: from-file
//	    type: example
//	    prefixes: ["+34"]
//	    options: {file: subscribers.json}
//
// The file has the reference operator's import format
// (operators/local/IMPORT.md). Only mobile lines are served.
package example

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"

	"github.com/kycgate/kycgate/camara"
	"github.com/kycgate/kycgate/kycmatch"
	"github.com/kycgate/kycgate/operators"
	"github.com/kycgate/kycgate/operators/local"
)

// TypeName is the operator type under which the adapter registers.
const TypeName = "example"

// init registers the adapter: a blank import of this package is all it
// takes to make "type: example" configurable.
func init() {
	operators.Register(TypeName, New)
}

// Options are the adapter's options.
type Options struct {
	// File is the subscriber file to load.
	File string `json:"file"`
}

// Adapter answers from an in-memory copy of a subscriber file. It is
// read-only after New and so safe for concurrent use.
type Adapter struct {
	subscribers map[string]kycmatch.Subscriber
}

// New is the adapter's operators.Factory.
func New(name string, raw json.RawMessage, _ operators.Deps) (operators.Adapter, error) {
	var opts Options
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&opts); err != nil || opts.File == "" {
		return nil, fmt.Errorf("example operator %q: options must be {\"file\": \"subscribers.json\"}", name)
	}
	f, err := os.Open(opts.File)
	if err != nil {
		return nil, fmt.Errorf("example operator %q: %w", name, err)
	}
	defer f.Close()
	subs, err := local.ParseImport(f)
	if err != nil {
		return nil, fmt.Errorf("example operator %q: %w", name, err)
	}
	return NewAdapter(subs), nil
}

// NewAdapter returns an adapter serving subs.
func NewAdapter(subs []kycmatch.Subscriber) *Adapter {
	a := &Adapter{subscribers: make(map[string]kycmatch.Subscriber, len(subs))}
	for _, s := range subs {
		a.subscribers[s.PhoneNumber] = s
	}
	return a
}

// Match answers from the record of the call's number.
func (a *Adapter) Match(ctx context.Context, call operators.Call) (kycmatch.Response, error) {
	if err := ctx.Err(); err != nil {
		if errors.Is(err, context.DeadlineExceeded) {
			return nil, camara.ErrTimeout.WithCause(err)
		}
		return nil, camara.ErrUnavailable.WithCause(err)
	}
	rec, ok := a.subscribers[call.Request.PhoneNumber]
	if !ok {
		return nil, camara.ErrIdentifierNotFound
	}
	if rec.LineType != kycmatch.LineMobile {
		return nil, camara.ErrServiceNotApplicable
	}
	return kycmatch.Match(call.Version, call.Request, rec, kycmatch.Policy{})
}
