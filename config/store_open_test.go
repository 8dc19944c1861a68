package config_test

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kycgate/kycgate/config"
	"github.com/kycgate/kycgate/store"
	_ "github.com/kycgate/kycgate/store/postgres"
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
	dsn := os.Getenv("KYCGATE_TEST_POSTGRES_DSN")
	if dsn == "" {
		t.Skip("KYCGATE_TEST_POSTGRES_DSN not set")
	}
	schema := throwAwaySchema(t, dsn)
	// No options: the backend reads its default variable; the schema
	// travels in the connection string.
	t.Setenv("KYCGATE_POSTGRES_DSN", dsn+" search_path="+schema)
	st := openConfigured(t, "store: {type: postgres}")
	require.NoError(t, st.Ping(context.Background()))
}

// throwAwaySchema creates an empty schema in the test database and drops
// it when the test ends.
func throwAwaySchema(t *testing.T, dsn string) string {
	t.Helper()
	var b [8]byte
	_, _ = rand.Read(b[:])
	name := "kgt_cfg_" + hex.EncodeToString(b[:])
	exec := func(sql string) {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		conn, err := pgx.Connect(ctx, dsn)
		require.NoError(t, err)
		defer func() { _ = conn.Close(context.Background()) }()
		_, err = conn.Exec(ctx, sql)
		require.NoError(t, err)
	}
	exec("CREATE SCHEMA " + name)
	t.Cleanup(func() { exec("DROP SCHEMA " + name + " CASCADE") })
	return name
}
