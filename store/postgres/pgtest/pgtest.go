// Package pgtest gives tests a throw-away schema in the PostgreSQL test
// database named by KYCGATE_TEST_POSTGRES_DSN. Tests that need PostgreSQL
// skip when the variable is unset; .ci/run starts a cluster and sets it, so
// CI always runs them.
package pgtest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"os"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/require"
)

// DSNEnv names the variable holding the test database's connection string.
const DSNEnv = "KYCGATE_TEST_POSTGRES_DSN"

// DSN returns the test database's connection string, or skips t.
func DSN(t testing.TB) string {
	t.Helper()
	dsn := os.Getenv(DSNEnv)
	if dsn == "" {
		t.Skip(DSNEnv + " not set: PostgreSQL tests skipped (.ci/run sets it)")
	}
	return dsn
}

// Exec runs one statement on a connection of its own.
func Exec(t testing.TB, dsn, sql string, args ...any) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	conn, err := pgx.Connect(ctx, dsn)
	require.NoError(t, err)
	defer func() { _ = conn.Close(context.Background()) }()
	_, err = conn.Exec(ctx, sql, args...)
	require.NoError(t, err)
}

// FreshSchema creates an empty schema named prefix plus a random suffix
// and drops it, with everything in it, when the test ends.
func FreshSchema(t testing.TB, dsn, prefix string) string {
	t.Helper()
	var b [8]byte
	_, err := rand.Read(b[:])
	require.NoError(t, err)
	name := prefix + hex.EncodeToString(b[:])
	Exec(t, dsn, "CREATE SCHEMA "+name)
	t.Cleanup(func() { Exec(t, dsn, "DROP SCHEMA "+name+" CASCADE") })
	return name
}
