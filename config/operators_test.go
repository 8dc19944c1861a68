package config

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestOperatorPolicyDefaults(t *testing.T) {
	cfg, err := Parse([]byte(`
operators:
  - name: es
    type: local
    prefixes: ["+34"]
`), noEnv)
	require.NoError(t, err)
	op := cfg.Operators[0]
	assert.Zero(t, op.Timeout, "a key left out stays zero in the parsed file")
	assert.True(t, op.IsDiscoverable(), "operators are discoverable unless told otherwise")

	op = op.WithDefaults()
	assert.Equal(t, 5*time.Second, op.Timeout.D())
	assert.Equal(t, 64, op.MaxConcurrent)
	assert.Equal(t, 5, op.Breaker.Failures)
	assert.Equal(t, 30*time.Second, op.Breaker.OpenFor.D())
	assert.Equal(t, 1, op.Breaker.HalfOpenCalls)
	assert.Empty(t, op.Versions, "no versions listed means every served version")

	assert.Equal(t, DefaultDiscovery(), cfg.Discovery)
	assert.True(t, cfg.Discovery.Enabled)
	assert.Equal(t, 8, cfg.Discovery.Width)
}

func TestOperatorPolicyParsed(t *testing.T) {
	cfg, err := Parse([]byte(`
discovery:
  enabled: false
  width: 3
  cache_size: 50
  cache_ttl: 1h
operators:
  - name: upstream
    type: camara
    prefixes: ["+49"]
    versions: ["0.3", "v0.4"]
    timeout: 800ms
    max_concurrent: 10
    discoverable: false
    breaker:
      failures: 3
      open_for: 10s
      half_open_calls: 2
    options:
      baseUrl: https://operator.example
`), noEnv)
	require.NoError(t, err)
	op := cfg.Operators[0].WithDefaults()
	assert.Equal(t, []string{"0.3", "v0.4"}, op.Versions)
	assert.Equal(t, 800*time.Millisecond, op.Timeout.D())
	assert.Equal(t, 10, op.MaxConcurrent)
	assert.False(t, op.IsDiscoverable())
	assert.Equal(t, Breaker{Failures: 3, OpenFor: Duration(10 * time.Second), HalfOpenCalls: 2}, op.Breaker)
	assert.Equal(t, Discovery{Enabled: false, Width: 3, CacheSize: 50, CacheTTL: Duration(time.Hour)}, cfg.Discovery)
}

func TestOperatorPolicyListsEveryProblem(t *testing.T) {
	_, err := Parse([]byte(`
discovery:
  width: 0
  cache_size: -1
  cache_ttl: 0s
operators:
  - name: a
    type: camara
    versions: ["0.9", "0.4", "0.4.0"]
    timeout: -1s
    max_concurrent: -5
    breaker:
      failures: -1
      open_for: 2h
      half_open_calls: 5000
`), noEnv)
	require.Error(t, err)
	for _, want := range []string{
		"discovery.width", "discovery.cache_size", "discovery.cache_ttl",
		`operators[0].versions[0]: "0.9" is not a served KYC Match version (0.3, 0.4)`,
		"operators[0].versions[2]: version 0.4.0 listed twice",
		"operators[0].timeout", "operators[0].max_concurrent",
		"operators[0].breaker.failures", "operators[0].breaker.open_for", "operators[0].breaker.half_open_calls",
	} {
		assert.ErrorContains(t, err, want)
	}
}

func TestOperatorPolicyRefusesUnknownKeys(t *testing.T) {
	_, err := Parse([]byte(`
operators:
  - name: a
    type: local
    breaker:
      failure: 3
`), noEnv)
	require.ErrorContains(t, err, "failure")
}
