package postgres

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

// testDSNEnv names the variable holding the test database's connection
// string; .ci/run starts a throw-away cluster and sets it.
const testDSNEnv = "KYCGATE_TEST_POSTGRES_DSN"

// testDSN returns the test database's connection string or skips the test.
func testDSN(t *testing.T) string {
	t.Helper()
	dsn := os.Getenv(testDSNEnv)
	if dsn == "" {
		t.Skip(testDSNEnv + " not set")
	}
	return dsn
}

// admin runs one statement on a connection of its own.
func admin(t *testing.T, dsn, sql string, args ...any) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	conn, err := pgx.Connect(ctx, dsn)
	require.NoError(t, err)
	defer func() { _ = conn.Close(context.Background()) }()
	_, err = conn.Exec(ctx, sql, args...)
	require.NoError(t, err)
}

// freshSchema creates an empty schema with a random name in the test
// database and drops it, with everything in it, when the test ends.
func freshSchema(t *testing.T, dsn string) string {
	t.Helper()
	var b [8]byte
	_, err := rand.Read(b[:])
	require.NoError(t, err)
	name := "kgt_" + hex.EncodeToString(b[:])
	admin(t, dsn, "CREATE SCHEMA "+name)
	t.Cleanup(func() { admin(t, dsn, "DROP SCHEMA "+name+" CASCADE") })
	return name
}

// openIn opens a store on schema and closes it when the test ends.
// Closing twice is harmless, so tests may close it earlier.
func openIn(t *testing.T, dsn, schema string) *Store {
	t.Helper()
	s, err := Open(context.Background(), Config{DSN: dsn, Schema: schema, MaxConns: 8})
	require.NoError(t, err)
	t.Cleanup(func() { _ = s.Close() })
	return s
}

// replicas opens n stores, each with a pool of its own as separate gateway
// processes would have, on one fresh schema.
func replicas(t *testing.T, n int) []*Store {
	t.Helper()
	dsn := testDSN(t)
	schema := freshSchema(t, dsn)
	out := make([]*Store, n)
	for i := range out {
		out[i] = openIn(t, dsn, schema)
	}
	return out
}
