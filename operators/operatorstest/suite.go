// Package operatorstest is the conformance suite every operator adapter
// passes: RunAdapterTests checks, through the adapter's Match alone, the
// contract of operators.Adapter against a fixed set of subscribers.
package operatorstest

import (
	"context"
	_ "embed"
	"errors"
	"fmt"
	"maps"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kycgate/kycgate/camara"
	"github.com/kycgate/kycgate/kycmatch"
	"github.com/kycgate/kycgate/operators"
)

// Subscribers is the fixture every adapter under test must serve, as a
// subscriber import file of the local operator's format
// (operators/local/IMPORT.md).
//
//go:embed testdata/subscribers.json
var Subscribers []byte

// Phone numbers of the fixture.
const (
	// Person holds every attribute (the CAMARA example person).
	Person = "+34629255833"
	// Sparse holds a given name, a family name and an address only.
	Sparse = "+34600000002"
	// IoTLine is an IoT line.
	IoTLine = "+34600000003"
	// BusinessLine is a business line.
	BusinessLine = "+34910000009"
	// Unknown is in no record.
	Unknown = "+34699999999"
)

// NewAdapterFunc returns the adapter under test. It must serve exactly the
// Subscribers fixture with the reference operator's default policy: no
// idDocument requirement, IoT and business lines answered
// SERVICE_NOT_APPLICABLE. It is called once per RunAdapterTests.
type NewAdapterFunc func(t *testing.T) operators.Adapter

// RunAdapterTests runs the conformance suite against the adapter that
// newAdapter returns.
func RunAdapterTests(t *testing.T, newAdapter NewAdapterFunc) {
	adapter := newAdapter(t)
	require.NotNil(t, adapter, "newAdapter returned no adapter")
	s := suite{adapter: adapter}
	t.Run("ExactValuesMatch", s.exactValuesMatch)
	t.Run("MismatchesAreFalseWithScoresInRange", s.mismatchesAreFalse)
	t.Run("ValuesTheRecordLacksAreNotAvailable", s.missingValuesAreNotAvailable)
	t.Run("UnknownNumberIsIdentifierNotFound", s.unknownNumber)
	t.Run("NonMobileLinesAreNotApplicable", s.nonMobileLines)
	t.Run("CallIsNotModified", s.callIsNotModified)
	t.Run("ExpiredDeadlineIsTimeout", s.expiredDeadline)
	t.Run("CancelledCallFails", s.cancelledCall)
	t.Run("ConcurrentCallsAgree", s.concurrentCalls)
	t.Run("ErrorsRevealNoPersonalData", s.errorsRevealNoPersonalData)
}

// suite holds the adapter under test.
type suite struct {
	adapter operators.Adapter
}

// call builds a KYC Match call.
func call(v kycmatch.Version, phone string, values map[string]string) operators.Call {
	return operators.Call{Version: v, Request: kycmatch.Request{PhoneNumber: phone, Values: values}, Correlator: "conformance-1"}
}

// match calls the adapter with a fresh timeout.
func (s suite) match(t *testing.T, c operators.Call) (kycmatch.Response, error) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	return s.adapter.Match(ctx, c)
}

// results returns the Result of every attribute of resp.
func results(resp kycmatch.Response) map[string]kycmatch.Result {
	out := make(map[string]kycmatch.Result, len(resp))
	for name, o := range resp {
		out[name] = o.Result
	}
	return out
}

// requireWellFormed checks that resp answers exactly the attributes sent
// that the version defines, each with an API result, and scores only on
// scored attributes answered false, within the version's range.
func requireWellFormed(t *testing.T, c operators.Call, resp kycmatch.Response) {
	t.Helper()
	for name := range c.Request.Values {
		attr, ok := kycmatch.LookupAttribute(name)
		if ok && c.Version.Has(attr) {
			require.Contains(t, resp, name, "every attribute sent is answered")
		}
	}
	for name, o := range resp {
		require.Contains(t, c.Request.Values, name, "only attributes sent are answered")
		attr, _ := kycmatch.LookupAttribute(name)
		require.Contains(t, []kycmatch.Result{kycmatch.True, kycmatch.False, kycmatch.NotAvailable}, o.Result, name)
		if o.HasScore {
			require.True(t, attr.Scored && o.Result == kycmatch.False, "%s: a score only for a scored attribute answered false", name)
			require.GreaterOrEqual(t, o.Score, 0, name)
			require.LessOrEqual(t, o.Score, c.Version.MaxScore, "%s: score within the version's range", name)
		}
	}
}

// requireCode checks that err is the CAMARA error want.
func requireCode(t *testing.T, err error, want *camara.Error) {
	t.Helper()
	require.Error(t, err)
	got := camara.From(err)
	require.Equal(t, want.Status, got.Status, "error %v", err)
	require.Equal(t, want.Code, got.Code, "error %v", err)
}

func (s suite) exactValuesMatch(t *testing.T) {
	tests := []struct {
		name string
		call operators.Call
	}{
		{"v0.4", call(kycmatch.V04, Person, map[string]string{
			"idDocument": "66666666Q", "idDocumentType": "passport", "givenName": "FEDERICA",
			"familyName": "Sanchez Arjona", "birthdate": "1978-08-22", "email": "federica.sanchez@example.com",
			"nationality": "es", "postalCode": "28046",
		})},
		{"v0.3", call(kycmatch.V03, Person, map[string]string{
			"idDocument": "66666666q", "givenName": "Federica", "familyName": "Sánchez Arjona",
			"birthdate": "1978-08-22", "country": "ES",
		})},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			resp, err := s.match(t, tc.call)
			require.NoError(t, err)
			requireWellFormed(t, tc.call, resp)
			for name, o := range resp {
				assert.Equal(t, kycmatch.True, o.Result, name)
				assert.False(t, o.HasScore, "%s: no score with true", name)
			}
		})
	}
}

func (s suite) mismatchesAreFalse(t *testing.T) {
	for _, v := range kycmatch.Versions {
		t.Run(v.PathSegment(), func(t *testing.T) {
			c := call(v, Person, map[string]string{
				"givenName": "Frederica", "familyName": "Sanchez Arjona", "birthdate": "1978-08-23", "gender": "MALE",
			})
			resp, err := s.match(t, c)
			require.NoError(t, err)
			requireWellFormed(t, c, resp)
			assert.Equal(t, map[string]kycmatch.Result{
				"givenName": kycmatch.False, "familyName": kycmatch.True,
				"birthdate": kycmatch.False, "gender": kycmatch.False,
			}, results(resp))
			assert.Greater(t, resp["givenName"].Score, 50, "a close name scores high")
		})
	}
}

func (s suite) missingValuesAreNotAvailable(t *testing.T) {
	c := call(kycmatch.V04, Sparse, map[string]string{
		"givenName": "Jose", "familyName": "Muller", "birthdate": "1990-01-01", "email": "jose@example.com",
	})
	resp, err := s.match(t, c)
	require.NoError(t, err)
	requireWellFormed(t, c, resp)
	assert.Equal(t, map[string]kycmatch.Result{
		"givenName": kycmatch.True, "familyName": kycmatch.True,
		"birthdate": kycmatch.NotAvailable, "email": kycmatch.NotAvailable,
	}, results(resp))
}

func (s suite) unknownNumber(t *testing.T) {
	for _, v := range kycmatch.Versions {
		resp, err := s.match(t, call(v, Unknown, map[string]string{"givenName": "Federica"}))
		requireCode(t, err, camara.ErrIdentifierNotFound)
		assert.True(t, errors.Is(err, camara.ErrIdentifierNotFound), "errors.Is works on the answer")
		assert.Nil(t, resp)
	}
}

func (s suite) nonMobileLines(t *testing.T) {
	for _, phone := range []string{IoTLine, BusinessLine} {
		resp, err := s.match(t, call(kycmatch.V04, phone, map[string]string{"name": "Comercial Ejemplo S.L."}))
		requireCode(t, err, camara.ErrServiceNotApplicable)
		assert.Nil(t, resp)
	}
}

func (s suite) callIsNotModified(t *testing.T) {
	values := map[string]string{"givenName": "Federica", "nationality": "ES", "birthdate": "1978-08-22"}
	c := call(kycmatch.V03, Person, values)
	before := maps.Clone(values)
	_, err := s.match(t, c)
	require.NoError(t, err)
	assert.Equal(t, before, values, "the adapter must not modify the request's values")
	assert.Equal(t, Person, c.Request.PhoneNumber)
}

func (s suite) expiredDeadline(t *testing.T) {
	ctx, cancel := context.WithDeadline(context.Background(), time.Now().Add(-time.Second))
	defer cancel()
	resp, err := s.adapter.Match(ctx, call(kycmatch.V04, Person, map[string]string{"givenName": "Federica"}))
	requireCode(t, err, camara.ErrTimeout)
	assert.Nil(t, resp)
}

func (s suite) cancelledCall(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	resp, err := s.adapter.Match(ctx, call(kycmatch.V04, Person, map[string]string{"givenName": "Federica"}))
	require.Error(t, err)
	assert.GreaterOrEqual(t, camara.From(err).Status, 500, "a cancelled call is not an answer about the subscriber: %v", err)
	assert.Nil(t, resp)
}

func (s suite) concurrentCalls(t *testing.T) {
	calls := []operators.Call{
		call(kycmatch.V04, Person, map[string]string{"givenName": "Federica", "familyName": "Garcia"}),
		call(kycmatch.V03, Sparse, map[string]string{"givenName": "José", "email": "x@example.com"}),
		call(kycmatch.V04, Unknown, map[string]string{"givenName": "x"}),
	}
	want := make([]string, len(calls))
	for i, c := range calls {
		want[i] = outcomeString(s.match(t, c))
	}
	const workers, rounds = 8, 4
	var wg sync.WaitGroup
	got := make([][]string, workers)
	for w := range workers {
		wg.Go(func() {
			for r := range rounds {
				i := (w + r) % len(calls)
				got[w] = append(got[w], fmt.Sprint(i, outcomeString(s.match(t, calls[i]))))
			}
		})
	}
	wg.Wait()
	for w := range workers {
		for r := range rounds {
			i := (w + r) % len(calls)
			assert.Equal(t, fmt.Sprint(i, want[i]), got[w][r], "worker %d round %d", w, r)
		}
	}
}

// outcomeString renders an answer for comparison.
func outcomeString(resp kycmatch.Response, err error) string {
	if err != nil {
		return camara.From(err).Code
	}
	return fmt.Sprint(map[string]kycmatch.Outcome(resp))
}

func (s suite) errorsRevealNoPersonalData(t *testing.T) {
	secrets := []string{"699999999", "Federica", "Ejemplo"}
	for _, c := range []operators.Call{
		call(kycmatch.V04, Unknown, map[string]string{"givenName": "Federica"}),
		call(kycmatch.V04, IoTLine, map[string]string{"name": "Comercial Ejemplo S.L."}),
	} {
		_, err := s.match(t, c)
		require.Error(t, err)
		text := errorChain(err)
		for _, secret := range secrets {
			assert.NotContains(t, text, secret)
		}
	}
}

// errorChain renders an error and every cause beneath it.
func errorChain(err error) string {
	var b strings.Builder
	for e := err; e != nil; e = errors.Unwrap(e) {
		b.WriteString(e.Error())
		b.WriteString(" | ")
	}
	return b.String()
}
