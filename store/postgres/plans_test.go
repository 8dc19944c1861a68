package postgres

import (
	"context"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestQueriesUseIndexes checks that the hot queries can use their indexes
// in the generic plan PostgreSQL caches for a prepared statement, where the
// parameters are unknown (a partial index whose predicate the query does
// not imply would silently turn into a full scan once the table grows).
func TestQueriesUseIndexes(t *testing.T) {
	s := replicas(t, 1)[0]
	ctx := context.Background()
	conn, err := s.pool.Acquire(ctx)
	require.NoError(t, err)
	defer conn.Release()
	for _, set := range []string{"SET plan_cache_mode = force_generic_plan", "SET enable_seqscan = off"} {
		_, err := conn.Exec(ctx, set)
		require.NoError(t, err)
	}
	defer func() { _, _ = conn.Exec(ctx, "RESET ALL") }()

	tests := []struct {
		name, query, params string
		indexes             []string
	}{
		{"claim events", claimEvents, "(now(), 10, now())", []string{"webhook_events_due", "webhook_events_pkey"}},
		{"claim jobs", claimVerificationJobs, "(now(), 10, now(), now())", []string{"verifications_job", "verifications_pkey"}},
		{"live nfc code", selectNFCLiveByCode, "('E4mY')", []string{"nfc_sessions_live_code"}},
		{"due nfc sessions", selectNFCDue, "(now(), 10)", []string{"nfc_sessions_due"}},
		{"profile records", profileRecordsQuery, "('FR|PASSPORT|X')", []string{"profile_records_profile"}},
		{"records by email", profileRecordsByEmailQuery, "('a@example.com', now())", []string{"profile_records_email"}},
		{"profile faces", profileFacesQuery, "(0, 10)", []string{"profile_records_face"}},
		{"outbox depth", countPending, "", []string{"webhook_events_due"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := conn.Exec(ctx, "PREPARE plan_check AS "+tt.query)
			require.NoError(t, err)
			defer func() { _, _ = conn.Exec(ctx, "DEALLOCATE plan_check") }()
			rows, err := conn.Query(ctx, "EXPLAIN EXECUTE plan_check"+tt.params)
			require.NoError(t, err)
			var lines []string
			for rows.Next() {
				var line string
				require.NoError(t, rows.Scan(&line))
				lines = append(lines, line)
			}
			require.NoError(t, rows.Err())
			plan := strings.Join(lines, "\n")
			assert.NotContains(t, plan, "Seq Scan", plan)
			for _, index := range tt.indexes {
				assert.Contains(t, plan, " "+index+" ", plan)
			}
		})
	}
}
