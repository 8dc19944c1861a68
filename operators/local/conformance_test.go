package local_test

import (
	"bytes"
	"context"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/kycgate/kycgate/operators"
	"github.com/kycgate/kycgate/operators/local"
	"github.com/kycgate/kycgate/operators/operatorstest"
	"github.com/kycgate/kycgate/store/sqlite"
)

func TestLocalAdapterConformance(t *testing.T) {
	operatorstest.RunAdapterTests(t, func(t *testing.T) operators.Adapter {
		st, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "kycgate.db"))
		require.NoError(t, err)
		t.Cleanup(func() { _ = st.Close() })
		_, err = local.Import(context.Background(), st, bytes.NewReader(operatorstest.Subscribers))
		require.NoError(t, err)
		return local.NewAdapter("conformance", st, local.DefaultOptions())
	})
}
