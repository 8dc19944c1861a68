package operators

import (
	"context"
	"errors"
	"log/slog"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kycgate/kycgate/camara"
	"github.com/kycgate/kycgate/kycmatch"
)

const number = "+34629255833"

func newTestDispatcher(t *testing.T, opts DiscoveryOptions, routes ...Route) *Dispatcher {
	t.Helper()
	r, err := NewRouter(routes)
	require.NoError(t, err)
	d, err := NewDispatcher(r, opts, slog.New(slog.DiscardHandler))
	require.NoError(t, err)
	return d
}

func callFor(v kycmatch.Version, phone string) Call {
	return Call{Version: v, Request: kycmatch.Request{PhoneNumber: phone, Values: map[string]string{"givenName": "x"}}}
}

func TestDispatcherRoutesByPrefixFirst(t *testing.T) {
	es, other := answers(found, nil), answers(found, nil)
	d := newTestDispatcher(t, DefaultDiscoveryOptions(),
		Route{Name: "es", Adapter: es, Prefixes: []string{"+34"}},
		Route{Name: "other", Adapter: other, Prefixes: []string{"+49"}})
	resp, err := d.Match(context.Background(), callFor(kycmatch.V04, number))
	require.NoError(t, err)
	assert.Equal(t, found, resp)
	assert.Equal(t, int64(1), es.calls.Load())
	assert.Zero(t, other.calls.Load(), "no fan-out when the routed operator answers")
}

func TestDispatcherOutcomesOfDiscovery(t *testing.T) {
	notFound := func() *scripted { return answers(nil, camara.ErrIdentifierNotFound) }
	tests := []struct {
		name     string
		adapters []*scripted
		want     error
	}{
		{"every operator says not found", []*scripted{notFound(), notFound()}, camara.ErrIdentifierNotFound},
		{"one unavailable, none found", []*scripted{notFound(), answers(nil, camara.ErrUnavailable)}, camara.ErrUnavailable},
		{"one timed out, none found", []*scripted{answers(nil, camara.ErrTimeout), notFound()}, camara.ErrUnavailable},
		{"an idDocument error wins", []*scripted{notFound(), answers(nil, camara.ErrIDDocumentRequired)}, camara.ErrIDDocumentRequired},
		{"a non-mobile line wins", []*scripted{answers(nil, camara.ErrServiceNotApplicable), notFound()}, camara.ErrServiceNotApplicable},
		{"rate limiting is not an answer", []*scripted{answers(nil, camara.ErrTooManyRequests), notFound()}, camara.ErrUnavailable},
		{"a panicking adapter is contained", []*scripted{script(func(context.Context, Call) (kycmatch.Response, error) { panic("boom") }), notFound()}, camara.ErrUnavailable},
		{"no operator at all", nil, camara.ErrIdentifierNotFound},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			routes := make([]Route, len(tc.adapters))
			for i, a := range tc.adapters {
				routes[i] = Route{Name: string(rune('a' + i)), Adapter: a}
			}
			d := newTestDispatcher(t, DefaultDiscoveryOptions(), routes...)
			_, err := d.Match(context.Background(), callFor(kycmatch.V04, number))
			require.ErrorIs(t, err, tc.want)
			assert.Equal(t, tc.want.(*camara.Error).Code, camara.From(err).Code)
		})
	}
}

func TestDiscoveryCancelsTheOthersWhenOneAnswers(t *testing.T) {
	cancelled := make(chan struct{})
	hanging := waitsForCancel(cancelled)
	d := newTestDispatcher(t, DefaultDiscoveryOptions(),
		Route{Name: "hangs", Adapter: hanging},
		Route{Name: "holds", Adapter: answers(found, nil)},
		Route{Name: "empty", Adapter: answers(nil, camara.ErrIdentifierNotFound)})
	resp, err := d.Match(context.Background(), callFor(kycmatch.V04, "+81312345678"))
	require.NoError(t, err, "the answer did not wait for the hanging operator")
	assert.Equal(t, found, resp)
	select {
	case <-cancelled:
	case <-time.After(5 * time.Second):
		t.Fatal("the hanging operator's call was not cancelled")
	}
}

func TestDiscoveryWidthBoundsCallsInFlight(t *testing.T) {
	var inFlight, peak atomic.Int64
	adapters := make([]*scripted, 5)
	routes := make([]Route, 5)
	for i := range adapters {
		adapters[i] = script(func(context.Context, Call) (kycmatch.Response, error) {
			n := inFlight.Add(1)
			defer inFlight.Add(-1)
			for m := peak.Load(); n > m && !peak.CompareAndSwap(m, n); m = peak.Load() {
			}
			time.Sleep(2 * time.Millisecond)
			return nil, camara.ErrIdentifierNotFound
		})
		routes[i] = Route{Name: string(rune('a' + i)), Adapter: adapters[i]}
	}
	opts := DefaultDiscoveryOptions()
	opts.Width = 2
	d := newTestDispatcher(t, opts, routes...)
	_, err := d.Match(context.Background(), callFor(kycmatch.V04, number))
	require.ErrorIs(t, err, camara.ErrIdentifierNotFound)
	for i, a := range adapters {
		assert.Equal(t, int64(1), a.calls.Load(), "every operator is asked once (%d)", i)
	}
	assert.LessOrEqual(t, peak.Load(), int64(2), "never more than width calls at once")
}

func TestDiscoveryOffSwitch(t *testing.T) {
	es, other := answers(nil, camara.ErrIdentifierNotFound), answers(found, nil)
	opts := DefaultDiscoveryOptions()
	opts.Enabled = false
	d := newTestDispatcher(t, opts,
		Route{Name: "es", Adapter: es, Prefixes: []string{"+34"}},
		Route{Name: "other", Adapter: other})
	_, err := d.Match(context.Background(), callFor(kycmatch.V04, number))
	require.ErrorIs(t, err, camara.ErrIdentifierNotFound)
	_, err = d.Match(context.Background(), callFor(kycmatch.V04, "+81312345678"))
	require.ErrorIs(t, err, camara.ErrIdentifierNotFound)
	assert.Zero(t, other.calls.Load(), "no fan-out when discovery is off")
}

func TestDiscoveryRemembersTheWinnerAndFollowsPorts(t *testing.T) {
	es := answers(nil, camara.ErrIdentifierNotFound)
	b, c := answers(found, nil), answers(nil, camara.ErrIdentifierNotFound)
	d := newTestDispatcher(t, DefaultDiscoveryOptions(),
		Route{Name: "es", Adapter: es, Prefixes: []string{"+34"}},
		Route{Name: "b", Adapter: b},
		Route{Name: "c", Adapter: c})
	ctx := context.Background()
	_, err := d.Match(ctx, callFor(kycmatch.V04, number))
	require.NoError(t, err)
	assert.Equal(t, int64(1), es.calls.Load())

	_, err = d.Match(ctx, callFor(kycmatch.V04, number))
	require.NoError(t, err)
	assert.Equal(t, int64(1), es.calls.Load(), "the remembered winner is asked directly")
	assert.Equal(t, int64(2), b.calls.Load())

	// The number moves from b to c.
	b.set(always(nil, camara.ErrIdentifierNotFound))
	c.set(always(found, nil))
	_, err = d.Match(ctx, callFor(kycmatch.V04, number))
	require.NoError(t, err)
	cCalls := c.calls.Load()
	_, err = d.Match(ctx, callFor(kycmatch.V04, number))
	require.NoError(t, err)
	assert.Equal(t, cCalls+1, c.calls.Load(), "the new winner is remembered")
	assert.Equal(t, int64(3), b.calls.Load(), "the old winner is no longer asked")

	// The number leaves every operator: the memory is dropped.
	c.set(always(nil, camara.ErrIdentifierNotFound))
	_, err = d.Match(ctx, callFor(kycmatch.V04, number))
	require.ErrorIs(t, err, camara.ErrIdentifierNotFound)
	assert.Zero(t, d.winners.len())
}

func TestDispatcherVersionsAndDiscoverability(t *testing.T) {
	v04only := answers(found, nil)
	hidden := answers(found, nil)
	d := newTestDispatcher(t, DefaultDiscoveryOptions(),
		Route{Name: "new", Adapter: v04only, Prefixes: []string{"+34"}, Versions: []kycmatch.Version{kycmatch.V04}},
		Route{Name: "hidden", Adapter: hidden, ExcludeFromDiscovery: true})
	_, err := d.Match(context.Background(), callFor(kycmatch.V03, number))
	require.ErrorIs(t, err, camara.ErrServiceNotApplicable, "a routed operator that does not serve 0.3")
	assert.Zero(t, v04only.calls.Load())

	_, err = d.Match(context.Background(), callFor(kycmatch.V03, "+81312345678"))
	require.ErrorIs(t, err, camara.ErrIdentifierNotFound, "neither is a candidate for a 0.3 discovery")
	assert.Zero(t, hidden.calls.Load())
	assert.Zero(t, v04only.calls.Load())
}

func TestDiscoveryEndsWithTheCaller(t *testing.T) {
	cancelled := make(chan struct{})
	d := newTestDispatcher(t, DefaultDiscoveryOptions(), Route{Name: "hangs", Adapter: waitsForCancel(cancelled)})
	ctx, cancel := context.WithCancel(context.Background())
	go func() { time.Sleep(time.Millisecond); cancel() }()
	_, err := d.Match(ctx, callFor(kycmatch.V04, number))
	require.Error(t, err)
	assert.True(t, errors.Is(err, context.Canceled))
	<-cancelled
}

func TestDiscoveryOptionsValidate(t *testing.T) {
	require.NoError(t, DefaultDiscoveryOptions().Validate())
	err := DiscoveryOptions{}.Validate()
	require.Error(t, err)
	for _, want := range []string{"width", "cache size", "cache TTL"} {
		assert.ErrorContains(t, err, want)
	}
	_, err = NewDispatcher(nil, DefaultDiscoveryOptions(), nil)
	require.Error(t, err)
}
