package postgres

import (
	"context"
	"testing"

	"github.com/kycgate/kycgate/store/postgres/pgtest"
	"github.com/stretchr/testify/require"
)

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
	dsn := pgtest.DSN(t)
	schema := pgtest.FreshSchema(t, dsn, "kgt_")
	out := make([]*Store, n)
	for i := range out {
		out[i] = openIn(t, dsn, schema)
	}
	return out
}
