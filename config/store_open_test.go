package config_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kycgate/kycgate/config"
	"github.com/kycgate/kycgate/store"
	_ "github.com/kycgate/kycgate/store/postgres"
	"github.com/kycgate/kycgate/store/postgres/pgtest"
	_ "github.com/kycgate/kycgate/store/sqlite"
)

// openConfigured parses yaml and opens the store it configures, closing it
// when the test ends.
func openConfigured(t *testing.T, yaml string) store.Store {
	t.Helper()
	cfg, err := config.Parse([]byte(yaml), os.LookupEnv)
	require.NoError(t, err)
	st, err := store.Open(context.Background(), cfg.Store.Type, cfg.Store.Options)
	require.NoError(t, err)
	t.Cleanup(func() { _ = st.Close() })
	return st
}

func TestDefaultStoreOpensSQLiteAtItsDefaultPath(t *testing.T) {
	t.Chdir(t.TempDir())
	openConfigured(t, "")
	_, err := os.Stat(filepath.Join("data", "kycgate.db"))
	assert.NoError(t, err)
}

func TestPostgresWithoutOptionsOpens(t *testing.T) {
	dsn := pgtest.DSN(t)
	schema := pgtest.FreshSchema(t, dsn, "kgt_cfg_")
	// No options: the backend reads its default variable; the schema
	// travels in the connection string.
	t.Setenv("KYCGATE_POSTGRES_DSN", dsn+" search_path="+schema)
	st := openConfigured(t, "store: {type: postgres}")
	require.NoError(t, st.Ping(context.Background()))
}
