package operators

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kycgate/kycgate/camara"
	"github.com/kycgate/kycgate/config"
	"github.com/kycgate/kycgate/kycmatch"
)

// recordingObserver keeps what it observes.
type recordingObserver struct {
	mu       sync.Mutex
	calls    []string
	breakers []int
	fanouts  []int
}

func (o *recordingObserver) ObserveOperatorCall(operator, outcome string, _ time.Duration) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.calls = append(o.calls, operator+":"+outcome)
}

func (o *recordingObserver) SetBreakerState(_ string, state int) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.breakers = append(o.breakers, state)
}

func (o *recordingObserver) ObserveFanout(width int) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.fanouts = append(o.fanouts, width)
}

func testPolicy() Policy {
	return Policy{Timeout: time.Second, MaxConcurrent: 4, Breaker: BreakerPolicy{Failures: 2, OpenFor: time.Minute, HalfOpenCalls: 1}}
}

func TestGuardObservesCallsAndBreakerStates(t *testing.T) {
	obs := &recordingObserver{}
	a := answers(nil, camara.ErrUnavailable)
	g, err := NewGuard("op", a, testPolicy(), Deps{Observer: obs})
	require.NoError(t, err)
	ctx := context.Background()
	for range 3 {
		_, _ = g.Match(ctx, callFor(kycmatch.V04, number))
	}
	assert.Equal(t, []string{"op:UNAVAILABLE", "op:UNAVAILABLE", "op:UNAVAILABLE"}, obs.calls)
	assert.Equal(t, []int{int(BreakerOpen)}, obs.breakers)
	assert.Equal(t, int64(2), a.calls.Load(), "the third call was refused by the open breaker")

	a.set(always(found, nil))
	g2, err := NewGuard("ok", a, testPolicy(), Deps{Observer: obs})
	require.NoError(t, err)
	_, err = g2.Match(ctx, callFor(kycmatch.V04, number))
	require.NoError(t, err)
	assert.Equal(t, "ok:OK", obs.calls[len(obs.calls)-1])
}

func TestGuardTimeoutIsTimeoutAndAFailure(t *testing.T) {
	hang := script(func(ctx context.Context, _ Call) (kycmatch.Response, error) {
		<-ctx.Done()
		return nil, camara.ErrUnavailable.WithCause(ctx.Err())
	})
	p := testPolicy()
	p.Timeout, p.Breaker.Failures = 5*time.Millisecond, 1
	g, err := NewGuard("slow", hang, p, Deps{})
	require.NoError(t, err)
	_, err = g.Match(context.Background(), callFor(kycmatch.V04, number))
	require.ErrorIs(t, err, camara.ErrTimeout, "whatever the adapter says, the guard's timeout is a TIMEOUT")
	assert.Equal(t, BreakerOpen, g.BreakerState())
}

func TestGuardCallerDeadlineIsNotAFailure(t *testing.T) {
	hang := script(func(ctx context.Context, _ Call) (kycmatch.Response, error) {
		<-ctx.Done()
		return nil, camara.ErrTimeout.WithCause(ctx.Err())
	})
	p := testPolicy()
	p.Breaker.Failures = 1
	g, err := NewGuard("op", hang, p, Deps{})
	require.NoError(t, err)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Millisecond)
	defer cancel()
	_, err = g.Match(ctx, callFor(kycmatch.V04, number))
	require.ErrorIs(t, err, camara.ErrTimeout)
	assert.Equal(t, BreakerClosed, g.BreakerState())

	done, cancelDone := context.WithCancel(context.Background())
	cancelDone()
	_, err = g.Match(done, callFor(kycmatch.V04, number))
	require.ErrorIs(t, err, camara.ErrUnavailable)
	assert.Equal(t, int64(1), hang.calls.Load(), "a call already abandoned is not sent")
	assert.Equal(t, BreakerClosed, g.BreakerState())
}

func TestGuardLetsPanicsThroughAndFreesTheSlot(t *testing.T) {
	p := testPolicy()
	p.MaxConcurrent = 1
	g, err := NewGuard("op", script(func(context.Context, Call) (kycmatch.Response, error) { panic("boom") }), p, Deps{})
	require.NoError(t, err)
	for range 2 {
		assert.Panics(t, func() { _, _ = g.Match(context.Background(), callFor(kycmatch.V04, number)) })
	}
}

func TestRetryAfterCountsDownTheOpenPeriod(t *testing.T) {
	g, err := NewGuard("op", answers(found, nil), testPolicy(), Deps{})
	require.NoError(t, err)
	opened := time.Now()
	g.openedAt.Store(opened.UnixNano())
	tests := []struct {
		after time.Duration
		want  int
	}{
		{0, 60}, {500 * time.Millisecond, 60}, {59 * time.Second, 1}, {59*time.Second + 900*time.Millisecond, 1}, {2 * time.Minute, 1},
	}
	for _, tc := range tests {
		assert.Equal(t, tc.want, g.secondsUntilHalfOpen(opened.Add(tc.after)), "after %s", tc.after)
	}
}

func TestPolicyValidate(t *testing.T) {
	require.NoError(t, DefaultPolicy().Validate())
	err := Policy{}.Validate()
	require.Error(t, err)
	for _, want := range []string{"timeout", "max concurrent", "breaker failures", "open period", "half-open"} {
		assert.ErrorContains(t, err, want)
	}
	_, err = NewGuard("op", nil, DefaultPolicy(), Deps{})
	require.Error(t, err)
	_, err = NewGuard("op", answers(found, nil), Policy{}, Deps{})
	require.Error(t, err)
}

// registerTestBuild registers the test adapter type once per test binary.
var registerTestBuild sync.Once

func TestBuildWrapsEveryOperatorInItsPolicy(t *testing.T) {
	registerTestBuild.Do(func() {
		Register("test-build", func(name string, _ json.RawMessage, _ Deps) (Adapter, error) {
			return answers(found, nil), nil
		})
	})
	discoverable := false
	obs := &recordingObserver{}
	r, err := Build([]config.Operator{
		{Name: "a", Type: "test-build", Prefixes: []string{"+34"}, Versions: []string{"0.4"}},
		{Name: "b", Type: "test-build", Prefixes: []string{"+49"}, Discoverable: &discoverable, Timeout: config.Duration(time.Second)},
	}, Deps{Observer: obs})
	require.NoError(t, err)
	routes := r.Routes()
	require.Len(t, routes, 2)
	g, ok := routes[0].Adapter.(*Guard)
	require.True(t, ok, "every adapter is guarded")
	assert.Equal(t, DefaultPolicy(), g.policy, "keys left out take the defaults")
	assert.Equal(t, []kycmatch.Version{kycmatch.V04}, routes[0].Versions)
	assert.False(t, routes[0].ExcludeFromDiscovery)
	assert.True(t, routes[1].ExcludeFromDiscovery)
	assert.Equal(t, time.Second, routes[1].Adapter.(*Guard).policy.Timeout)
	assert.Equal(t, obs, r.observer)

	_, err = Build([]config.Operator{
		{Name: "x", Type: "nope"},
		{Name: "y", Type: "test-build", Versions: []string{"9.9"}},
	}, Deps{})
	require.Error(t, err)
	assert.ErrorContains(t, err, `operator "x"`)
	assert.ErrorContains(t, err, `operator "y"`, "every operator that cannot be built is reported")
}

func TestDecorateTransportOrder(t *testing.T) {
	var order []string
	mark := func(name string) RoundTripperDecorator {
		return func(op string, next http.RoundTripper) http.RoundTripper {
			return roundTripFunc(func(r *http.Request) (*http.Response, error) {
				order = append(order, name+"@"+op)
				return next.RoundTrip(r)
			})
		}
	}
	base := roundTripFunc(func(*http.Request) (*http.Response, error) {
		order = append(order, "base")
		return &http.Response{StatusCode: 204, Body: http.NoBody}, nil
	})
	rt := DecorateTransport("op", base, []RoundTripperDecorator{mark("outer"), mark("inner")})
	req, _ := http.NewRequest(http.MethodGet, "http://example.invalid/x", nil)
	_, err := rt.RoundTrip(req)
	require.NoError(t, err)
	assert.Equal(t, []string{"outer@op", "inner@op", "base"}, order)
}

func TestLogExchangesWritesNoPersonalData(t *testing.T) {
	var buf bytes.Buffer
	logger := slog.New(slog.NewJSONHandler(&buf, &slog.HandlerOptions{Level: slog.LevelDebug}))
	base := roundTripFunc(func(*http.Request) (*http.Response, error) {
		return &http.Response{StatusCode: 200, Body: http.NoBody}, nil
	})
	rt := LogExchanges(logger)("op", base)
	req, _ := http.NewRequest(http.MethodPost, "http://operator.example/kyc-match/v0.4/match?msisdn=34629255833",
		strings.NewReader(`{"phoneNumber":"+34629255833"}`))
	req.Header.Set("x-correlator", "abc-1")
	req.Header.Set("Authorization", "Bearer secret-token")
	_, err := rt.RoundTrip(req)
	require.NoError(t, err)
	line := buf.String()
	for _, want := range []string{`"operator":"op"`, `"status":200`, `"path":"/kyc-match/v0.4/match"`, `"x_correlator":"abc-1"`} {
		assert.Contains(t, line, want)
	}
	assert.NotContains(t, line, "629255833")
	assert.NotContains(t, line, "secret-token")
}

// roundTripFunc adapts a function to http.RoundTripper.
type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }
