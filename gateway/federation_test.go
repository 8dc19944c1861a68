package gateway_test

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kycgate/kycgate/config"
	"github.com/kycgate/kycgate/kycmatch"
	"github.com/kycgate/kycgate/operators/camara/camaratest"
)

const (
	person    = "+34629255833"
	matchBody = `{"phoneNumber":"+34629255833","givenName":"Federica","familyName":"Sanchez","birthdate":"1978-08-22"}`
)

func TestFederatedMatchFlowsThroughBothGateways(t *testing.T) {
	captured := &capture{}
	op := upstream(t, fixture, captured.wrap)
	agg := aggregator(t, nil, op.CamaraOperator("upstream", "0.4", "+34"))

	for _, v := range kycmatch.Versions {
		t.Run(v.PathSegment(), func(t *testing.T) {
			correlator := fmt.Sprintf("fed-%d", v.Minor)
			r := callGateway(t, agg, v, "", matchBody, correlator)
			require.Equal(t, http.StatusOK, r.status, "body: %s", r.body)
			m := r.json(t)
			assert.Equal(t, "true", m["givenNameMatch"])
			assert.Equal(t, "false", m["familyNameMatch"])
			assert.Contains(t, m, "familyNameMatchScore")
			assert.Equal(t, "true", m["birthdateMatch"])
			assert.Equal(t, correlator, r.header.Get("x-correlator"))
			assert.Equal(t, correlator, captured.last().correlator, "the correlator reaches the operator")
		})
	}

	t.Run("a 3-legged caller becomes a 2-legged call upstream", func(t *testing.T) {
		r := callGateway(t, agg, kycmatch.V04, threeLegged(t, agg, person), `{"givenName":"Federica","nationality":"es"}`, "")
		require.Equal(t, http.StatusOK, r.status, "body: %s", r.body)
		assert.Equal(t, map[string]any{"givenNameMatch": "true", "nationalityMatch": "true"}, r.json(t))
		assert.JSONEq(t, `{"phoneNumber":"+34629255833","givenName":"Federica","nationality":"es"}`, captured.last().body)
	})
}

func TestFederatedErrorsPassThroughOrBecomeUnavailable(t *testing.T) {
	strict := camaratest.Start(t, camaratest.Options{Subscribers: fixture, LocalOptions: json.RawMessage(`{"requireIdDocument":true}`)})
	agg := aggregator(t, nil, strict.CamaraOperator("strict", "0.3", "+34"))
	tests := []struct {
		name   string
		body   string
		status int
		code   string
	}{
		{"the operator's idDocument rule", `{"phoneNumber":"+34629255833","givenName":"Federica"}`, 403, "KNOW_YOUR_CUSTOMER.ID_DOCUMENT_REQUIRED"},
		{"an unknown number", `{"phoneNumber":"+34699999999","idDocument":"1"}`, 404, "IDENTIFIER_NOT_FOUND"},
		{"an IoT line", `{"phoneNumber":"+34600000003","idDocument":"1"}`, 422, "SERVICE_NOT_APPLICABLE"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			requireError(t, callGateway(t, agg, kycmatch.V04, "", tc.body, ""), tc.status, tc.code)
		})
	}
}

func TestOperatorDownOpensTheBreakerAndHealthShowsIt(t *testing.T) {
	op := upstream(t, fixture, nil)
	cfg := op.CamaraOperator("upstream", "0.4", "+34")
	cfg.Breaker = config.Breaker{Failures: 2, OpenFor: config.Duration(time.Minute)}
	agg := aggregator(t, nil, cfg)

	r := getJSON(t, agg, "/health/ready")
	require.Equal(t, http.StatusOK, r.status)
	assert.Equal(t, map[string]any{"upstream": map[string]any{"breaker": "closed"}}, r.json(t)["operators"])

	// The operator stops listening.
	base := op.URL
	op.Close()
	for range 2 {
		requireError(t, callGateway(t, agg, kycmatch.V04, "", matchBody, ""), 503, "UNAVAILABLE")
	}
	r = callGateway(t, agg, kycmatch.V04, "", matchBody, "")
	requireError(t, r, 503, "UNAVAILABLE")
	assert.NotEmpty(t, r.header.Get("Retry-After"), "an open breaker says when to retry")
	assert.NotContains(t, string(r.body), strings.TrimPrefix(base, "http://"))

	r = getJSON(t, agg, "/health/ready")
	require.Equal(t, http.StatusOK, r.status, "an open breaker does not make the gateway unready")
	assert.Equal(t, "UP", r.json(t)["status"])
	assert.Equal(t, map[string]any{"upstream": map[string]any{"breaker": "open"}}, r.json(t)["operators"])
	assert.Contains(t, agg.Logs.String(), `"operator breaker state changed"`)
	assert.NotContains(t, agg.Logs.String(), "629255833", "no phone number in the log")
}

func TestFanOutFindsTheOneOperatorThatKnowsTheNumber(t *testing.T) {
	empty1, holder, empty2 := upstream(t, nil, nil), upstream(t, fixture, nil), upstream(t, nil, nil)
	agg := aggregator(t, nil,
		empty1.CamaraOperator("a", "0.4", "+44"),
		holder.CamaraOperator("b", "0.3", "+49"),
		empty2.CamaraOperator("c", "0.4", "+33"))

	r := callGateway(t, agg, kycmatch.V04, "", matchBody, "")
	require.Equal(t, http.StatusOK, r.status, "body: %s", r.body)
	assert.Equal(t, "true", r.json(t)["givenNameMatch"])
	assert.Equal(t, int64(1), holder.MatchRequests())
	// The others were asked too, unless the answer came before their call
	// got through: once the answer is found, their calls are cancelled.
	asked1, asked2 := settled(empty1.MatchRequests), settled(empty2.MatchRequests)
	assert.LessOrEqual(t, asked1, int64(1))
	assert.LessOrEqual(t, asked2, int64(1))

	r = callGateway(t, agg, kycmatch.V04, "", matchBody, "")
	require.Equal(t, http.StatusOK, r.status)
	assert.Equal(t, int64(2), holder.MatchRequests())
	assert.Equal(t, asked1, empty1.MatchRequests(), "the winner is remembered: the others are not asked again")
	assert.Equal(t, asked2, empty2.MatchRequests())

	t.Run("no operator knows the number", func(t *testing.T) {
		requireError(t, callGateway(t, agg, kycmatch.V04, "", `{"phoneNumber":"+81312345678","givenName":"x"}`, ""), 404, "IDENTIFIER_NOT_FOUND")
	})
	t.Run("discovery switched off", func(t *testing.T) {
		off := config.DefaultDiscovery()
		off.Enabled = false
		noFanOut := aggregator(t, &off, empty1.CamaraOperator("a", "0.4", "+44"), holder.CamaraOperator("b", "0.4", "+49"))
		before := holder.MatchRequests()
		requireError(t, callGateway(t, noFanOut, kycmatch.V04, "", matchBody, ""), 404, "IDENTIFIER_NOT_FOUND")
		assert.Equal(t, before, holder.MatchRequests(), "nobody was asked")
	})
}

func TestFanOutAnswersWithoutWaitingForAHangingOperator(t *testing.T) {
	h := newHanging()
	hung, holder, empty := upstream(t, nil, h.wrap), upstream(t, fixture, h.answerAfter), upstream(t, nil, nil)
	slowCfg := hung.CamaraOperator("hangs", "0.4", "+44")
	const hungTimeout = 30 * time.Second // only cancellation can end its call in time
	slowCfg.Timeout = config.Duration(hungTimeout)
	agg := aggregator(t, nil, slowCfg, holder.CamaraOperator("holds", "0.4", "+49"), empty.CamaraOperator("empty", "0.4", "+33"))

	start := time.Now()
	r := callGateway(t, agg, kycmatch.V04, "", matchBody, "")
	elapsed := time.Since(start)
	require.Equal(t, http.StatusOK, r.status, "body: %s", r.body)
	assert.Less(t, elapsed, 5*time.Second, "the answer did not wait for the hung operator (timeout %s)", hungTimeout)
	assert.Equal(t, int64(1), h.received.Load(), "the hanging operator was asked too")
	select {
	case <-h.cancelled:
	case <-time.After(10 * time.Second):
		t.Fatal("the hanging operator's call was not cancelled once the answer was found")
	}
	r = getJSON(t, agg, "/health/ready")
	assert.Equal(t, "closed", r.json(t)["operators"].(map[string]any)["hangs"].(map[string]any)["breaker"],
		"a cancelled call is not the operator's failure")
}

func TestPortedNumberIsRediscoveredAndRemembered(t *testing.T) {
	donor := upstream(t, nil, nil) // the prefix owner no longer holds the number
	first := &switchable{}
	recipient1 := upstream(t, fixture, first.wrap)
	second := &switchable{}
	second.ported.Store(true) // holds the record but not yet the number
	recipient2 := upstream(t, fixture, second.wrap)
	agg := aggregator(t, nil,
		donor.CamaraOperator("donor", "0.4", "+34"),
		recipient1.CamaraOperator("first", "0.4"),
		recipient2.CamaraOperator("second", "0.4"))

	r := callGateway(t, agg, kycmatch.V04, "", matchBody, "")
	require.Equal(t, http.StatusOK, r.status, "body: %s", r.body)
	require.Equal(t, int64(1), donor.MatchRequests(), "the prefix owner was asked first")
	require.Equal(t, int64(1), recipient1.MatchRequests())

	r = callGateway(t, agg, kycmatch.V04, "", matchBody, "")
	require.Equal(t, http.StatusOK, r.status)
	assert.Equal(t, int64(1), donor.MatchRequests(), "the discovered operator is asked directly")
	assert.Equal(t, int64(2), recipient1.MatchRequests())

	// The number is ported again, from the first recipient to the second.
	first.ported.Store(true)
	second.ported.Store(false)
	r = callGateway(t, agg, kycmatch.V04, "", matchBody, "")
	require.Equal(t, http.StatusOK, r.status, "body: %s", r.body)
	asked := settled(recipient1.MatchRequests)
	secondAsked := settled(recipient2.MatchRequests)
	r = callGateway(t, agg, kycmatch.V04, "", matchBody, "")
	require.Equal(t, http.StatusOK, r.status)
	assert.Equal(t, asked, recipient1.MatchRequests(), "the cache now points at the new operator")
	assert.Equal(t, secondAsked+1, recipient2.MatchRequests())
}

func TestOperatorThatDoesNotAnswerInTimeIsATimeout(t *testing.T) {
	var received atomic.Int64
	hung := upstream(t, fixture, func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if !strings.HasSuffix(r.URL.Path, "/match") {
				next.ServeHTTP(w, r)
				return
			}
			received.Add(1)
			_, _ = io.Copy(io.Discard, r.Body) // lets the server notice the caller leave
			<-r.Context().Done()
		})
	})
	cfg := hung.CamaraOperator("hangs", "0.4", "+34")
	cfg.Timeout = config.Duration(200 * time.Millisecond)
	agg := aggregator(t, nil, cfg)

	for _, v := range kycmatch.Versions {
		t.Run(v.PathSegment(), func(t *testing.T) {
			r := callGateway(t, agg, v, "", matchBody, "")
			requireError(t, r, http.StatusGatewayTimeout, "TIMEOUT")
			assert.NotContains(t, string(r.body), strings.TrimPrefix(hung.URL, "http://"), "the operator's URL stays internal")
		})
	}
	assert.Equal(t, int64(len(kycmatch.Versions)), received.Load(), "the operator was asked each time")
}

func TestFanOutWithNoneFoundAndOneOperatorDownIsUnavailable(t *testing.T) {
	empty1, down, empty2 := upstream(t, nil, nil), upstream(t, fixture, nil), upstream(t, nil, nil)
	agg := aggregator(t, nil,
		empty1.CamaraOperator("a", "0.4", "+44"),
		down.CamaraOperator("b", "0.4", "+49"),
		empty2.CamaraOperator("c", "0.3", "+33"))
	down.Close() // the one operator that might know the number stops listening

	for _, v := range kycmatch.Versions {
		t.Run(v.PathSegment(), func(t *testing.T) {
			before1, before2 := empty1.MatchRequests(), empty2.MatchRequests()
			r := callGateway(t, agg, v, "", matchBody, "")
			requireError(t, r, http.StatusServiceUnavailable, "UNAVAILABLE")
			assert.Equal(t, before1+1, empty1.MatchRequests(), "every reachable operator was asked")
			assert.Equal(t, before2+1, empty2.MatchRequests())
		})
	}
	t.Run("all reachable and none found is 404", func(t *testing.T) {
		both := aggregator(t, nil, empty1.CamaraOperator("a", "0.4", "+44"), empty2.CamaraOperator("c", "0.3", "+33"))
		requireError(t, callGateway(t, both, kycmatch.V04, "", matchBody, ""), http.StatusNotFound, "IDENTIFIER_NOT_FOUND")
	})
}

// settled returns count's value once it has stayed the same for 100ms: a
// call that the winning answer cancelled may still reach its upstream
// just after the answer came back.
func settled(count func() int64) int64 {
	last := count()
	for range 20 {
		time.Sleep(50 * time.Millisecond)
		now := count()
		if now == last {
			return now
		}
		last = now
	}
	return last
}
