package example_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/kycgate/kycgate/operators"
	"github.com/kycgate/kycgate/operators/example"
	"github.com/kycgate/kycgate/operators/operatorstest"
)

// newFromFile builds the adapter the way the gateway does: through the
// registry, from its configured options.
func newFromFile(t *testing.T) operators.Adapter {
	path := filepath.Join(t.TempDir(), "subscribers.json")
	require.NoError(t, os.WriteFile(path, operatorstest.Subscribers, 0o600))
	raw, err := json.Marshal(example.Options{File: path})
	require.NoError(t, err)
	a, err := operators.New(example.TypeName, "from-file", raw, operators.Deps{})
	require.NoError(t, err)
	return a
}

func TestExampleAdapterConformance(t *testing.T) {
	operatorstest.RunAdapterTests(t, newFromFile)
}

func TestExampleAdapterOptions(t *testing.T) {
	for _, raw := range []string{``, `{}`, `{"file": ""}`, `{"path": "x.json"}`, `{"file": "/does/not/exist.json"}`} {
		_, err := operators.New(example.TypeName, "bad", json.RawMessage(raw), operators.Deps{})
		require.Error(t, err, "options %s", raw)
	}
	bad := filepath.Join(t.TempDir(), "bad.json")
	require.NoError(t, os.WriteFile(bad, []byte(`{"subscribers": [{"phoneNumber": "1"}]}`), 0o600))
	_, err := operators.New(example.TypeName, "bad", json.RawMessage(`{"file": "`+bad+`"}`), operators.Deps{})
	require.ErrorContains(t, err, "phoneNumber")
}
