package postgres

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/kycgate/kycgate/store"
)

// ReplaceProfileList writes a list whole, replacing the list of the same
// name in one statement.
func (s *Store) ReplaceProfileList(ctx context.Context, l store.ProfileList) (store.ProfileList, error) {
	l.ImportedAt = storedTime(time.Now())
	const upsert = `INSERT INTO profile_lists (name, entries, entry_count, digest, imported_at) VALUES ($1, $2, $3, $4, $5)
ON CONFLICT (name) DO UPDATE SET entries = excluded.entries, entry_count = excluded.entry_count,
    digest = excluded.digest, imported_at = excluded.imported_at`
	if _, err := s.pool.Exec(ctx, upsert, l.Name, string(l.Entries), l.Count, l.Digest, l.ImportedAt); err != nil {
		return store.ProfileList{}, fmt.Errorf("postgres store: replace profile list: %w", conflictOr(err))
	}
	return l, nil
}

// GetProfileList returns a list with its entries.
func (s *Store) GetProfileList(ctx context.Context, name string) (store.ProfileList, error) {
	const q = `SELECT name, entries, entry_count, digest, imported_at FROM profile_lists WHERE name = $1`
	var l store.ProfileList
	var entries []byte
	err := s.pool.QueryRow(ctx, q, name).Scan(&l.Name, &entries, &l.Count, &l.Digest, &l.ImportedAt)
	if errors.Is(err, pgx.ErrNoRows) {
		return store.ProfileList{}, store.ErrNotFound
	}
	if err != nil {
		return store.ProfileList{}, fmt.Errorf("postgres store: get profile list: %w", err)
	}
	l.Entries = entries
	l.ImportedAt = l.ImportedAt.UTC()
	return l, nil
}

// ProfileListInfos returns every list without its entries, ordered by name.
func (s *Store) ProfileListInfos(ctx context.Context) ([]store.ProfileList, error) {
	const q = `SELECT name, entry_count, digest, imported_at FROM profile_lists ORDER BY name`
	rows, err := s.pool.Query(ctx, q)
	if err != nil {
		return nil, fmt.Errorf("postgres store: profile lists: %w", err)
	}
	lists, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (store.ProfileList, error) {
		var l store.ProfileList
		err := r.Scan(&l.Name, &l.Count, &l.Digest, &l.ImportedAt)
		l.ImportedAt = l.ImportedAt.UTC()
		return l, err
	})
	if err != nil {
		return nil, fmt.Errorf("postgres store: profile lists: %w", err)
	}
	return lists, nil
}
