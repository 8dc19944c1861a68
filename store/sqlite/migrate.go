package sqlite

import (
	"context"
	"database/sql"
	"embed"
	"fmt"
	"io/fs"
	"path"
	"sort"
	"strconv"
	"strings"
	"time"
)

// migrationFiles holds the schema, one numbered file per change:
// migrations/0001_subscribers.sql, migrations/0002_....sql, ...
//
//go:embed migrations/*.sql
var migrationFiles embed.FS

// migration is one numbered schema change.
type migration struct {
	version int
	name    string
	sql     string
}

// createMigrationsTable records which migrations a database has applied.
const createMigrationsTable = `CREATE TABLE IF NOT EXISTS schema_migrations (
    version    INTEGER PRIMARY KEY,
    name       TEXT NOT NULL,
    applied_at TEXT NOT NULL
)`

// migrate brings the database up to the newest migration in files. Each
// pending migration runs in its own transaction together with its
// schema_migrations row, so a failed one leaves no trace.
func migrate(ctx context.Context, db *sql.DB, files fs.FS) error {
	all, err := loadMigrations(files)
	if err != nil {
		return err
	}
	if _, err := db.ExecContext(ctx, createMigrationsTable); err != nil {
		return fmt.Errorf("sqlite store: create schema_migrations: %w", err)
	}
	current, err := schemaVersion(ctx, db)
	if err != nil {
		return err
	}
	newest := 0
	if len(all) > 0 {
		newest = all[len(all)-1].version
	}
	if current > newest {
		return fmt.Errorf("sqlite store: the database schema is at version %d but this kycgate binary only knows versions up to %d; run a newer kycgate", current, newest)
	}
	for _, m := range all {
		if m.version > current {
			if err := apply(ctx, db, m); err != nil {
				return err
			}
		}
	}
	return nil
}

// loadMigrations reads every *.sql file of files, ordered by version. File
// names are NNNN_description.sql with unique positive versions.
func loadMigrations(files fs.FS) ([]migration, error) {
	paths, err := fs.Glob(files, "migrations/*.sql")
	if err != nil {
		return nil, fmt.Errorf("sqlite store: list migrations: %w", err)
	}
	out := make([]migration, 0, len(paths))
	seen := map[int]string{}
	for _, p := range paths {
		name := path.Base(p)
		number, _, ok := strings.Cut(name, "_")
		version, err := strconv.Atoi(number)
		if !ok || err != nil || version <= 0 {
			return nil, fmt.Errorf("sqlite store: migration %q is not named NNNN_description.sql", name)
		}
		if other, dup := seen[version]; dup {
			return nil, fmt.Errorf("sqlite store: migrations %q and %q share version %d", other, name, version)
		}
		seen[version] = name
		body, err := fs.ReadFile(files, p)
		if err != nil {
			return nil, fmt.Errorf("sqlite store: read migration %q: %w", name, err)
		}
		out = append(out, migration{version: version, name: name, sql: string(body)})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].version < out[j].version })
	return out, nil
}

// rowQuerier is what *sql.DB and *sql.Tx share for single-row queries.
type rowQuerier interface {
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// schemaVersion returns the newest applied migration, 0 for a new database.
func schemaVersion(ctx context.Context, q rowQuerier) (int, error) {
	var v sql.NullInt64
	if err := q.QueryRowContext(ctx, `SELECT MAX(version) FROM schema_migrations`).Scan(&v); err != nil {
		return 0, fmt.Errorf("sqlite store: read schema version: %w", err)
	}
	return int(v.Int64), nil
}

// apply runs one migration in a transaction. It re-checks the version
// inside the transaction, whose BEGIN IMMEDIATE holds the write lock, so two
// processes opening the same new file do not both apply it.
func apply(ctx context.Context, db *sql.DB, m migration) error {
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("sqlite store: migration %s: %w", m.name, err)
	}
	// Rolling back after a successful Commit is a no-op.
	defer func() { _ = tx.Rollback() }()
	current, err := schemaVersion(ctx, tx)
	if err != nil || current >= m.version {
		return err
	}
	if _, err := tx.ExecContext(ctx, m.sql); err != nil {
		return fmt.Errorf("sqlite store: migration %s: %w", m.name, err)
	}
	const record = `INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)`
	if _, err := tx.ExecContext(ctx, record, m.version, m.name, formatTime(time.Now())); err != nil {
		return fmt.Errorf("sqlite store: record migration %s: %w", m.name, err)
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("sqlite store: commit migration %s: %w", m.name, err)
	}
	return nil
}
