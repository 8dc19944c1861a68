package profiles

import (
	"context"

	"github.com/kycgate/kycgate/identity"
)

// VerificationObserver feeds a Recorder from the verifications module: it
// implements identity.Observer, so profiles are wired in with one field of
// identity.Deps, Observer: profiles.VerificationObserver{Recorder: rec}.
type VerificationObserver struct {
	// Recorder receives the facts.
	Recorder Recorder
}

var _ identity.Observer = VerificationObserver{}

// VerificationChanged records the facts of a report.
func (o VerificationObserver) VerificationChanged(ctx context.Context, r identity.Report) error {
	return o.Recorder.RecordVerification(ctx, FactsFromReport(r))
}

// VerificationDeleted forgets the verification.
func (o VerificationObserver) VerificationDeleted(ctx context.Context, merchantID, verificationID string) error {
	return o.Recorder.ForgetVerification(ctx, merchantID, verificationID)
}

// FactsFromReport maps a verifications report to facts: the status taken
// with its date, the steps completed without an error, the sealed face
// template, when the merchant gave the document photo's number (with its
// type and country) the document identity that names the profile, and
// what the merchant said of the person: the full name (watch-list
// screening), the client IP and e-mail (request signals) and, only when
// the person agreed to share it, the contact data.
func FactsFromReport(r identity.Report) VerificationFacts {
	f := VerificationFacts{
		MerchantID:     r.MerchantID,
		VerificationID: r.VerificationID,
		IdentityID:     r.IdentityID,
		CreatedAt:      r.CreatedAt,
		CompletedSteps: r.CompletedSteps,
		FaceTemplate:   r.SealedTemplate,
		Signals:        RequestSignals{IP: r.ClientIP},
	}
	if r.Status != "" && !r.ChangedAt.IsZero() {
		f.StatusChanges = []StatusChange{{Status: r.Status, At: r.ChangedAt}}
	}
	if r.DocumentNumber != "" {
		f.Document = &DocumentIdentity{Country: r.DocumentCountry, Type: r.DocumentType, Number: r.DocumentNumber}
	}
	if p := r.Person; p != nil {
		f.Names = nonEmpty(p.FullName)
		f.Signals.Email = p.Email
		if p.ContactSharingConsent {
			f.Contact = Contact{
				PhoneNumbers: nonEmpty(p.PhoneNumber), Emails: nonEmpty(p.Email), Addresses: nonEmpty(p.Address),
				ShareConsent: true,
			}
		}
	}
	return f
}

// nonEmpty returns s as a one-element list, or nil when it is empty.
func nonEmpty(s string) []string {
	if s == "" {
		return nil
	}
	return []string{s}
}
