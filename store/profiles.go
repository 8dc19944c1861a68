package store

import (
	"context"
	"encoding/json"
	"time"
)

// ProfileRecord is what the profiles package (identity/profiles) keeps of
// one verification: the columns the store searches on, beside a JSON
// document owned by that package. Records are not scoped to a merchant:
// profiles span merchants, and the profiles package applies the visibility
// rules itself.
type ProfileRecord struct {
	// VerificationID is the verification the record describes, unique
	// across merchants.
	VerificationID string
	// MerchantID owns the verification.
	MerchantID string
	// ProfileID is the normalised "COUNTRY|DOCUMENT-TYPE|NUMBER" of the
	// verified document, or empty while no document is known. It is
	// personal data.
	ProfileID string
	// Email is the normalised e-mail address of the request signals, or
	// empty.
	Email string
	// CreatedAt is when the verification was created.
	CreatedAt time.Time
	// Document is the rest of the record as a JSON object.
	Document json.RawMessage
	// FaceTemplate is the person's sealed face template (see
	// biometric.SealTemplate), or nil.
	FaceTemplate []byte
	// FaceSeq is set by the store: a number drawn from an increasing
	// sequence each time a record with a face template is written with a
	// new template or a new profile id; 0 when there is no template.
	FaceSeq int64
	// Version increases with every write; PutProfileRecord refuses a
	// record read at another version.
	Version int64
	// UpdatedAt is set by the store.
	UpdatedAt time.Time
}

// ProfileFace is one stored face template of a record with a profile id,
// as read by the 1:N face index.
type ProfileFace struct {
	// Seq is the record's FaceSeq.
	Seq int64
	// VerificationID and ProfileID identify the record.
	VerificationID string
	ProfileID      string
	// Sealed is the sealed template.
	Sealed []byte
}

// ProfileList is an imported reputation or watch list, kept whole.
type ProfileList struct {
	// Name is the list, e.g. "tor" or "watchlist".
	Name string
	// Entries is the list's JSON array, owned by identity/profiles.
	Entries json.RawMessage
	// Count is the number of entries.
	Count int
	// Digest is the hex SHA-256 of Entries.
	Digest string
	// ImportedAt is set by the store when the list is written.
	ImportedAt time.Time
}

// Profiles keeps the per-verification records of user profiles, their
// sealed face templates and the imported lists of the risk engine.
type Profiles interface {
	// PutProfileRecord creates the record when r.Version is 0 (an existing
	// record fails with ErrConflict) or replaces it when r.Version is the
	// stored version (another version fails with ErrConflict, a missing
	// record with ErrNotFound). The result carries the stored version,
	// face sequence number and update time.
	PutProfileRecord(ctx context.Context, r ProfileRecord) (ProfileRecord, error)
	// GetProfileRecord returns the record of a verification or
	// ErrNotFound.
	GetProfileRecord(ctx context.Context, verificationID string) (ProfileRecord, error)
	// ProfileRecords returns the records of a profile id ordered by
	// CreatedAt, then VerificationID.
	ProfileRecords(ctx context.Context, profileID string) ([]ProfileRecord, error)
	// ProfileRecordsByEmail returns the records whose Email is email and
	// whose CreatedAt is at or after since, ordered by CreatedAt, then
	// VerificationID.
	ProfileRecordsByEmail(ctx context.Context, email string, since time.Time) ([]ProfileRecord, error)
	// DeleteProfileRecord removes a verification's record; a missing one is
	// ErrNotFound.
	DeleteProfileRecord(ctx context.Context, verificationID string) error
	// ProfileFaces returns up to limit face templates of records with a
	// profile id whose FaceSeq is greater than after, ordered by FaceSeq.
	ProfileFaces(ctx context.Context, after int64, limit int) ([]ProfileFace, error)
	// ReplaceProfileList writes l in one transaction, replacing the list
	// of the same name whole. The result carries ImportedAt.
	ReplaceProfileList(ctx context.Context, l ProfileList) (ProfileList, error)
	// GetProfileList returns a list with its entries, or ErrNotFound.
	GetProfileList(ctx context.Context, name string) (ProfileList, error)
	// ProfileListInfos returns every list without its entries, ordered by
	// name.
	ProfileListInfos(ctx context.Context) ([]ProfileList, error)
}
