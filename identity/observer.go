package identity

import (
	"context"
	"time"
)

// Observer learns what verifications produce, once it is stored: the
// profiles module records it for risk assessment. An observer's errors are
// logged and never change the verification.
type Observer interface {
	// VerificationChanged is called when a verification starts and when
	// it ends.
	VerificationChanged(ctx context.Context, r Report) error
	// VerificationDeleted is called after the merchant deleted a
	// verification.
	VerificationDeleted(ctx context.Context, merchantID, verificationID string) error
}

// Report is what an observer learns about a verification.
type Report struct {
	// MerchantID, VerificationID, IdentityID and FlowID identify it.
	MerchantID     string
	VerificationID string
	IdentityID     string
	FlowID         string
	// Status is the status taken at ChangedAt.
	Status    string
	ChangedAt time.Time
	// CreatedAt is when the verification started.
	CreatedAt time.Time
	// CompletedSteps are the steps that ended without an error.
	CompletedSteps []string
	// DocumentType, DocumentCountry and DocumentNumber are what the
	// merchant said about the document photo, if any. The number is
	// personal data.
	DocumentType    string
	DocumentCountry string
	DocumentNumber  string
	// SealedTemplate is the person's face template sealed with the
	// template key (biometric.SealTemplate), or nil.
	SealedTemplate []byte
	// Person is what the merchant said of the person with the inputs
	// (see Person), or nil. It is personal data.
	Person *Person
	// ClientIP is the person's IP address: the one the merchant declared
	// in the person part, else the peer address of the latest send-input
	// request; empty when unknown. It is personal data.
	ClientIP string
}

// report describes v for the observer.
func report(v *verification, at time.Time) Report {
	r := Report{
		MerchantID: v.MerchantID, VerificationID: v.ID, IdentityID: v.IdentityID, FlowID: v.FlowID,
		Status: v.Status, ChangedAt: at, CreatedAt: v.CreatedAt,
	}
	for _, s := range v.state.Steps {
		if s.Status == stepDone && s.Error == nil {
			r.CompletedSteps = append(r.CompletedSteps, s.ID)
		}
	}
	if d := v.state.document(); d != nil {
		r.DocumentType, r.DocumentCountry, r.DocumentNumber = d.Type, d.Country, d.Number
	}
	if c, ok := bestCapture(v); ok {
		r.SealedTemplate = c.SealedTemplate
	}
	if p := v.state.Person; p != nil {
		person := *p
		r.Person = &person
	}
	r.ClientIP = v.state.clientIP()
	return r
}

// observe tells the observer about v, logging its failure.
func (s *Service) observe(ctx context.Context, v *verification) {
	if s.observer == nil {
		return
	}
	if err := s.observer.VerificationChanged(ctx, report(v, s.now())); err != nil {
		s.logger.Warn("the verification observer failed", "verification_id", v.ID, "error", err.Error())
	}
}

// observeDeletion tells the observer about a deleted verification.
func (s *Service) observeDeletion(ctx context.Context, merchantID, id string) {
	if s.observer == nil {
		return
	}
	if err := s.observer.VerificationDeleted(ctx, merchantID, id); err != nil {
		s.logger.Warn("the verification observer failed", "verification_id", id, "error", err.Error())
	}
}
