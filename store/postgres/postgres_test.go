package postgres

import (
	"context"
	"encoding/json"
	"io/fs"
	"os"
	"path"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kycgate/kycgate/kycmatch"
	"github.com/kycgate/kycgate/store"
	"github.com/kycgate/kycgate/store/postgres/pgtest"
	"github.com/kycgate/kycgate/store/storetest"
)

func TestConformance(t *testing.T) {
	dsn := pgtest.DSN(t)
	storetest.RunTests(t, func(t *testing.T) store.Store {
		return openIn(t, dsn, pgtest.FreshSchema(t, dsn, "kgt_"))
	})
}

func TestOpenThroughRegistry(t *testing.T) {
	dsn := pgtest.DSN(t)
	schema := pgtest.FreshSchema(t, dsn, "kgt_")
	assert.Contains(t, store.Types(), TypeName)
	t.Setenv("KYCGATE_TEST_REGISTRY_DSN", dsn)
	options := json.RawMessage(`{"dsn_env":"KYCGATE_TEST_REGISTRY_DSN","max_conns":1,"schema":"` + schema + `"}`)
	s, err := store.Open(context.Background(), TypeName, options)
	require.NoError(t, err)
	defer s.Close()
	require.NoError(t, s.Ping(context.Background()))
	require.NoError(t, s.UpsertSubscribers(context.Background(),
		[]kycmatch.Subscriber{{PhoneNumber: "+34629255833", LineType: kycmatch.LineMobile}}))
	assert.Equal(t, int32(1), s.(*Store).pool.Config().MaxConns, "max_conns sizes the pool; one connection is enough to migrate")
}

// appliedVersions returns how many times each migration version is
// recorded in schema's version table.
func appliedVersions(t *testing.T, dsn, schema string) map[int64]int {
	t.Helper()
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, dsn)
	require.NoError(t, err)
	defer func() { _ = conn.Close(ctx) }()
	rows, err := conn.Query(ctx, `SELECT version_id, count(*) FROM `+schema+`.`+versionTable+
		` WHERE version_id > 0 AND is_applied GROUP BY version_id`)
	require.NoError(t, err)
	out := map[int64]int{}
	for rows.Next() {
		var v, n int64
		require.NoError(t, rows.Scan(&v, &n))
		out[v] = int(n)
	}
	require.NoError(t, rows.Err())
	return out
}

// embeddedVersions lists the versions of the embedded migrations.
func embeddedVersions(t *testing.T) []int64 {
	t.Helper()
	names, err := fs.Glob(migrationFiles, "migrations/*.sql")
	require.NoError(t, err)
	var out []int64
	for _, n := range names {
		var v int64
		for _, c := range strings.SplitN(path.Base(n), "_", 2)[0] {
			v = v*10 + int64(c-'0')
		}
		out = append(out, v)
	}
	return out
}

func TestConcurrentOpenMigratesOnce(t *testing.T) {
	dsn := pgtest.DSN(t)
	schema := pgtest.FreshSchema(t, dsn, "kgt_")
	const replicaCount = 6
	var wg sync.WaitGroup
	errs := make([]error, replicaCount)
	stores := make([]*Store, replicaCount)
	for i := range replicaCount {
		wg.Go(func() {
			stores[i], errs[i] = Open(context.Background(), Config{DSN: dsn, Schema: schema, MaxConns: 2})
		})
	}
	wg.Wait()
	for i, err := range errs {
		require.NoError(t, err, "replica %d", i)
		defer stores[i].Close()
	}
	applied := appliedVersions(t, dsn, schema)
	want := map[int64]int{}
	for _, v := range embeddedVersions(t) {
		want[v] = 1
	}
	assert.Equal(t, want, applied, "every migration is applied exactly once")
	for i, s := range stores {
		require.NoError(t, s.UpsertSubscribers(context.Background(), []kycmatch.Subscriber{
			{PhoneNumber: "+3460000000" + string(rune('0'+i)), LineType: kycmatch.LineMobile}}), "replica %d writes", i)
	}
}

func TestReopenKeepsDataAndSkipsMigrations(t *testing.T) {
	dsn := pgtest.DSN(t)
	schema := pgtest.FreshSchema(t, dsn, "kgt_")
	ctx := context.Background()
	sub := kycmatch.Subscriber{PhoneNumber: "+34629255833", LineType: kycmatch.LineMobile,
		Attributes: map[string]string{"givenName": "Federica"}}
	first := openIn(t, dsn, schema)
	require.NoError(t, first.UpsertSubscribers(ctx, []kycmatch.Subscriber{sub}))
	require.NoError(t, first.Close())

	second := openIn(t, dsn, schema)
	got, err := second.GetSubscriber(ctx, sub.PhoneNumber)
	require.NoError(t, err)
	assert.Equal(t, sub.Attributes, got.Attributes)
	for v, n := range appliedVersions(t, dsn, schema) {
		assert.Equal(t, 1, n, "migration %d recorded once after reopening", v)
	}
}

func TestRefusesNewerSchema(t *testing.T) {
	dsn := pgtest.DSN(t)
	schema := pgtest.FreshSchema(t, dsn, "kgt_")
	openIn(t, dsn, schema).Close()
	pgtest.Exec(t, dsn, `INSERT INTO `+schema+`.`+versionTable+` (version_id, is_applied) VALUES (99999, true)`)
	_, err := Open(context.Background(), Config{DSN: dsn, Schema: schema})
	require.Error(t, err)
	assert.Contains(t, err.Error(), "version 99999")
	assert.Contains(t, err.Error(), "run a newer kycgate")
}

func TestMigrationsGoDownAndUpAgain(t *testing.T) {
	dsn := pgtest.DSN(t)
	schema := pgtest.FreshSchema(t, dsn, "kgt_")
	s := openIn(t, dsn, schema)
	ctx := context.Background()
	provider, db, err := newProvider(s.pool, migrationFiles)
	require.NoError(t, err)
	defer db.Close()
	_, err = provider.DownTo(ctx, 0)
	require.NoError(t, err, "every migration can be rolled back")
	require.NoError(t, migrate(ctx, s.pool, migrationFiles), "and applied again")
	require.NoError(t, s.UpsertSubscribers(ctx, []kycmatch.Subscriber{{PhoneNumber: "+1", LineType: kycmatch.LineMobile}}))
}

func TestOpenRefusesMissingSchema(t *testing.T) {
	dsn := pgtest.DSN(t)
	_, err := Open(context.Background(), Config{DSN: dsn, Schema: "kgt_does_not_exist"})
	require.Error(t, err)
	assert.Contains(t, err.Error(), `schema "kgt_does_not_exist" does not exist`)
}

// TestMigrationsMirrorSQLite keeps the two backends' schemas in step: every
// SQLite migration has a PostgreSQL twin of the same file name.
func TestMigrationsMirrorSQLite(t *testing.T) {
	sqliteDir := "../sqlite/migrations"
	entries, err := os.ReadDir(sqliteDir)
	if os.IsNotExist(err) {
		t.Skip("the SQLite migrations are not beside this package")
	}
	require.NoError(t, err)
	var want []string
	for _, e := range entries {
		if strings.HasSuffix(e.Name(), ".sql") {
			want = append(want, e.Name())
		}
	}
	names, err := fs.Glob(migrationFiles, "migrations/*.sql")
	require.NoError(t, err)
	var got []string
	for _, n := range names {
		got = append(got, path.Base(n))
	}
	sort.Strings(want)
	sort.Strings(got)
	assert.Equal(t, want, got)
}

func TestOptions(t *testing.T) {
	tests := []struct {
		name    string
		options string
		env     map[string]string
		wantErr string
	}{
		{"dsn in the file", `{"dsn":"postgres://u:pw@h/db"}`, nil, `"dsn" is not allowed`},
		{"url in the file", `{"url":"postgres://h/db"}`, nil, `"url" is not allowed`},
		{"unknown key", `{"dsn_env":"X","pool":3}`, nil, `unknown field "pool"`},
		{"not an object", `[1]`, nil, "postgres store options"},
		{"trailing content", `{"dsn_env":"X"} {}`, nil, "unexpected content"},
		{"default variable unset", `{}`, map[string]string{DefaultDSNEnv: ""}, DefaultDSNEnv + " that holds the connection string is empty"},
		{"named variable unset", `{"dsn_env":"KYCGATE_TEST_UNSET_DSN"}`, nil, "KYCGATE_TEST_UNSET_DSN that holds"},
		{"negative max_conns", `{"dsn_env":"KYCGATE_TEST_OPT_DSN","max_conns":-1}`,
			map[string]string{"KYCGATE_TEST_OPT_DSN": "host=/nowhere"}, "max_conns must be between 0 and 1000"},
		{"bad schema", `{"dsn_env":"KYCGATE_TEST_OPT_DSN","schema":"Kyc; DROP"}`,
			map[string]string{"KYCGATE_TEST_OPT_DSN": "host=/nowhere"}, "must be a lower-case identifier"},
		{"unparsable dsn", `{"dsn_env":"KYCGATE_TEST_OPT_DSN"}`,
			map[string]string{"KYCGATE_TEST_OPT_DSN": "postgres://kyc:s3cretpw@db:notaport/kycgate"}, "connection string cannot be parsed"},
		{"neither a URL nor key=value pairs", `{"dsn_env":"KYCGATE_TEST_OPT_DSN"}`,
			map[string]string{"KYCGATE_TEST_OPT_DSN": "s3cretpw"}, "connection string cannot be parsed"},
		{"password with a space", `{"dsn_env":"KYCGATE_TEST_OPT_DSN"}`,
			map[string]string{"KYCGATE_TEST_OPT_DSN": "host=h password=xx s3cretpw port=abc"}, "connection string cannot be parsed"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for k, v := range tt.env {
				t.Setenv(k, v)
			}
			_, err := openFromOptions(context.Background(), json.RawMessage(tt.options))
			require.Error(t, err)
			assert.Contains(t, err.Error(), tt.wantErr)
			assert.NotContains(t, err.Error(), "s3cretpw", "the password never appears in an error")
		})
	}
}

func TestPoolConfigSetsSchemaAndApplicationName(t *testing.T) {
	pc, err := poolConfig(Config{DSN: "host=/tmp user=kyc dbname=kycgate", MaxConns: 7, Schema: "kycgate"})
	require.NoError(t, err)
	assert.Equal(t, int32(7), pc.MaxConns)
	assert.Equal(t, "kycgate", pc.ConnConfig.RuntimeParams["search_path"])
	assert.Equal(t, "kycgate", pc.ConnConfig.RuntimeParams["application_name"])

	pc, err = poolConfig(Config{DSN: "host=/tmp application_name=replica-2"})
	require.NoError(t, err)
	assert.Equal(t, "replica-2", pc.ConnConfig.RuntimeParams["application_name"], "the DSN's own name is kept")
	assert.Empty(t, pc.ConnConfig.RuntimeParams["search_path"])
}
