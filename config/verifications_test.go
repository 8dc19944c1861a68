package config

import (
	"encoding/base64"
	"encoding/hex"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const hexKey = "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f"

func TestParseVerificationSections(t *testing.T) {
	env := func(name string) (string, bool) {
		return map[string]string{"TEMPLATE_KEY": hexKey, "MEDIA_KEY": "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8="}[name], true
	}
	cfg, err := Parse([]byte(`
verifications:
  enabled: true
  public_url: https://kyc.example.com
  template_key: ${TEMPLATE_KEY}
  step_timeout: 5s
media:
  dir: /var/lib/kycgate/media
  signing_key: ${MEDIA_KEY}
webhooks:
  allow_http: true
  max_backoff: 1m
biometric:
  engine: none
  video:
    timeout: 10s
`), env)
	require.NoError(t, err)
	assert.True(t, cfg.Verifications.Enabled)
	assert.Equal(t, 5*time.Second, cfg.Verifications.StepTimeout.D())
	assert.Equal(t, 30*time.Minute, cfg.Verifications.InputTimeout.D(), "unset keys keep their default")
	assert.True(t, cfg.Webhooks.AllowHTTP)
	assert.Equal(t, time.Minute, cfg.Webhooks.MaxBackoff.D())
	assert.Equal(t, "none", cfg.Biometric.Engine)
	assert.Equal(t, 10*time.Second, time.Duration(cfg.Biometric.Video.Timeout))
	assert.Equal(t, 50<<20, int(cfg.Biometric.Video.MaxBytes), "biometric defaults stay")
	key, err := ParseKey32(cfg.Media.SigningKey)
	require.NoError(t, err)
	assert.Equal(t, byte(31), key[31])
}

func TestVerificationSectionsAreValidated(t *testing.T) {
	tests := []struct {
		name string
		yaml string
		want []string
	}{
		{"enabled without keys", "verifications: {enabled: true}", []string{"verifications.template_key: required", "media.signing_key: required"}},
		{"short key", "verifications: {enabled: true, template_key: abcd}\nmedia: {signing_key: " + hexKey + "}", []string{"verifications.template_key: must be 32 bytes"}},
		{"keys not needed when disabled", "media: {signing_key: nonsense}", nil},
		{"public URL", "verifications: {public_url: 'kyc.example.com'}", []string{"verifications.public_url"}},
		{"durations", "verifications: {step_timeout: 0s}\nwebhooks: {initial_backoff: 2m, max_backoff: 1m}", []string{"verifications.step_timeout: must be positive", "webhooks.max_backoff"}},
		{"workers", "verifications: {workers: 0}", []string{"verifications.workers"}},
		{"webhook secret key", "webhooks: {secret_key: abcd}", []string{"webhooks.secret_key: must be 32 bytes"}},
		{"webhook secret key is optional", "webhooks: {secret_key: ''}", nil},
		{"webhook secret key", "webhooks: {secret_key: " + hexKey + "}", nil},
		{"biometric engine", "biometric: {engine: magic}", []string{"biometric: engine"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse([]byte(tt.yaml), noEnv)
			if tt.want == nil {
				require.NoError(t, err)
				return
			}
			require.Error(t, err)
			for _, w := range tt.want {
				assert.True(t, strings.Contains(err.Error(), w), "%q in %v", w, err)
			}
		})
	}
}

func TestParseKey32(t *testing.T) {
	key := make([]byte, 32)
	for i := range key {
		key[i] = byte(i * 7)
	}
	for _, text := range []string{
		hex.EncodeToString(key),
		base64.StdEncoding.EncodeToString(key),
		base64.RawURLEncoding.EncodeToString(key),
		" " + hex.EncodeToString(key) + "\n",
	} {
		got, err := ParseKey32(text)
		require.NoError(t, err)
		assert.Equal(t, key, got)
	}
	for _, bad := range []string{hex.EncodeToString(key[:16]), "not a key", ""} {
		_, err := ParseKey32(bad)
		assert.Error(t, err, "%q", bad)
	}
}
