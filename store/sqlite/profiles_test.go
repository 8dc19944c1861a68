package sqlite

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestProfileQueriesUseIndexes checks that the profile searches, run on
// every risk assessment, read their partial indexes instead of scanning
// the table.
func TestProfileQueriesUseIndexes(t *testing.T) {
	s, err := Open(context.Background(), filepath.Join(t.TempDir(), "plan.db"))
	require.NoError(t, err)
	t.Cleanup(func() { s.Close() })
	tests := []struct {
		name  string
		query string
		args  []any
		index string
	}{
		{"records of a profile", profileRecordsQuery, []any{"US|PASSPORT|1"}, "profile_records_profile"},
		{"records of an e-mail", profileRecordsByEmailQuery, []any{"a@example.com", "2025"}, "profile_records_email"},
		{"faces after a cursor", profileFacesQuery, []any{0, 10}, "profile_records_face"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			rows, err := s.read.QueryContext(context.Background(), "EXPLAIN QUERY PLAN "+tc.query, tc.args...)
			require.NoError(t, err)
			defer rows.Close()
			var plan []string
			for rows.Next() {
				var id, parent, unused int
				var detail string
				require.NoError(t, rows.Scan(&id, &parent, &unused, &detail))
				plan = append(plan, detail)
			}
			require.NoError(t, rows.Err())
			assert.Contains(t, strings.Join(plan, "\n"), "INDEX "+tc.index)
		})
	}
}
