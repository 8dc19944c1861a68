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

func TestIssuerIsRequiredOutsideDemoWithTheOtherProblems(t *testing.T) {
	path := filepath.Join(t.TempDir(), "kycgate.yaml")
	require.NoError(t, os.WriteFile(path, []byte("server:\n  listen: nowhere\n"), 0o600))

	_, err := config.LoadFor(path, config.Requirements{Issuer: true})
	require.Error(t, err)
	assert.ErrorContains(t, err, "auth.issuer: required")
	assert.ErrorContains(t, err, "server.listen", "reported with the other problems")

	_, err = config.LoadFor(path, config.Requirements{})
	require.Error(t, err)
	assert.NotContains(t, err.Error(), "auth.issuer", "not required for --demo or commands without tokens")

	_, err = config.LoadFor(example("operator.yaml"), config.Requirements{Issuer: true})
	assert.ErrorContains(t, err, "auth.issuer: required", "the example operator runs with --demo only")
	t.Setenv("KYCGATE_OPERATOR_SECRET", "demo-secret")
	_, err = config.LoadFor(example("aggregator.yaml"), config.Requirements{Issuer: true})
	assert.NoError(t, err)
	assert.NoError(t, config.Default().ValidateFor(config.Requirements{}))
	assert.ErrorContains(t, config.Default().ValidateFor(config.Requirements{Issuer: true}), "auth.issuer")
}
