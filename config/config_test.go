package config

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func noEnv(string) (string, bool) { return "", false }

func TestDefaultsAreValid(t *testing.T) {
	require.NoError(t, Default().Validate())
}

func TestParseOverridesDefaults(t *testing.T) {
	cfg, err := Parse([]byte(`
server:
  listen: 127.0.0.1:9000
  read_header_timeout: 2s
auth:
  issuer: https://issuer.example
operators:
  - name: reference
    type: local
    prefixes: ["+34", "+81"]
    options: {requireIdDocument: true}
`), noEnv)
	require.NoError(t, err)
	assert.Equal(t, "127.0.0.1:9000", cfg.Server.Listen)
	assert.Equal(t, 2*time.Second, cfg.Server.ReadHeaderTimeout.D())
	assert.Equal(t, 15*time.Second, cfg.Server.ReadTimeout.D(), "unset keys keep their default")
	assert.Equal(t, "kycgate", cfg.Auth.Audience)
	require.Len(t, cfg.Operators, 1)
	assert.JSONEq(t, `{"requireIdDocument":true}`, string(cfg.Operators[0].Options))
}

func TestParseExpandsEnvironment(t *testing.T) {
	env := map[string]string{"ISSUER": "https://idp.example"}
	cfg, err := Parse([]byte("auth:\n  issuer: ${ISSUER}\n"), func(k string) (string, bool) {
		v, ok := env[k]
		return v, ok
	})
	require.NoError(t, err)
	assert.Equal(t, "https://idp.example", cfg.Auth.Issuer)

	_, err = Parse([]byte("auth:\n  issuer: ${MISSING_ONE}\n  audience: ${MISSING_TWO}\n"), noEnv)
	require.ErrorContains(t, err, "MISSING_ONE, MISSING_TWO")
}

// TestEnvironmentValuesAreOnlyText checks that a variable's value replaces
// text inside one value and nothing more, whatever characters it holds.
func TestEnvironmentValuesAreOnlyText(t *testing.T) {
	file := `# the operator's secret comes from ${NOT_A_REFERENCE}
auth:
  issuer: https://idp.example
operators:
  - name: upstream
    type: camara
    prefixes: ["+34"]
    options:
      baseUrl: https://operator.example
      tokenUrl: https://operator.example/token
      clientId: gw
      clientSecret: ${SECRET}
`
	for _, secret := range []string{
		"Pa55 #word",
		"Pa55\nstore:\n  options:\n    path: /tmp/evil.db\nlog:\n  level: debug",
		"*anchor", `"quoted`, "[list", "key: value", "yes", "12345678", "null", "~", "${OTHER}",
	} {
		t.Run(secret, func(t *testing.T) {
			cfg, err := Parse([]byte(file), func(k string) (string, bool) {
				if k == "SECRET" {
					return secret, true
				}
				return "", false
			})
			require.NoError(t, err)
			require.Len(t, cfg.Operators, 1)
			var opts struct {
				ClientSecret string `json:"clientSecret"`
			}
			require.NoError(t, json.Unmarshal(cfg.Operators[0].Options, &opts))
			assert.Equal(t, secret, opts.ClientSecret, "the value, whole and as text")
			assert.Equal(t, "info", cfg.Log.Level, "no key was added")
			assert.Equal(t, Default().Store, cfg.Store, "no key was added")
		})
	}
}

func TestParseListsEveryProblem(t *testing.T) {
	_, err := Parse([]byte(`
server:
  listen: nonsense
  max_body_bytes: 10
  trusted_proxies: ["10.0.0.0/8", "192.0.2.1", "lb.internal"]
auth:
  audience: ""
log:
  level: loud
operators:
  - name: a
    type: local
    prefixes: ["34", "+1"]
  - name: a
    prefixes: ["+1"]
`), noEnv)
	require.Error(t, err)
	assert.NotContains(t, err.Error(), "trusted_proxies[0]")
	assert.NotContains(t, err.Error(), "trusted_proxies[1]")
	for _, want := range []string{
		"server.listen", "server.max_body_bytes", "server.trusted_proxies[2]", "auth.audience", "log.level",
		"operators[0].prefixes[0]", "operators[1].name", "operators[1].type", "operators[1].prefixes[0]",
	} {
		assert.ErrorContains(t, err, want)
	}
}

func TestParseRefusesUnknownKeysAndBadDurations(t *testing.T) {
	_, err := Parse([]byte("server:\n  listn: x\n"), noEnv)
	require.ErrorContains(t, err, "listn")
	_, err = Parse([]byte("server:\n  read_timeout: 5\n"), noEnv)
	require.Error(t, err)
	_, err = Parse([]byte("server:\n  read_timeout: soon\n"), noEnv)
	require.Error(t, err)
}

func TestLoadReadsFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "kycgate.yaml")
	require.NoError(t, os.WriteFile(path, []byte("log:\n  level: debug\n"), 0o600))
	cfg, err := Load(path)
	require.NoError(t, err)
	assert.Equal(t, "debug", cfg.Log.Level)
	_, err = Load(filepath.Join(t.TempDir(), "absent.yaml"))
	require.Error(t, err)
}

func TestTheSameFileAlwaysGetsTheSameMessage(t *testing.T) {
	file := []byte("server:\n  read_timeout: -1s\n  write_timeout: -1s\n  idle_timeout: -1s\nnfc:\n  code_ttl: -1s\n  upload_timeout: -1s\n")
	_, first := Parse(file, noEnv)
	require.Error(t, first)
	for range 20 {
		_, err := Parse(file, noEnv)
		require.Equal(t, first.Error(), err.Error())
	}
}

func TestEveryUnknownKeyIsListedWithItsPath(t *testing.T) {
	_, err := Parse([]byte(`
server:
  lisen: 127.0.0.1:8080
foo: 1
log:
  level: loud
operators:
  - name: a
    type: local
    prefix: ["+34"]
    options: {anything: goes, here: [1, 2]}
nfc:
  partners:
    - {id: acme, api_key_sha256: x, bogus: true}
biometric:
  detector: {score_threshhold: 0.5}
`), noEnv)
	require.Error(t, err)
	for _, want := range []string{
		"server.lisen", "foo", "operators[0].prefix", "nfc.partners[0].bogus", "biometric.detector.score_threshhold",
		"log.level", // the values spelt right are still checked
	} {
		assert.Contains(t, err.Error(), want)
	}
	assert.NotContains(t, err.Error(), "anything", "adapter options are the adapter's to read")
}
