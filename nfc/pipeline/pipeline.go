// Package pipeline verifies one NFC upload and builds the partner's result:
// the chip verification of nfc/icao (passive authentication, MRZ, consent,
// Active Authentication against the session's challenge), the flag for an
// EF.SOD already seen in another session, the document portrait of DG2
// compared with the first selfie by the biometric engine, and every selfie
// scored for liveness.
package pipeline

import (
	"context"
	"encoding/base64"
	"fmt"
	"time"

	"github.com/kycgate/kycgate/biometric"
	"github.com/kycgate/kycgate/nfc/icao"
	"github.com/kycgate/kycgate/nfc/icao/trust"
	"github.com/kycgate/kycgate/nfc/portrait"
	"github.com/kycgate/kycgate/nfc/result"
	"github.com/kycgate/kycgate/nfc/session"
	"github.com/kycgate/kycgate/nfc/upload"
)

// SODSeen reports whether a session other than sessionID recorded the
// EF.SOD fingerprint (store.NFCSessions.NFCSODSeenElsewhere).
type SODSeen func(ctx context.Context, fingerprint, sessionID string) (bool, error)

// Pipeline verifies uploads. It is safe for concurrent use once built.
type Pipeline struct {
	// Trust holds the CSCAs and CRLs. Required.
	Trust *trust.Store
	// Revocation is the policy without a current CRL.
	Revocation icao.RevocationPolicy
	// Engine compares faces and scores liveness; nil or the none engine
	// leaves the face fields empty and flags it.
	Engine biometric.Engine
	// Portraits decodes DG2 images.
	Portraits portrait.Decoder
	// Seen looks up earlier uploads of the same EF.SOD; nil skips the check.
	Seen SODSeen
	// LostOrStolen is the list of documents reported lost or stolen; nil
	// consults none.
	LostOrStolen icao.DocumentList
}

// Outcome is the result of one verification.
type Outcome struct {
	// Payload is the result webhook's body.
	Payload result.Payload
	// Verdict is the chip verdict.
	Verdict icao.Verdict
	// SODFingerprint is the hex SHA-256 of EF.SOD.
	SODFingerprint string
}

// Run verifies the upload of sess at now.
func (p *Pipeline) Run(ctx context.Context, sess session.Session, up *upload.Upload, now time.Time) (Outcome, error) {
	if p.Trust == nil {
		return Outcome{}, fmt.Errorf("pipeline: no trust store")
	}
	groups, err := up.Groups()
	if err != nil {
		return Outcome{}, err
	}
	chip := icao.ChipData{SOD: up.SOD, DataGroups: groups, Challenge: sess.Challenge, AASignature: up.AASignature}
	res := icao.Verify(chip, icao.Options{
		Trust: p.Trust, Now: now, Revocation: p.Revocation, LostOrStolen: p.LostOrStolen,
		Consent: consentOf(up.Consent),
	})
	out := Outcome{Verdict: res.Verdict, SODFingerprint: res.SODFingerprint, Payload: result.New(string(res.Verdict), sess.Ref)}
	if err := p.flagChecks(ctx, &out.Payload, res, sess.ID); err != nil {
		return Outcome{}, err
	}
	if !disclosable(res) {
		return out, nil
	}
	out.Payload.Data = result.NewData(res.Document, res.Additional, now)
	p.addFaces(ctx, &out.Payload, sess.Options, groups[2], up.Selfies)
	return out, nil
}

// disclosable reports whether the document data and portrait may be sent:
// passive authentication passed and neither the holder (consent), the chip
// (Active Authentication) nor the document (reported lost or stolen) is in
// doubt.
func disclosable(res icao.Result) bool {
	if !res.PassiveAuthentication {
		return false
	}
	switch res.Verdict {
	case icao.ConsentMismatch, icao.AAFailed, icao.DocumentLostOrStolen:
		return false
	}
	return true
}

// flagChecks adds the flags about revocation, Active Authentication and an
// EF.SOD seen in another session.
func (p *Pipeline) flagChecks(ctx context.Context, payload *result.Payload, res icao.Result, sessionID string) error {
	if res.PassiveAuthentication && !res.RevocationChecked {
		payload.Flag(result.FlagRevocationNotChecked)
	}
	if res.PassiveAuthentication && !res.ActiveAuthenticationSupported {
		payload.Flag(result.FlagNoActiveAuthentication)
	}
	if p.Seen == nil || res.SODFingerprint == "" {
		return nil
	}
	seen, err := p.Seen(ctx, res.SODFingerprint, sessionID)
	if err != nil {
		return fmt.Errorf("pipeline: sod lookup: %w", err)
	}
	if seen {
		payload.Flag(result.FlagSODSeenElsewhere)
	}
	return nil
}

// b64 encodes an image for the webhook.
func b64(data []byte) string {
	return base64.StdEncoding.EncodeToString(data)
}

// consentOf returns the consent data to match against DG1, or nil when the
// upload carries none (a session without the consent screen).
func consentOf(c upload.Consent) *icao.Consent {
	if c == (upload.Consent{}) {
		return nil
	}
	return &icao.Consent{DocumentNumber: c.DocumentNumber, DateOfBirth: c.DateOfBirth, DateOfExpiry: c.DateOfExpiry}
}
