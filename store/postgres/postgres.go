// Package postgres is kycgate's shared store: PostgreSQL reached through
// pgx v5 and its connection pool, so that several gateway replicas behind
// one load balancer see the same subscribers, verifications, NFC sessions,
// profiles and webhook outbox.
//
// The backend registers itself as store type "postgres" with the options
//
//	{"dsn_env": "KYCGATE_POSTGRES_DSN", "max_conns": 10, "schema": "kycgate"}
//
// The connection string never appears in the configuration file: dsn_env
// names the environment variable that holds it (KYCGATE_POSTGRES_DSN when
// omitted). max_conns caps the pool (pgx's default when 0) and schema, when
// set, names an existing schema the tables live in.
//
// # Migrations
//
// The schema lives in numbered SQL files embedded from migrations/, twins
// of the SQLite backend's, and is brought up to date by Open through
// goose. Replicas starting together serialise on a PostgreSQL advisory lock
// held for the whole run, so each migration is applied exactly once.
// Opening a database whose schema is newer than the running binary fails
// with a clear error.
//
// # Sharing between replicas
//
// Every rule that must hold across replicas is enforced by the database,
// not by the process: webhook events and verification jobs are claimed with
// SELECT ... FOR UPDATE SKIP LOCKED and leased by moving their due time to
// the end of the lease, so a replica that dies mid-delivery leaves its
// events to another once the lease runs out; NFC transitions are
// compare-and-set updates on a row locked for the transaction, so an init
// code redeemed on one replica is spent on all; optimistic versions guard
// verifications and profile records.
package postgres

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"regexp"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/kycgate/kycgate/store"
)

// TypeName is the store.type under which this backend registers.
const TypeName = "postgres"

// DefaultDSNEnv is the environment variable read for the connection string
// when the options do not name one.
const DefaultDSNEnv = "KYCGATE_POSTGRES_DSN"

// maxPoolSize bounds max_conns; more connections than this per replica
// would only queue inside PostgreSQL.
const maxPoolSize = 1000

func init() {
	store.Register(TypeName, openFromOptions)
}

// Options are the backend's configuration, the JSON object under
// store.options.
type Options struct {
	// DSNEnv names the environment variable holding the connection string
	// (a postgres:// URL or key=value pairs); DefaultDSNEnv when empty.
	DSNEnv string `json:"dsn_env"`
	// MaxConns caps the connection pool; 0 keeps pgx's default.
	MaxConns int32 `json:"max_conns"`
	// Schema, when set, is the existing schema the tables live in.
	Schema string `json:"schema"`
}

// Config is what Open needs, with the connection string resolved.
type Config struct {
	// DSN is the connection string. It may hold a password and is never
	// logged or echoed in errors.
	DSN string
	// MaxConns caps the connection pool; 0 keeps pgx's default.
	MaxConns int32
	// Schema, when set, is the existing schema the tables live in; it
	// becomes the connections' search_path.
	Schema string
}

// Store is a store.Store kept in PostgreSQL.
type Store struct {
	pool *pgxpool.Pool
}

var _ store.Store = (*Store)(nil)

// openFromOptions decodes the options, reads the connection string from
// the environment and opens the store.
func openFromOptions(ctx context.Context, raw json.RawMessage) (store.Store, error) {
	o, err := decodeOptions(raw)
	if err != nil {
		return nil, err
	}
	env := o.DSNEnv
	if env == "" {
		env = DefaultDSNEnv
	}
	dsn := os.Getenv(env)
	if dsn == "" {
		return nil, fmt.Errorf("postgres store: the environment variable %s that holds the connection string is empty or unset", env)
	}
	return Open(ctx, Config{DSN: dsn, MaxConns: o.MaxConns, Schema: o.Schema})
}

// optionsWire is Options plus the keys a misguided configuration might use
// for the connection string, so that they get a pointed error.
type optionsWire struct {
	Options
	DSN      json.RawMessage `json:"dsn"`
	URL      json.RawMessage `json:"url"`
	Password json.RawMessage `json:"password"`
}

// decodeOptions reads the options object strictly. A connection string in
// the options is refused: it belongs in the environment.
func decodeOptions(raw json.RawMessage) (Options, error) {
	if len(raw) == 0 || string(raw) == "null" {
		return Options{}, nil
	}
	var w optionsWire
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&w); err != nil {
		return Options{}, fmt.Errorf("postgres store options: %w", err)
	}
	if dec.More() {
		return Options{}, errors.New("postgres store options: unexpected content after the options object")
	}
	for key, value := range map[string]json.RawMessage{"dsn": w.DSN, "url": w.URL, "password": w.Password} {
		if value != nil {
			return Options{}, fmt.Errorf("postgres store options: %q is not allowed; put the connection string in the environment variable named by dsn_env", key)
		}
	}
	return w.Options, nil
}

// schemaName is what an unquoted PostgreSQL identifier may look like; the
// schema option accepts nothing else, so it never needs quoting rules that
// differ between the search_path and SQL.
var schemaName = regexp.MustCompile(`^[a-z_][a-z0-9_]{0,62}$`)

// poolConfig checks cfg and turns it into a pgxpool configuration.
func poolConfig(cfg Config) (*pgxpool.Config, error) {
	if cfg.DSN == "" {
		return nil, errors.New("postgres store: the connection string is empty")
	}
	if cfg.MaxConns < 0 || cfg.MaxConns > maxPoolSize {
		return nil, fmt.Errorf("postgres store: max_conns must be between 0 and %d, got %d", maxPoolSize, cfg.MaxConns)
	}
	if cfg.Schema != "" && !schemaName.MatchString(cfg.Schema) {
		return nil, fmt.Errorf("postgres store: schema %q must be a lower-case identifier (letters, digits, underscores)", cfg.Schema)
	}
	pc, err := pgxpool.ParseConfig(cfg.DSN)
	if err != nil {
		// pgx's parse errors quote the connection string, which it can
		// only partly redact when it cannot parse it: none of it is kept.
		return nil, errors.New("postgres store: the connection string cannot be parsed: a postgres:// URL or key=value pairs are expected")
	}
	if cfg.MaxConns > 0 {
		pc.MaxConns = cfg.MaxConns
	}
	params := pc.ConnConfig.RuntimeParams
	if cfg.Schema != "" {
		params["search_path"] = cfg.Schema
	}
	if params["application_name"] == "" {
		params["application_name"] = "kycgate"
	}
	return pc, nil
}

// Open connects to PostgreSQL, checks the schema and applies any pending
// migrations under an advisory lock.
func Open(ctx context.Context, cfg Config) (*Store, error) {
	pc, err := poolConfig(cfg)
	if err != nil {
		return nil, err
	}
	pool, err := pgxpool.NewWithConfig(ctx, pc)
	if err != nil {
		return nil, fmt.Errorf("postgres store: %w", err)
	}
	s := &Store{pool: pool}
	if err := s.prepare(ctx, cfg.Schema); err != nil {
		pool.Close()
		return nil, err
	}
	return s, nil
}

// prepare checks that the database answers and the schema exists, then
// migrates it.
func (s *Store) prepare(ctx context.Context, schema string) error {
	if err := s.Ping(ctx); err != nil {
		return err
	}
	if schema != "" {
		var exists bool
		const q = `SELECT EXISTS (SELECT 1 FROM pg_namespace WHERE nspname = $1)`
		if err := s.pool.QueryRow(ctx, q, schema).Scan(&exists); err != nil {
			return fmt.Errorf("postgres store: look up schema: %w", err)
		}
		if !exists {
			return fmt.Errorf("postgres store: schema %q does not exist; create it (CREATE SCHEMA %s) or leave options.schema empty", schema, schema)
		}
	}
	return migrate(ctx, s.pool, migrationFiles)
}

// Ping reports whether the database answers.
func (s *Store) Ping(ctx context.Context) error {
	if err := s.pool.Ping(ctx); err != nil {
		return fmt.Errorf("postgres store: %w", err)
	}
	return nil
}

// Close closes the pool, waiting for borrowed connections to come back.
// Closing twice is harmless.
func (s *Store) Close() error {
	s.pool.Close()
	return nil
}

// inTx runs fn in a read-committed transaction and commits it when fn
// succeeds. Errors are wrapped with what, keeping sentinel errors such as
// store.ErrNotFound testable.
func (s *Store) inTx(ctx context.Context, what string, fn func(tx pgx.Tx) error) error {
	tx, err := s.pool.Begin(ctx)
	if err != nil {
		return fmt.Errorf("postgres store: %s: begin: %w", what, err)
	}
	// Rolling back after a successful Commit is a no-op.
	defer func() { _ = tx.Rollback(context.WithoutCancel(ctx)) }()
	if err := fn(tx); err != nil {
		return fmt.Errorf("postgres store: %s: %w", what, err)
	}
	if err := tx.Commit(ctx); err != nil {
		return fmt.Errorf("postgres store: %s: commit: %w", what, err)
	}
	return nil
}

// violatesUniqueness reports whether err is a violated unique or primary
// key constraint (SQLSTATE 23505): the write conflicts with a stored row
// (store.ErrConflict). Other integrity violations (check, not null, foreign
// key) are not conflicts but faults of the caller's input checks, and stay
// errors.
func violatesUniqueness(err error) bool {
	var e *pgconn.PgError
	return errors.As(err, &e) && e.Code == "23505"
}

// conflictOr turns a violated uniqueness constraint into
// store.ErrConflict, naming the constraint, and leaves other errors as
// they are.
func conflictOr(err error) error {
	var e *pgconn.PgError
	if !errors.As(err, &e) || !violatesUniqueness(err) {
		return err
	}
	if e.ConstraintName == "" {
		return store.ErrConflict
	}
	return fmt.Errorf("%w (constraint %s)", store.ErrConflict, e.ConstraintName)
}

// queryer is what the pool and a transaction share for queries.
type queryer interface {
	Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error)
	QueryRow(ctx context.Context, sql string, args ...any) pgx.Row
	Exec(ctx context.Context, sql string, args ...any) (pgconn.CommandTag, error)
}

var (
	_ queryer = (*pgxpool.Pool)(nil)
	_ queryer = (pgx.Tx)(nil)
)
