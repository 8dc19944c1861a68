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
// migrations/ folder) while holding an advisory lock private to the
// current schema, then refuses a schema newer than files know.
func migrate(ctx context.Context, pool *pgxpool.Pool, files fs.FS) error {
	provider, db, err := newProvider(ctx, pool, files)
	if err != nil {
		return err
	}
	defer func() { _ = db.Close() }()
	if _, err := provider.Up(ctx); err != nil {
		return fmt.Errorf("postgres store: migrate: %w", err)
	}
	return checkNotNewer(ctx, provider)
}

// newProvider returns a goose provider for the migrations of files on the
// pool's current schema, and the database/sql handle it runs on, which the
// caller closes (the pool stays open).
func newProvider(ctx context.Context, pool *pgxpool.Pool, files fs.FS) (*goose.Provider, *sql.DB, error) {
	sub, err := fs.Sub(files, "migrations")
	if err != nil {
		return nil, nil, fmt.Errorf("postgres store: migrations: %w", err)
	}
	var schema *string
	if err := pool.QueryRow(ctx, `SELECT current_schema()`).Scan(&schema); err != nil {
		return nil, nil, fmt.Errorf("postgres store: read current schema: %w", err)
	}
	if schema == nil {
		return nil, nil, errors.New("postgres store: no schema to create the tables in; set options.schema or the search_path")
	}
	db := stdlib.OpenDBFromPool(pool)
	provider, err := goose.NewProvider(goose.DialectPostgres, db, sub,
		goose.WithTableName(versionTable),
		goose.WithSessionLocker(advisoryLock{key: migrationLockKey(*schema)}),
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

// advisoryLock is a goose session locker holding a PostgreSQL session-level
// advisory lock. Unlike goose's own, which polls every few seconds, it
// waits inside PostgreSQL and is granted the moment the holder releases it,
// so replicas starting together each wait only for the migration run
// itself.
type advisoryLock struct {
	key int64
}

// SessionLock waits for the lock on conn, at most lockWait.
func (l advisoryLock) SessionLock(ctx context.Context, conn *sql.Conn) error {
	ctx, cancel := context.WithTimeout(ctx, lockWait)
	defer cancel()
	if _, err := conn.ExecContext(ctx, `SELECT pg_advisory_lock($1)`, l.key); err != nil {
		return fmt.Errorf("wait for the migration lock: %w", err)
	}
	return nil
}

// SessionUnlock releases the lock held on conn.
func (l advisoryLock) SessionUnlock(ctx context.Context, conn *sql.Conn) error {
	var released bool
	if err := conn.QueryRowContext(ctx, `SELECT pg_advisory_unlock($1)`, l.key).Scan(&released); err != nil {
		return fmt.Errorf("release the migration lock: %w", err)
	}
	if !released {
		return errors.New("release the migration lock: the session did not hold it")
	}
	return nil
}
