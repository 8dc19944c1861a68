package main

import (
	"context"

	"github.com/kycgate/kycgate/identity"
	"github.com/kycgate/kycgate/identity/profiles"
)

// profilesFeed passes what verifications produce to the profiles module's
// recorder.
type profilesFeed struct {
	recorder profiles.Recorder
}

var _ identity.Observer = profilesFeed{}

// VerificationChanged records the verification's status change, the steps
// it completed, the document it was given and its sealed face template.
func (f profilesFeed) VerificationChanged(ctx context.Context, r identity.Report) error {
	facts := profiles.VerificationFacts{
		MerchantID:     r.MerchantID,
		VerificationID: r.VerificationID,
		IdentityID:     r.IdentityID,
		CreatedAt:      r.CreatedAt,
		StatusChanges:  []profiles.StatusChange{{Status: r.Status, At: r.ChangedAt}},
		CompletedSteps: r.CompletedSteps,
		FaceTemplate:   r.SealedTemplate,
	}
	if r.DocumentType != "" || r.DocumentCountry != "" {
		facts.Document = &profiles.DocumentIdentity{Type: r.DocumentType, Country: r.DocumentCountry}
	}
	return f.recorder.RecordVerification(ctx, facts)
}

// VerificationDeleted forgets the verification.
func (f profilesFeed) VerificationDeleted(ctx context.Context, merchantID, verificationID string) error {
	return f.recorder.ForgetVerification(ctx, merchantID, verificationID)
}
