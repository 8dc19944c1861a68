package postgres

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/kycgate/kycgate/kycmatch"
	"github.com/kycgate/kycgate/store"
)

// upsertSubscriber inserts a record or replaces every column of the existing
// one.
const upsertSubscriber = `INSERT INTO subscribers (phone_number, line_type, attributes, updated_at)
VALUES ($1, $2, $3, $4)
ON CONFLICT (phone_number) DO UPDATE SET
    line_type  = excluded.line_type,
    attributes = excluded.attributes,
    updated_at = excluded.updated_at`

const selectSubscriber = `SELECT line_type, attributes, updated_at FROM subscribers WHERE phone_number = $1`

// UpsertSubscribers inserts or replaces the records in one transaction,
// sent to the server as one batch. A record with an empty phone number or
// line type is refused by the schema, which rolls back the whole batch. A
// zero UpdatedAt is set to the current time; times are kept to the
// microsecond.
func (s *Store) UpsertSubscribers(ctx context.Context, subs []kycmatch.Subscriber) error {
	if len(subs) == 0 {
		return nil
	}
	batch := &pgx.Batch{}
	now := time.Now()
	for i, sub := range subs {
		args, err := subscriberArgs(sub, now)
		if err != nil {
			return fmt.Errorf("postgres store: subscriber %d of %d: %w", i+1, len(subs), err)
		}
		batch.Queue(upsertSubscriber, args...)
	}
	return s.inTx(ctx, "upsert subscribers", func(tx pgx.Tx) error {
		results := tx.SendBatch(ctx, batch)
		for i := range subs {
			if _, err := results.Exec(); err != nil {
				_ = results.Close()
				// The position, never the phone number, identifies the record.
				return fmt.Errorf("subscriber %d of %d: %w", i+1, len(subs), err)
			}
		}
		return results.Close()
	})
}

// subscriberArgs are the statement arguments of one record.
func subscriberArgs(sub kycmatch.Subscriber, now time.Time) ([]any, error) {
	attrs := sub.Attributes
	if attrs == nil {
		attrs = map[string]string{}
	}
	encoded, err := json.Marshal(attrs)
	if err != nil {
		return nil, fmt.Errorf("encode attributes: %w", err)
	}
	updated := sub.UpdatedAt
	if updated.IsZero() {
		updated = now
	}
	return []any{sub.PhoneNumber, string(sub.LineType), encoded, storedTime(updated)}, nil
}

// GetSubscriber returns the record for a phone number, or store.ErrNotFound.
func (s *Store) GetSubscriber(ctx context.Context, phoneNumber string) (kycmatch.Subscriber, error) {
	var lineType string
	var attributes []byte
	var updated time.Time
	err := s.pool.QueryRow(ctx, selectSubscriber, phoneNumber).Scan(&lineType, &attributes, &updated)
	if errors.Is(err, pgx.ErrNoRows) {
		return kycmatch.Subscriber{}, store.ErrNotFound
	}
	if err != nil {
		return kycmatch.Subscriber{}, fmt.Errorf("postgres store: get subscriber: %w", err)
	}
	sub := kycmatch.Subscriber{PhoneNumber: phoneNumber, LineType: kycmatch.LineType(lineType), UpdatedAt: updated.UTC()}
	if sub.Attributes, err = store.DecodeAttributes(attributes); err != nil {
		return kycmatch.Subscriber{}, fmt.Errorf("postgres store: decode subscriber attributes: %w", err)
	}
	return sub, nil
}
