package profiles

import (
	"context"
	"log/slog"
	"time"

	"github.com/kycgate/kycgate/config"
	"github.com/kycgate/kycgate/nfc/result"
	"github.com/kycgate/kycgate/nfc/session"
)

// NFCLink feeds a Recorder with the results of NFC sessions that
// session_init linked to a verification (options.verification_id). Its
// Verdict method is the NFC service's verdict hook
// (service.Service.SetVerdictHook).
//
// NFC sessions belong to partners, verifications to merchants: a
// partner's sessions may be linked only to verifications of the merchant
// configured for it (nfc.partners[].merchant_id). The profiles recorder
// refuses a result for another merchant's verification, so a partner
// cannot write into profiles it has no part in.
type NFCLink struct {
	// Recorder receives the results.
	Recorder Recorder
	// Merchants maps a partner id to its merchant (token client id);
	// sessions of partners without one are not recorded.
	Merchants map[string]string
	// Logger receives failures, with session ids only.
	Logger *slog.Logger
}

// NewNFCLink returns the link of the configured partners: each partner's
// sessions may be linked to verifications of its merchant_id.
func NewNFCLink(rec Recorder, partners []config.NFCPartner, logger *slog.Logger) NFCLink {
	merchants := map[string]string{}
	for _, p := range partners {
		if p.MerchantID != "" {
			merchants[p.ID] = p.MerchantID
		}
	}
	return NFCLink{Recorder: rec, Merchants: merchants, Logger: logger}
}

// Verdict records the result of a linked session. Session outcomes that
// say nothing of the document (an expired session, a verification that
// could not run) are not recorded: they would hide an earlier chip
// verdict. Failures are logged, never returned: the session is already
// stored.
func (l NFCLink) Verdict(ctx context.Context, sess session.Session, p result.Payload, at time.Time) {
	if sess.Options.VerificationID == "" || p.Verdict == result.SessionExpired || p.Verdict == result.VerificationFailed {
		return
	}
	logger := l.Logger
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	merchant := l.Merchants[sess.PartnerID]
	if merchant == "" {
		logger.LogAttrs(ctx, slog.LevelWarn, "nfc session linked to a verification, but its partner has no merchant_id: not recorded",
			slog.String("session_id", sess.ID), slog.String("partner", sess.PartnerID))
		return
	}
	f := NFCFactsFromResult(merchant, sess.Options.VerificationID, p, at)
	if err := l.Recorder.RecordNFCResult(ctx, f); err != nil {
		logger.LogAttrs(ctx, slog.LevelWarn, "nfc result not recorded in the profile",
			slog.String("session_id", sess.ID), slog.String("verification_id", f.VerificationID), slog.String("error", err.Error()))
	}
}

// NFCFactsFromResult maps an NFC result to facts: the verdict, the DG1
// document (issuing state, MRZ document code, number) when the result
// discloses it, and the holder's names.
func NFCFactsFromResult(merchantID, verificationID string, p result.Payload, at time.Time) NFCFacts {
	f := NFCFacts{MerchantID: merchantID, VerificationID: verificationID, Verdict: p.Verdict, At: at}
	d := p.Data
	if d.DocumentNumber != "" {
		docType := d.DocumentCode
		if docType == "" {
			docType = d.DocumentType
		}
		f.Document = &DocumentIdentity{Country: d.IssuingState, Type: docType, Number: d.DocumentNumber}
	}
	f.Names = cleanStrings(append([]string{d.Name, d.FullName}, d.OtherNames...))
	return f
}
