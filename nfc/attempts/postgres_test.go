package attempts

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"os"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/require"

	"github.com/kycgate/kycgate/store"
	"github.com/kycgate/kycgate/store/postgres"
)

// postgresReplicas opens two stores, each with its own pool, on a fresh
// schema of the database named by KYCGATE_TEST_POSTGRES_DSN, or skips.
func postgresReplicas(t *testing.T) [2]store.Counters {
	dsn := os.Getenv("KYCGATE_TEST_POSTGRES_DSN")
	if dsn == "" {
		t.Skip("KYCGATE_TEST_POSTGRES_DSN not set")
	}
	var b [8]byte
	_, err := rand.Read(b[:])
	require.NoError(t, err)
	schema := "kgt_attempts_" + hex.EncodeToString(b[:])
	exec(t, dsn, "CREATE SCHEMA "+schema)
	t.Cleanup(func() { exec(t, dsn, "DROP SCHEMA "+schema+" CASCADE") })
	var out [2]store.Counters
	for i := range out {
		s, err := postgres.Open(context.Background(), postgres.Config{DSN: dsn, Schema: schema, MaxConns: 8})
		require.NoError(t, err)
		t.Cleanup(func() { _ = s.Close() })
		out[i] = s
	}
	return out
}

// exec runs one statement on a connection of its own.
func exec(t *testing.T, dsn, sql string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	conn, err := pgx.Connect(ctx, dsn)
	require.NoError(t, err)
	defer func() { _ = conn.Close(context.Background()) }()
	_, err = conn.Exec(ctx, sql)
	require.NoError(t, err)
}
