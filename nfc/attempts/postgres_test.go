package attempts

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/kycgate/kycgate/store"
	"github.com/kycgate/kycgate/store/postgres"
	"github.com/kycgate/kycgate/store/postgres/pgtest"
)

// postgresReplicas opens two stores, each with its own pool, on a fresh
// schema of the database named by KYCGATE_TEST_POSTGRES_DSN, or skips.
func postgresReplicas(t *testing.T) [2]store.Counters {
	dsn := pgtest.DSN(t)
	schema := pgtest.FreshSchema(t, dsn, "kgt_attempts_")
	var out [2]store.Counters
	for i := range out {
		s, err := postgres.Open(context.Background(), postgres.Config{DSN: dsn, Schema: schema, MaxConns: 8})
		require.NoError(t, err)
		t.Cleanup(func() { _ = s.Close() })
		out[i] = s
	}
	return out
}
