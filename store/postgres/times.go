package postgres

import "time"

// storedTime gives t the precision and zone it has once stored: UTC,
// truncated to the microsecond like TIMESTAMPTZ (and the SQLite backend).
// The zero time stays zero.
func storedTime(t time.Time) time.Time {
	if t.IsZero() {
		return t
	}
	return t.UTC().Truncate(time.Microsecond)
}

// nullableTime stores the zero time as NULL.
func nullableTime(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	st := storedTime(t)
	return &st
}

// readTime turns a scanned TIMESTAMPTZ, which pgx returns in the local
// zone, into UTC; NULL becomes the zero time.
func readTime(t *time.Time) time.Time {
	if t == nil {
		return time.Time{}
	}
	return t.UTC()
}
