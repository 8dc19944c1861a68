package store

import (
	"context"
	"encoding/json"
	"time"
)

// Flow is a merchant's configured verification flow. Its settings are a
// JSON document owned by the identity package, kept whole.
type Flow struct {
	// MerchantID owns the flow; flow ids are unique per merchant.
	MerchantID string
	// ID is the flowId.
	ID string
	// Document holds the flow's settings as a JSON object.
	Document json.RawMessage
	// CreatedAt and UpdatedAt are set by the store.
	CreatedAt time.Time
	UpdatedAt time.Time
}

// Identity is a person known to one merchant through its verifications.
type Identity struct {
	// ID is the identityId, unique across merchants.
	ID string
	// MerchantID owns the identity.
	MerchantID string
	// CreatedAt is when the first verification created it.
	CreatedAt time.Time
}

// Verification is one verification of an identity through a flow. The
// state (inputs, steps, metadata, sealed templates) is a JSON document owned
// by the identity package; the columns beside it are what the store must
// search on.
type Verification struct {
	// ID is the verificationId, unique across merchants.
	ID string
	// MerchantID owns the verification.
	MerchantID string
	// IdentityID is the person verified.
	IdentityID string
	// FlowID is the flow the verification runs.
	FlowID string
	// Status is the lifecycle state chosen by the identity package.
	Status string
	// Biometric is true once the verification holds a selfie reference
	// that a later re-verification of the identity may compare with.
	Biometric bool
	// Document is the verification's state as a JSON object.
	Document json.RawMessage
	// JobDueAt is when pending processing is due; zero when there is none.
	// While a processor holds the job it is the end of that lease.
	JobDueAt time.Time
	// JobAttempts counts how many times the job was claimed.
	JobAttempts int
	// Version increases with every write; UpdateVerification refuses a
	// record read at another version.
	Version int64
	// CreatedAt and UpdatedAt are set by the store.
	CreatedAt time.Time
	UpdatedAt time.Time
}

// Verifications keeps flows, identities and verifications. Every method
// is scoped to a merchant: another merchant's record is ErrNotFound.
type Verifications interface {
	// CreateFlow writes a new flow; an existing (merchant, id) fails with
	// ErrConflict.
	CreateFlow(ctx context.Context, f Flow) (Flow, error)
	// UpdateFlow replaces an existing flow's document; a missing flow is
	// ErrNotFound.
	UpdateFlow(ctx context.Context, f Flow) (Flow, error)
	// GetFlow returns the merchant's flow or ErrNotFound.
	GetFlow(ctx context.Context, merchantID, flowID string) (Flow, error)
	// ListFlows returns the merchant's flows ordered by id.
	ListFlows(ctx context.Context, merchantID string) ([]Flow, error)

	// GetIdentity returns the merchant's identity or ErrNotFound.
	GetIdentity(ctx context.Context, merchantID, identityID string) (Identity, error)
	// CreateVerification writes v (at version 1) and events in one
	// transaction, creating v's identity when it does not exist yet. An
	// existing verification id, or an identity id of another merchant,
	// fails with ErrConflict.
	CreateVerification(ctx context.Context, v Verification, events []OutboxEvent) (Verification, error)
	// GetVerification returns the merchant's verification or ErrNotFound.
	GetVerification(ctx context.Context, merchantID, verificationID string) (Verification, error)
	// UpdateVerification replaces the verification's status, biometric
	// flag, document and job fields and writes events, in one transaction.
	// v.Version must be the stored version (else ErrConflict); the result
	// carries the next version.
	UpdateVerification(ctx context.Context, v Verification, events []OutboxEvent) (Verification, error)
	// LatestBiometricVerification returns the identity's newest
	// verification whose Biometric flag is set, or ErrNotFound.
	LatestBiometricVerification(ctx context.Context, merchantID, identityID string) (Verification, error)
	// DeleteVerification removes the verification with the outbox events
	// and delivery history of its resource, and its identity when no other
	// verification refers to it, in one transaction.
	DeleteVerification(ctx context.Context, merchantID, verificationID string) error
	// ClaimVerificationJobs returns up to limit verifications whose job is
	// due at now, oldest first, and leases them: JobDueAt becomes now +
	// lease, JobAttempts and Version increase.
	ClaimVerificationJobs(ctx context.Context, now time.Time, lease time.Duration, limit int) ([]Verification, error)
}
