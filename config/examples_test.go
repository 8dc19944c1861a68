package config_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kycgate/kycgate/config"
	"github.com/kycgate/kycgate/operators"

	// The adapter types the examples configure.
	_ "github.com/kycgate/kycgate/operators/camara"
	_ "github.com/kycgate/kycgate/operators/local"
)

// example is the path of a file of the examples folder.
func example(name string) string { return filepath.Join("..", "examples", name) }

func TestExampleAggregatorLoadsAndBuilds(t *testing.T) {
	t.Setenv("KYCGATE_OPERATOR_SECRET", "demo-secret")
	cfg, err := config.Load(example("aggregator.yaml"))
	require.NoError(t, err)

	assert.Equal(t, "127.0.0.1:8080", cfg.Server.Listen)
	assert.Equal(t, "http://127.0.0.1:8081/demo-issuer", cfg.Auth.Issuer)
	require.Len(t, cfg.Operators, 1)
	op := cfg.Operators[0]
	assert.Equal(t, "camara", op.Type)
	assert.Equal(t, []string{"+34", "+44"}, op.Prefixes)
	assert.Equal(t, config.Duration(3*time.Second), op.Timeout)
	var options map[string]any
	require.NoError(t, json.Unmarshal(op.Options, &options))
	assert.Equal(t, "demo-secret", options["clientSecret"], "the secret comes from the environment")

	// The adapter accepts its options: the example runs as written.
	router, err := operators.Build(cfg.Operators, operators.Deps{})
	require.NoError(t, err)
	assert.NotNil(t, router)
}

func TestExampleAggregatorNeedsItsSecret(t *testing.T) {
	_, err := config.Parse(mustRead(t, example("aggregator.yaml")), func(string) (string, bool) { return "", false })
	require.ErrorContains(t, err, "KYCGATE_OPERATOR_SECRET")
}

func TestExampleOperatorLoads(t *testing.T) {
	cfg, err := config.Load(example("operator.yaml"))
	require.NoError(t, err)
	assert.Equal(t, "127.0.0.1:8081", cfg.Server.Listen)
	assert.Equal(t, "sqlite", cfg.Store.Type)
	assert.Empty(t, cfg.Operators, "--demo serves every number with the reference operator")
}

// mustRead returns the content of the file at path.
func mustRead(t *testing.T, path string) []byte {
	t.Helper()
	raw, err := os.ReadFile(path)
	require.NoError(t, err)
	return raw
}
