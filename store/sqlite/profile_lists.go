package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/kycgate/kycgate/store"
)

// ReplaceProfileList writes a list whole, replacing the list of the same
// name in one statement.
func (s *Store) ReplaceProfileList(ctx context.Context, l store.ProfileList) (store.ProfileList, error) {
	l.ImportedAt = time.Now().UTC().Truncate(time.Microsecond)
	err := s.profilesTx(ctx, "replace profile list", func(tx *sql.Tx) error {
		const upsert = `INSERT INTO profile_lists (name, entries, entry_count, digest, imported_at) VALUES (?, ?, ?, ?, ?)
ON CONFLICT (name) DO UPDATE SET entries = excluded.entries, entry_count = excluded.entry_count,
    digest = excluded.digest, imported_at = excluded.imported_at`
		_, err := tx.ExecContext(ctx, upsert, l.Name, string(l.Entries), l.Count, l.Digest, formatTime(l.ImportedAt))
		return profileConstraint(err)
	})
	if err != nil {
		return store.ProfileList{}, err
	}
	return l, nil
}

// GetProfileList returns a list with its entries.
func (s *Store) GetProfileList(ctx context.Context, name string) (store.ProfileList, error) {
	const q = `SELECT name, entries, entry_count, digest, imported_at FROM profile_lists WHERE name = ?`
	var l store.ProfileList
	var entries, imported string
	err := s.read.QueryRowContext(ctx, q, name).Scan(&l.Name, &entries, &l.Count, &l.Digest, &imported)
	if errors.Is(err, sql.ErrNoRows) {
		return store.ProfileList{}, store.ErrNotFound
	}
	if err != nil {
		return store.ProfileList{}, fmt.Errorf("sqlite store: get profile list: %w", err)
	}
	l.Entries = []byte(entries)
	if l.ImportedAt, err = parseTime(imported); err != nil {
		return store.ProfileList{}, fmt.Errorf("sqlite store: get profile list: decode imported_at: %w", err)
	}
	return l, nil
}

// ProfileListInfos returns every list without its entries.
func (s *Store) ProfileListInfos(ctx context.Context) ([]store.ProfileList, error) {
	const q = `SELECT name, entry_count, digest, imported_at FROM profile_lists ORDER BY name`
	rows, err := s.read.QueryContext(ctx, q)
	if err != nil {
		return nil, fmt.Errorf("sqlite store: profile lists: %w", err)
	}
	defer func() { _ = rows.Close() }()
	var out []store.ProfileList
	for rows.Next() {
		var l store.ProfileList
		var imported string
		if err := rows.Scan(&l.Name, &l.Count, &l.Digest, &imported); err != nil {
			return nil, fmt.Errorf("sqlite store: profile lists: %w", err)
		}
		if l.ImportedAt, err = parseTime(imported); err != nil {
			return nil, fmt.Errorf("sqlite store: profile lists: decode imported_at: %w", err)
		}
		out = append(out, l)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("sqlite store: profile lists: %w", err)
	}
	return out, nil
}
