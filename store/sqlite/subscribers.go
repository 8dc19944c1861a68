package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/kycgate/kycgate/kycmatch"
	"github.com/kycgate/kycgate/store"
)

// upsertSubscriber inserts a record or replaces every column of the existing
// one. The statement is also valid PostgreSQL (with $n placeholders).
const upsertSubscriber = `INSERT INTO subscribers (phone_number, line_type, attributes, updated_at)
VALUES (?, ?, ?, ?)
ON CONFLICT (phone_number) DO UPDATE SET
    line_type  = excluded.line_type,
    attributes = excluded.attributes,
    updated_at = excluded.updated_at`

const selectSubscriber = `SELECT line_type, attributes, updated_at FROM subscribers WHERE phone_number = ?`

// UpsertSubscribers inserts or replaces the records in one transaction. A
// record with an empty phone number or line type is refused by the schema,
// which rolls back the whole batch. A zero UpdatedAt is set to the current
// time; times are kept to the microsecond.
func (s *Store) UpsertSubscribers(ctx context.Context, subs []kycmatch.Subscriber) error {
	if len(subs) == 0 {
		return nil
	}
	tx, err := s.write.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("sqlite store: begin upsert: %w", err)
	}
	// Rolling back after a successful Commit is a no-op.
	defer func() { _ = tx.Rollback() }()
	stmt, err := tx.PrepareContext(ctx, upsertSubscriber)
	if err != nil {
		return fmt.Errorf("sqlite store: prepare upsert: %w", err)
	}
	defer func() { _ = stmt.Close() }()
	now := time.Now()
	for i, sub := range subs {
		if err := upsertOne(ctx, stmt, sub, now); err != nil {
			// The position, never the phone number, identifies the record.
			return fmt.Errorf("sqlite store: subscriber %d of %d: %w", i+1, len(subs), err)
		}
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("sqlite store: commit upsert: %w", err)
	}
	return nil
}

func upsertOne(ctx context.Context, stmt *sql.Stmt, sub kycmatch.Subscriber, now time.Time) error {
	attrs := sub.Attributes
	if attrs == nil {
		attrs = map[string]string{}
	}
	encoded, err := json.Marshal(attrs)
	if err != nil {
		return fmt.Errorf("encode attributes: %w", err)
	}
	updated := sub.UpdatedAt
	if updated.IsZero() {
		updated = now
	}
	_, err = stmt.ExecContext(ctx, sub.PhoneNumber, string(sub.LineType), string(encoded), formatTime(updated))
	return err
}

// GetSubscriber returns the record for a phone number, or store.ErrNotFound.
//
// The lookup is on the path of every match, and it runs without the
// caller's cancellation: a read by primary key in WAL mode does not wait
// for writers (at worst it waits busy_timeout for a lock), and with a
// cancellable context database/sql and the driver each start a goroutine
// per query to watch it, which cost about a third of the lookup. A
// context already ended when the lookup starts still ends it.
func (s *Store) GetSubscriber(ctx context.Context, phoneNumber string) (kycmatch.Subscriber, error) {
	if err := ctx.Err(); err != nil {
		return kycmatch.Subscriber{}, fmt.Errorf("sqlite store: get subscriber: %w", err)
	}
	var lineType, updated string
	var attributes []byte
	err := s.getSubscriber.QueryRowContext(context.WithoutCancel(ctx), phoneNumber).Scan(&lineType, &attributes, &updated)
	if errors.Is(err, sql.ErrNoRows) {
		return kycmatch.Subscriber{}, store.ErrNotFound
	}
	if err != nil {
		return kycmatch.Subscriber{}, fmt.Errorf("sqlite store: get subscriber: %w", err)
	}
	sub := kycmatch.Subscriber{PhoneNumber: phoneNumber, LineType: kycmatch.LineType(lineType)}
	if sub.Attributes, err = store.DecodeAttributes(attributes); err != nil {
		return kycmatch.Subscriber{}, fmt.Errorf("sqlite store: decode subscriber attributes: %w", err)
	}
	if sub.UpdatedAt, err = parseTime(updated); err != nil {
		return kycmatch.Subscriber{}, fmt.Errorf("sqlite store: decode subscriber updated_at: %w", err)
	}
	return sub, nil
}

// timeLayout is a fixed-width RFC 3339 UTC layout, so stored times sort as
// text and match PostgreSQL's microsecond precision.
const timeLayout = "2006-01-02T15:04:05.000000Z"

func formatTime(t time.Time) string {
	return t.UTC().Truncate(time.Microsecond).Format(timeLayout)
}

func parseTime(s string) (time.Time, error) {
	return time.Parse(timeLayout, s)
}
