package main

import (
	"bytes"
	"encoding/json"
	"image"
	"image/color"
	"image/jpeg"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kycgate/kycgate/biometric"
	"github.com/kycgate/kycgate/gateway/auth/devissuer"
)

// scrape returns the text of the demo's /metrics.
func scrape(t *testing.T, base string) string {
	t.Helper()
	res, err := http.Get(base + "/metrics")
	require.NoError(t, err)
	defer res.Body.Close()
	body, err := io.ReadAll(res.Body)
	require.NoError(t, err)
	require.Equal(t, http.StatusOK, res.StatusCode)
	return string(body)
}

// sampleValue returns the value of the exposition line that starts with
// series, or "" when there is none.
func sampleValue(text, series string) string {
	for _, line := range strings.Split(text, "\n") {
		if rest, ok := strings.CutPrefix(line, series+" "); ok {
			return rest
		}
	}
	return ""
}

// sample returns the value of series as a number, 0 when it is absent.
func sample(t *testing.T, text, series string) float64 {
	t.Helper()
	v := sampleValue(text, series)
	if v == "" {
		return 0
	}
	f, err := strconv.ParseFloat(v, 64)
	require.NoError(t, err, "%s", series)
	return f
}

// sampleSum adds the values of every series that starts with prefix (a
// metric name and the first labels), e.g. all outcomes of one operator.
func sampleSum(t *testing.T, text, prefix string) float64 {
	t.Helper()
	total := 0.0
	for _, line := range strings.Split(text, "\n") {
		if !strings.HasPrefix(line, prefix) {
			continue
		}
		fields := strings.Fields(line)
		f, err := strconv.ParseFloat(fields[len(fields)-1], 64)
		require.NoError(t, err, "%s", line)
		total += f
	}
	return total
}

// grayJPEG is a small picture without a face.
func grayJPEG(t *testing.T) []byte {
	t.Helper()
	img := image.NewGray(image.Rect(0, 0, 64, 64))
	for i := range img.Pix {
		img.Pix[i] = uint8(i)
	}
	img.Set(0, 0, color.White)
	var buf bytes.Buffer
	require.NoError(t, jpeg.Encode(&buf, img, nil))
	return buf.Bytes()
}

// demoToken returns a token of the demo client with scope.
func demoToken(t *testing.T, base, dir, scope string) string {
	t.Helper()
	secret, err := os.ReadFile(filepath.Join(dir, "data", "demo-client-secret"))
	require.NoError(t, err)
	form := url.Values{"grant_type": {"client_credentials"}, "scope": {scope}}
	req, err := http.NewRequest(http.MethodPost, base+"/demo-issuer/token", strings.NewReader(form.Encode()))
	require.NoError(t, err)
	req.SetBasicAuth("demo-client", string(secret))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	var tok struct {
		AccessToken string `json:"access_token"`
	}
	require.Equal(t, http.StatusOK, doJSON(t, req, &tok))
	return tok.AccessToken
}

// match sends one KYC Match for phone with token and returns the status.
func match(t *testing.T, base, token, phone string) int {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, base+"/kyc-match/v0.4/match",
		strings.NewReader(`{"phoneNumber":"`+phone+`","givenName":"Federica"}`))
	require.NoError(t, err)
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Content-Type", "application/json")
	return doJSON(t, req, nil)
}

// demoMatch answers one KYC Match with a token of the demo client.
func demoMatch(t *testing.T, base, dir string) {
	t.Helper()
	require.Equal(t, http.StatusOK, match(t, base, demoToken(t, base, dir, "kyc-match:match"), "+34629255833"))
}

// failingOperator is an upstream CAMARA operator whose token endpoint works
// and whose match endpoint always fails with 500.
func failingOperator(t *testing.T) *httptest.Server {
	mux := http.NewServeMux()
	mux.HandleFunc("POST /token", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = io.WriteString(w, `{"access_token":"upstream-token","token_type":"Bearer","expires_in":3600}`)
	})
	mux.HandleFunc("POST /kyc-match/v0.4/match", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusInternalServerError)
		_, _ = io.WriteString(w, `{"status":500,"code":"INTERNAL","message":"down"}`)
	})
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return srv
}

// writeMetricsConfig writes a demo configuration with two operators: the
// reference operator for +34 and the failing upstream for +44, whose
// breaker opens after two failures.
func writeMetricsConfig(t *testing.T, dir, upstream string) string {
	t.Helper()
	cfg := map[string]any{
		"server": map[string]any{"listen": "127.0.0.1:0"},
		"store":  map[string]any{"type": "sqlite", "options": map[string]any{"path": filepath.Join(dir, "kycgate.db")}},
		"operators": []map[string]any{
			{"name": "reference", "type": "local", "prefixes": []string{"+34"}, "options": map[string]any{}},
			{"name": "upstream", "type": "camara", "prefixes": []string{"+44"},
				"breaker": map[string]any{"failures": 2, "open_for": "1m"},
				"options": map[string]any{"baseUrl": upstream, "version": "0.4", "tokenUrl": upstream + "/token",
					"clientId": "kycgate", "clientSecret": "upstream-secret"}},
		},
	}
	data, err := json.Marshal(cfg)
	require.NoError(t, err)
	path := filepath.Join(dir, "kycgate.yaml")
	require.NoError(t, os.WriteFile(path, data, 0o600))
	return path
}

// closedURL is an http URL on loopback where nothing listens.
func closedURL(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	addr := l.Addr().String()
	require.NoError(t, l.Close())
	return "http://" + addr + "/hooks"
}

// TestServeDemoExposesTheKycgateMetrics drives traffic through every part
// that reports metrics and checks that each metric moved the way the
// traffic says it must, not merely that it exists.
func TestServeDemoExposesTheKycgateMetrics(t *testing.T) {
	dir := t.TempDir()
	t.Chdir(dir)
	t.Setenv(biometric.ModelsDirEnv, filepath.Join(dir, "no-models")) // the none engine: fast, and still measured
	upstream := failingOperator(t)
	addr, stop := startServe(t, "-demo", "-config", writeMetricsConfig(t, dir, upstream.URL))
	base := "http://" + addr
	awaitReady(t, base)

	const (
		matchOK       = `kycgate_http_requests_total{api_version="v0.4",method="POST",route="/kyc-match/v0.4/match",status="200"}`
		matchDuration = `kycgate_http_request_duration_seconds_count{api_version="v0.4",method="POST",route="/kyc-match/v0.4/match"}`
		tokenValid    = `kycgate_token_verifications_total{result="valid"}`
		tokenInvalid  = `kycgate_token_verifications_total{result="invalid"}`
		jwksOK        = `kycgate_jwks_refreshes_total{result="ok"}`
		referenceOK   = `kycgate_operator_calls_total{operator="reference",outcome="OK"}`
		referenceTime = `kycgate_operator_call_duration_seconds_count{operator="reference"}`
		upstreamCalls = `kycgate_operator_calls_total{operator="upstream",`
		upstreamHTTP  = `kycgate_operator_http_attempt_duration_seconds_count{operator="upstream",`
		breaker       = `kycgate_operator_breaker_state{operator="upstream"}`
		delivered     = `kycgate_webhook_deliveries_total{outcome="delivered"}`
		retried       = `kycgate_webhook_deliveries_total{outcome="retry"}`
		depth         = "kycgate_webhook_outbox_depth"
		selfies       = `kycgate_biometric_duration_seconds_count{operation="assess_selfie"}`
	)
	before := scrape(t, base)

	// A match through the reference operator.
	demoMatch(t, base, dir)
	text := scrape(t, base)
	for _, series := range []string{matchOK, matchDuration, tokenValid, referenceOK, referenceTime} {
		assert.Equal(t, sample(t, before, series)+1, sample(t, text, series), "%s counts the match", series)
	}

	// A token signed by a key the issuer never published makes the
	// gateway fetch the key set again before refusing it.
	stranger := devissuer.NewTestServer(t, devissuer.Options{Audience: demoAudience})
	forged, err := stranger.Mint(devissuer.Claims{Issuer: base + demoIssuerPath, Scope: "kyc-match:match"})
	require.NoError(t, err)
	require.Equal(t, http.StatusUnauthorized, match(t, base, forged, "+34629255833"))
	after := scrape(t, base)
	assert.Equal(t, sample(t, text, jwksOK)+1, sample(t, after, jwksOK), "the unknown key id triggered a key-set fetch")
	assert.Equal(t, sample(t, text, tokenInvalid)+1, sample(t, after, tokenInvalid))

	// Matches routed to the failing upstream: two failures open its
	// breaker, and the third call is refused without reaching it.
	token := demoToken(t, base, dir, "kyc-match:match")
	for range 3 {
		status := match(t, base, token, "+447700900123")
		assert.GreaterOrEqual(t, status, 500, "the upstream's failure is the gateway's 5xx")
	}
	text = scrape(t, base)
	assert.Equal(t, 3.0, sampleSum(t, text, upstreamCalls), "every call to the upstream is counted, refused ones included")
	assert.GreaterOrEqual(t, sampleSum(t, text, upstreamHTTP), 2.0, "the HTTP attempts of the two calls that reached it")
	assert.Equal(t, "2", sampleValue(text, breaker), "the breaker is open")
	assert.Zero(t, sampleSum(t, text, `kycgate_operator_calls_total{operator="upstream",outcome="OK"}`))

	// A verification runs the engine and its webhooks reach the demo
	// receiver; once they are delivered the outbox is empty.
	newDemoClient(t, base, dir).verify(demoFlowSelfie, "", grayJPEG(t))
	require.Eventually(t, func() bool {
		now := scrape(t, base)
		return sample(t, now, delivered) >= sample(t, before, delivered)+4 && sampleValue(now, depth) == "0"
	}, 20*time.Second, 50*time.Millisecond, "the verification's four webhooks are delivered and the outbox is empty")
	text = scrape(t, base)
	assert.Equal(t, sample(t, before, selfies)+1, sample(t, text, selfies), "the selfie went through the engine")
	assert.Equal(t, "0", sampleValue(text, "kycgate_biometric_in_flight"))

	// A flow whose receiver is down leaves its event in the outbox.
	c := newDemoClient(t, base, dir)
	c.token = demoToken(t, base, dir, "flows:write verifications:write")
	body, err := json.Marshal(map[string]any{"id": "down", "steps": []string{"selfie"}, "webhookUrl": closedURL(t),
		"webhookSecret": "whsec_receiver_is_down"})
	require.NoError(t, err)
	require.Equal(t, http.StatusCreated, c.call(http.MethodPost, "/v2/flows", "application/json", body, nil))
	c.startVerification("down", "", map[string]any{})
	require.Eventually(t, func() bool {
		now := scrape(t, base)
		return sample(t, now, depth) >= 1 && sample(t, now, retried) >= sample(t, before, retried)+1
	}, 20*time.Second, 50*time.Millisecond, "the undeliverable event is retried and counted in the outbox depth")

	text = scrape(t, base)
	for _, family := range []string{
		"kycgate_http_requests_total", "kycgate_http_request_duration_seconds",
		"kycgate_operator_calls_total", "kycgate_operator_call_duration_seconds",
		"kycgate_operator_http_attempt_duration_seconds", "kycgate_operator_breaker_state",
		"kycgate_operator_fanout_width",
		"kycgate_token_verifications_total", "kycgate_jwks_refreshes_total",
		"kycgate_webhook_deliveries_total", "kycgate_webhook_outbox_depth",
		"kycgate_biometric_duration_seconds", "kycgate_biometric_in_flight",
		"kycgate_nfc_verdicts_total",
	} {
		assert.Regexp(t, regexp.MustCompile(`(?m)^# TYPE `+family+` `), text, "family %s is exposed", family)
	}
	for _, personal := range []string{"629255833", "7700900123", "Federica"} {
		assert.NotContains(t, text, personal, "no personal data in any label")
	}
	require.NoError(t, stop())
}
