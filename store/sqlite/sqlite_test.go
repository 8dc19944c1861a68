package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
	"testing/fstest"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kycgate/kycgate/kycmatch"
	"github.com/kycgate/kycgate/store"
	"github.com/kycgate/kycgate/store/storetest"
)

func TestConformance(t *testing.T) {
	storetest.RunTests(t, func(t *testing.T) store.Store {
		s, err := Open(context.Background(), filepath.Join(t.TempDir(), "kycgate.db"))
		require.NoError(t, err)
		return s
	})
}

func TestConformanceSharedPool(t *testing.T) {
	storetest.RunTests(t, func(t *testing.T) store.Store {
		s, err := open(context.Background(), filepath.Join(t.TempDir(), "kycgate.db"), sharedPool)
		require.NoError(t, err)
		return s
	})
}

func TestReopenKeepsDataAndSkipsMigrations(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "kycgate.db")
	sub := kycmatch.Subscriber{PhoneNumber: "+34629255833", LineType: kycmatch.LineMobile,
		Attributes: map[string]string{"givenName": "Federica"}}

	first, err := Open(ctx, path)
	require.NoError(t, err)
	require.NoError(t, first.UpsertSubscribers(ctx, []kycmatch.Subscriber{sub}))
	appliedBefore := appliedMigrations(t, first.read)
	require.NoError(t, first.Close())

	second, err := Open(ctx, path)
	require.NoError(t, err)
	defer second.Close()
	got, err := second.GetSubscriber(ctx, sub.PhoneNumber)
	require.NoError(t, err)
	assert.Equal(t, sub.Attributes, got.Attributes)
	assert.Equal(t, appliedBefore, appliedMigrations(t, second.read), "reopening must not re-run migrations")

	all, err := loadMigrations(migrationFiles)
	require.NoError(t, err)
	assert.Len(t, appliedBefore, len(all), "every embedded migration is recorded once")
}

// appliedMigrations returns version → applied_at of every recorded migration.
func appliedMigrations(t *testing.T, db *sql.DB) map[int]string {
	rows, err := db.Query(`SELECT version, applied_at FROM schema_migrations`)
	require.NoError(t, err)
	defer rows.Close()
	out := map[int]string{}
	for rows.Next() {
		var v int
		var at string
		require.NoError(t, rows.Scan(&v, &at))
		out[v] = at
	}
	require.NoError(t, rows.Err())
	return out
}

func TestMigrate(t *testing.T) {
	good := fstest.MapFS{
		"migrations/0001_a.sql": {Data: []byte(`CREATE TABLE a (x TEXT); CREATE TABLE a2 (y TEXT);`)},
		"migrations/0002_b.sql": {Data: []byte(`CREATE TABLE b (x TEXT);`)},
	}
	tests := []struct {
		name    string
		files   fstest.MapFS
		wantErr string
		tables  []string
		version int
	}{
		{name: "applies all in order", files: good, tables: []string{"a", "a2", "b"}, version: 2},
		{name: "no migrations", files: fstest.MapFS{}, version: 0},
		{
			name:    "bad file name",
			files:   fstest.MapFS{"migrations/first.sql": {Data: []byte(`SELECT 1`)}},
			wantErr: "not named NNNN_description.sql",
		},
		{
			name: "duplicate version",
			files: fstest.MapFS{
				"migrations/0001_a.sql": {Data: []byte(`SELECT 1`)},
				"migrations/1_b.sql":    {Data: []byte(`SELECT 1`)},
			},
			wantErr: "share version 1",
		},
		{
			name: "failing migration leaves no trace",
			files: fstest.MapFS{
				"migrations/0001_a.sql": {Data: []byte(`CREATE TABLE a (x TEXT);`)},
				"migrations/0002_b.sql": {Data: []byte(`CREATE TABLE b (x TEXT); THIS IS NOT SQL;`)},
			},
			wantErr: "migration 0002_b.sql",
			tables:  []string{"a"},
			version: 1,
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ctx := context.Background()
			db := rawPool(t)
			err := migrate(ctx, db, tc.files)
			if tc.wantErr != "" {
				require.ErrorContains(t, err, tc.wantErr)
			} else {
				require.NoError(t, err)
			}
			if tc.wantErr == "" || tc.tables != nil {
				assert.ElementsMatch(t, tc.tables, userTables(t, db))
				v, err := schemaVersion(ctx, db)
				require.NoError(t, err)
				assert.Equal(t, tc.version, v)
			}
		})
	}
}

func TestMigrateIsIdempotent(t *testing.T) {
	ctx := context.Background()
	db := rawPool(t)
	files := fstest.MapFS{"migrations/0001_a.sql": {Data: []byte(`CREATE TABLE a (x TEXT);`)}}
	require.NoError(t, migrate(ctx, db, files))
	// Running a CREATE TABLE twice would fail, so success proves it was skipped.
	require.NoError(t, migrate(ctx, db, files))
	assert.Len(t, appliedMigrations(t, db), 1)
}

func TestOpenRefusesNewerDatabase(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "kycgate.db")
	s, err := Open(ctx, path)
	require.NoError(t, err)
	_, err = s.write.Exec(`INSERT INTO schema_migrations (version, name, applied_at) VALUES (9999, '9999_future.sql', '2099-01-01T00:00:00.000000Z')`)
	require.NoError(t, err)
	require.NoError(t, s.Close())

	_, err = Open(ctx, path)
	require.ErrorContains(t, err, "schema is at version 9999")
	assert.ErrorContains(t, err, "run a newer kycgate")
}

func TestOpenPaths(t *testing.T) {
	dir := t.TempDir()
	tests := []struct {
		name    string
		path    string
		wantErr string
	}{
		{name: "empty", path: "", wantErr: "options.path is required"},
		{name: "memory", path: ":memory:", wantErr: "must be a file path"},
		{name: "uri", path: "file:" + filepath.Join(dir, "x.db"), wantErr: "must be a file path"},
		{name: "query", path: filepath.Join(dir, "x.db?mode=ro"), wantErr: "must not contain '?'"},
		{name: "parent is a file", path: filepath.Join(dir, "file", "x.db"), wantErr: "create directory"},
	}
	require.NoError(t, os.WriteFile(filepath.Join(dir, "file"), nil, 0o600))
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Open(context.Background(), tc.path)
			require.ErrorContains(t, err, tc.wantErr)
		})
	}
}

func TestOpenCreatesPrivateFiles(t *testing.T) {
	path := filepath.Join(t.TempDir(), "nested", "data", "kycgate.db")
	s, err := Open(context.Background(), path)
	require.NoError(t, err)
	defer s.Close()

	dirInfo, err := os.Stat(filepath.Dir(path))
	require.NoError(t, err)
	assert.Equal(t, os.FileMode(0o700), dirInfo.Mode().Perm())
	for _, name := range []string{path, path + "-wal"} {
		info, err := os.Stat(name)
		require.NoError(t, err)
		assert.Equal(t, os.FileMode(0o600), info.Mode().Perm(), name)
	}
}

func TestPragmas(t *testing.T) {
	s, err := Open(context.Background(), filepath.Join(t.TempDir(), "kycgate.db"))
	require.NoError(t, err)
	defer s.Close()
	tests := []struct {
		pragma string
		want   string
	}{
		{"journal_mode", "wal"},
		{"foreign_keys", "1"},
		{"synchronous", "1"}, // NORMAL
		{"busy_timeout", "5000"},
	}
	for _, db := range map[string]*sql.DB{"write": s.write, "read": s.read} {
		for _, tc := range tests {
			var got string
			require.NoError(t, db.QueryRow("PRAGMA "+tc.pragma).Scan(&got))
			assert.Equal(t, tc.want, got, tc.pragma)
		}
	}
	_, err = s.read.Exec(`DELETE FROM subscribers`)
	assert.Error(t, err, "the read pool must refuse writes")
}

func TestRegisteredOpener(t *testing.T) {
	assert.Contains(t, store.Types(), TypeName)
	path := filepath.Join(t.TempDir(), "kycgate.db")
	tests := []struct {
		name    string
		options string
		wantErr string
	}{
		{name: "path", options: `{"path": ` + quote(t, path) + `}`},
		{name: "unknown key", options: `{"path": "x.db", "pth": "y.db"}`, wantErr: `unknown field "pth"`},
		{name: "wrong type", options: `{"path": 1}`, wantErr: "sqlite store options"},
		{name: "trailing content", options: `{"path": "x.db"} {}`, wantErr: "unexpected content"},
		{name: "no options", options: ``, wantErr: "options.path is required"},
		{name: "null options", options: `null`, wantErr: "options.path is required"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s, err := store.Open(context.Background(), TypeName, json.RawMessage(tc.options))
			if tc.wantErr != "" {
				require.ErrorContains(t, err, tc.wantErr)
				return
			}
			require.NoError(t, err)
			require.NoError(t, s.Ping(context.Background()))
			require.NoError(t, s.Close())
		})
	}
}

func quote(t *testing.T, s string) string {
	b, err := json.Marshal(s)
	require.NoError(t, err)
	return string(b)
}

// rawPool is a single-connection pool on a fresh file, for migration tests.
func rawPool(t *testing.T) *sql.DB {
	db, err := openPool(context.Background(), filepath.Join(t.TempDir(), "m.db"), writeParams, 1)
	require.NoError(t, err)
	t.Cleanup(func() { _ = db.Close() })
	return db
}

func userTables(t *testing.T, db *sql.DB) []string {
	rows, err := db.Query(`SELECT name FROM sqlite_master WHERE type = 'table' AND name <> 'schema_migrations' ORDER BY name`)
	require.NoError(t, err)
	defer rows.Close()
	var out []string
	for rows.Next() {
		var name string
		require.NoError(t, rows.Scan(&name))
		out = append(out, name)
	}
	require.NoError(t, rows.Err())
	return out
}

func TestUpsertErrorNamesPositionNotValue(t *testing.T) {
	ctx := context.Background()
	s, err := Open(ctx, filepath.Join(t.TempDir(), "kycgate.db"))
	require.NoError(t, err)
	defer s.Close()
	batch := []kycmatch.Subscriber{
		{PhoneNumber: "+34629255833", LineType: kycmatch.LineMobile},
		{PhoneNumber: "+34629255834", LineType: ""},
	}
	err = s.UpsertSubscribers(ctx, batch)
	require.ErrorContains(t, err, "subscriber 2 of 2")
	assert.ErrorContains(t, err, "CHECK constraint failed")
	assert.NotContains(t, err.Error(), "629255834")
}
