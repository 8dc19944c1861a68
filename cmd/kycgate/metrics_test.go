package main

import (
	"bytes"
	"image"
	"image/color"
	"image/jpeg"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kycgate/kycgate/biometric"
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

// demoMatch answers one KYC Match with a token of the demo client.
func demoMatch(t *testing.T, base, dir string) {
	t.Helper()
	secret, err := os.ReadFile(filepath.Join(dir, "data", "demo-client-secret"))
	require.NoError(t, err)
	form := url.Values{"grant_type": {"client_credentials"}, "scope": {"kyc-match:match"}}
	req, err := http.NewRequest(http.MethodPost, base+"/demo-issuer/token", strings.NewReader(form.Encode()))
	require.NoError(t, err)
	req.SetBasicAuth("demo-client", string(secret))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	var tok struct {
		AccessToken string `json:"access_token"`
	}
	require.Equal(t, http.StatusOK, doJSON(t, req, &tok))
	req, err = http.NewRequest(http.MethodPost, base+"/kyc-match/v0.4/match",
		strings.NewReader(`{"phoneNumber":"+34629255833","givenName":"Federica"}`))
	require.NoError(t, err)
	req.Header.Set("Authorization", "Bearer "+tok.AccessToken)
	req.Header.Set("Content-Type", "application/json")
	require.Equal(t, http.StatusOK, doJSON(t, req, nil))
}

func TestServeDemoExposesTheKycgateMetrics(t *testing.T) {
	dir := t.TempDir()
	t.Chdir(dir)
	t.Setenv(biometric.ModelsDirEnv, filepath.Join(dir, "no-models")) // the none engine: fast, and still measured
	addr, stop := startServe(t, "-demo", "-config", writeConfig(t, dir, "127.0.0.1:0"))
	base := "http://" + addr
	require.Eventually(t, func() bool {
		res, err := http.Get(base + "/health/ready")
		if err != nil {
			return false
		}
		res.Body.Close()
		return res.StatusCode == http.StatusOK
	}, 10*time.Second, 20*time.Millisecond)

	demoMatch(t, base, dir)
	newDemoClient(t, base, dir).verify(demoFlowSelfie, "", grayJPEG(t))
	delivered := `kycgate_webhook_deliveries_total{outcome="delivered"}`
	require.Eventually(t, func() bool {
		v := sampleValue(scrape(t, base), delivered)
		return v != "" && v != "0"
	}, 20*time.Second, 50*time.Millisecond, "the verification's webhooks reach the demo receiver")

	text := scrape(t, base)
	for _, family := range []string{
		"kycgate_http_requests_total", "kycgate_http_request_duration_seconds",
		"kycgate_token_verifications_total", "kycgate_jwks_refreshes_total",
		"kycgate_webhook_deliveries_total", "kycgate_webhook_outbox_depth",
		"kycgate_biometric_duration_seconds", "kycgate_biometric_in_flight",
		"kycgate_nfc_verdicts_total",
	} {
		assert.Regexp(t, regexp.MustCompile(`(?m)^# TYPE `+family+` `), text, "family %s is exposed", family)
	}
	assert.Equal(t, "1", sampleValue(text, `kycgate_http_requests_total{api_version="v0.4",method="POST",route="/kyc-match/v0.4/match",status="200"}`))
	assert.Equal(t, "1", sampleValue(text, `kycgate_biometric_duration_seconds_count{operation="assess_selfie"}`), "the selfie went through the engine")
	assert.Equal(t, "0", sampleValue(text, "kycgate_biometric_in_flight"))
	assert.NotEmpty(t, sampleValue(text, "kycgate_webhook_outbox_depth"))
	assert.NotContains(t, text, "629255833", "no phone number in any label")
	assert.NotContains(t, text, "Federica", "no name in any label")
	require.NoError(t, stop())
}
