package postgres

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"hash/fnv"
	"io/fs"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/jackc/pgx/v5/stdlib"
	"github.com/pressly/goose/v3"
)

// migrationFiles holds the schema, one numbered goose file per change, each
// the twin of the SQLite migration with the same number.
//
//go:embed migrations/*.sql
var migrationFiles embed.FS

// versionTable is the goose table recording the applied migrations; it
// lives in the store's schema.
const versionTable = "kycgate_schema_migrations"

// lockWait bounds how long Open waits for another replica's migration run.
const lockWait = 5 * time.Minute

// migrate applies the pending migrations of files (a tree holding a
// migrations/ folder) while holding an advisory lock private to the current
// schema; a schema newer than files know is refused before anything is
// applied. The lock is taken before goose looks at the database at all, so
// replicas starting together on a new database do not race to create
// goose's version table either: the first applies everything, the others
// find nothing to do.
func migrate(ctx context.Context, pool *pgxpool.Pool, files fs.FS) error {
	provider, db, err := newProvider(pool, files)
	if err != nil {
		return err
	}
	defer func() { _ = db.Close() }()
	schema, err := currentSchema(ctx, pool)
	if err != nil {
		return err
	}
	return withMigrationLock(ctx, pool.Config().ConnConfig, migrationLockKey(schema), func() error {
		if err := checkNotNewer(ctx, provider); err != nil {
			return err
		}
		if _, err := provider.Up(ctx); err != nil {
			return fmt.Errorf("postgres store: migrate: %w", err)
		}
		return nil
	})
}

// currentSchema returns the schema new tables are created in.
func currentSchema(ctx context.Context, pool *pgxpool.Pool) (string, error) {
	var schema *string
	if err := pool.QueryRow(ctx, `SELECT current_schema()`).Scan(&schema); err != nil {
		return "", fmt.Errorf("postgres store: read current schema: %w", err)
	}
	if schema == nil {
		return "", errors.New("postgres store: no schema to create the tables in; set options.schema or the search_path")
	}
	return *schema, nil
}

// withMigrationLock runs fn while holding the session-level advisory lock
// key on a connection of its own, outside the pool so that a pool of one
// connection cannot deadlock. pg_advisory_lock waits inside PostgreSQL and
// is granted the moment the holder releases it (or its session ends, should
// its process die), so each waiting replica waits only for the migration
// run itself, at most lockWait.
func withMigrationLock(ctx context.Context, cfg *pgx.ConnConfig, key int64, fn func() error) error {
	conn, err := pgx.ConnectConfig(ctx, cfg)
	if err != nil {
		return fmt.Errorf("postgres store: connect for the migration lock: %w", err)
	}
	// Closing the session releases the lock should the unlock below fail.
	defer func() { _ = conn.Close(context.WithoutCancel(ctx)) }()
	wait, cancel := context.WithTimeout(ctx, lockWait)
	defer cancel()
	if _, err := conn.Exec(wait, `SELECT pg_advisory_lock($1)`, key); err != nil {
		return fmt.Errorf("postgres store: wait for the migration lock: %w", err)
	}
	runErr := fn()
	var released bool
	err = conn.QueryRow(context.WithoutCancel(ctx), `SELECT pg_advisory_unlock($1)`, key).Scan(&released)
	if err == nil && !released {
		err = errors.New("the session did not hold it")
	}
	if err != nil {
		err = fmt.Errorf("postgres store: release the migration lock: %w", err)
	}
	return errors.Join(runErr, err)
}

// newProvider returns a goose provider for the migrations of files on the
// pool's current schema, and the database/sql handle it runs on, which the
// caller closes (the pool stays open). The provider takes no lock of its
// own: callers that apply migrations hold withMigrationLock.
func newProvider(pool *pgxpool.Pool, files fs.FS) (*goose.Provider, *sql.DB, error) {
	sub, err := fs.Sub(files, "migrations")
	if err != nil {
		return nil, nil, fmt.Errorf("postgres store: migrations: %w", err)
	}
	db := stdlib.OpenDBFromPool(pool)
	provider, err := goose.NewProvider(goose.DialectPostgres, db, sub,
		goose.WithTableName(versionTable),
		goose.WithDisableGlobalRegistry(true),
		goose.WithLogger(goose.NopLogger()),
	)
	if err != nil {
		_ = db.Close()
		return nil, nil, fmt.Errorf("postgres store: migrations: %w", err)
	}
	return provider, db, nil
}

// checkNotNewer fails when the database records a migration this binary
// does not know, i.e. a newer kycgate migrated it.
func checkNotNewer(ctx context.Context, provider *goose.Provider) error {
	current, err := provider.GetDBVersion(ctx)
	if err != nil {
		return fmt.Errorf("postgres store: read schema version: %w", err)
	}
	sources := provider.ListSources()
	newest := sources[len(sources)-1].Version
	if current > newest {
		return fmt.Errorf("postgres store: the database schema is at version %d but this kycgate binary only knows versions up to %d; run a newer kycgate", current, newest)
	}
	return nil
}

// migrationLockKey is the advisory lock key of the migrations of a schema,
// so that deployments in separate schemas of one database do not wait for
// each other.
func migrationLockKey(schema string) int64 {
	h := fnv.New64a()
	_, _ = h.Write([]byte("kycgate migrations\x00" + schema))
	return int64(h.Sum64())
}
