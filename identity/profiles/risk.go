package profiles

import (
	"fmt"
	"net/netip"
	"slices"
	"time"

	"github.com/kycgate/kycgate/config"
	"github.com/kycgate/kycgate/nfc/icao"
)

// riskRules are the weights and thresholds of the risk engine.
type riskRules struct {
	weights            map[string]float64
	threshold          float64
	watchlistThreshold float64
	repeatedMinCount   int
	repeatedMinMerch   int
	velocityWindow     time.Duration
	velocityMinMerch   int
}

// newRiskRules checks the configured weights against the known reason
// codes.
func newRiskRules(c config.ProfileRisk) (riskRules, error) {
	weights := map[string]float64{}
	for code, w := range c.Weights {
		if !slices.Contains(ReasonCodes(), code) {
			return riskRules{}, fmt.Errorf("profiles: risk weight for unknown reason code %q (known: %v)", code, ReasonCodes())
		}
		weights[code] = w
	}
	return riskRules{
		weights:            weights,
		threshold:          c.Threshold,
		watchlistThreshold: c.WatchlistThreshold,
		repeatedMinCount:   c.RepeatedDecisions.MinVerifications,
		repeatedMinMerch:   c.RepeatedDecisions.MinMerchants,
		velocityWindow:     c.Velocity.Window.D(),
		velocityMinMerch:   c.Velocity.MinMerchants,
	}, nil
}

// raise returns the indicator of code with its configured weight.
func (r riskRules) raise(code, format string, args ...any) Indicator {
	return Indicator{Code: code, Weight: r.weights[code], Evidence: fmt.Sprintf(format, args...)}
}

// ipLists are the IP lists with their reason codes, in checking order.
var ipLists = []struct{ list, code, label string }{
	{ListFraudIPs, ReasonIPFraud, "fraud IP list"},
	{ListTor, ReasonIPTor, "Tor exit list"},
	{ListVPN, ReasonIPVPN, "VPN list"},
	{ListHosting, ReasonIPHosting, "hosting provider list"},
}

// signalIndicators are the indicators of one verification's own facts:
// its request IP and e-mail against the reputation lists, its names
// against the watch list, and its NFC verdict.
func (r riskRules) signalIndicators(rec *record, lists *compiledLists, screen *nameScreen) []Indicator {
	var out []Indicator
	if addr, err := netip.ParseAddr(rec.doc.IP); err == nil {
		for _, l := range ipLists {
			if p, ok := lists.ip[l.list].lookup(addr); ok {
				out = append(out, r.raise(l.code, "the request IP address is %s the %s", describeRange(p), l.label))
			}
		}
	}
	if domain, ok := lists.emails.lookup(rec.Email); ok {
		if domain != "" {
			out = append(out, r.raise(ReasonEmailFraud, "the e-mail domain %s is on the fraud e-mail list", domain))
		} else {
			out = append(out, r.raise(ReasonEmailFraud, "the e-mail address is on the fraud e-mail list"))
		}
	}
	if hit, ok := screen.best(rec.names()); ok {
		out = append(out, r.raise(ReasonNameWatchlist, "a name is similar to watch-list entry %s (Jaro-Winkler %.2f, threshold %.2f)",
			hit.entryID, hit.similarity, r.watchlistThreshold))
	}
	if in, ok := r.nfcIndicator(rec); ok {
		out = append(out, in)
	}
	return out
}

// describeRange names a listed range in evidence only when it is at least
// as wide as an anonymised address (a /24 for IPv4, a /48 for IPv6), so
// that the evidence never narrows the person's address further.
func describeRange(p netip.Prefix) string {
	if (p.Addr().Is4() && p.Bits() <= 24) || (!p.Addr().Is4() && p.Bits() <= 48) {
		return "in the range " + p.String() + " of"
	}
	return "on"
}

// tamperedVerdicts are the chip verdicts that mean invalid or tampered
// data (the NFC result's "Invalid or tampered data").
var tamperedVerdicts = []icao.Verdict{
	icao.SODMalformed, icao.DataGroupMissing, icao.DataGroupMalformed, icao.DGHashMismatch,
	icao.SODSignatureInvalid, icao.CountryMismatch, icao.MRZCheckDigitInvalid, icao.AAFailed,
}

// nfcIndicator maps a linked NFC verdict: DS_REVOKED to
// NFC_DOCUMENT_REVOKED, the tampered-data verdicts to
// NFC_DOCUMENT_TAMPERED.
func (r riskRules) nfcIndicator(rec *record) (Indicator, bool) {
	n := rec.doc.NFC
	if n == nil {
		return Indicator{}, false
	}
	if n.Verdict == string(icao.DSRevoked) {
		return r.raise(ReasonNFCRevoked, "the NFC chip check found the document signer revoked (%s)", n.Verdict), true
	}
	if slices.Contains(tamperedVerdicts, icao.Verdict(n.Verdict)) {
		return r.raise(ReasonNFCTampered, "the NFC chip check found invalid or tampered data (%s)", n.Verdict), true
	}
	return Indicator{}, false
}

// repeatedDecisions raises DOCUMENT_REPEATEDLY_REJECTED when the
// profile's verifications up to at were rejected or sent to review often
// enough, by enough merchants.
func (r riskRules) repeatedDecisions(profile []*record, at time.Time) (Indicator, bool) {
	count := 0
	merchants := map[string]bool{}
	for _, rec := range profile {
		if rec.CreatedAt.After(at) || !rec.everRejectedOrReviewed() {
			continue
		}
		count++
		merchants[rec.MerchantID] = true
	}
	if count < r.repeatedMinCount || len(merchants) < r.repeatedMinMerch {
		return Indicator{}, false
	}
	return r.raise(ReasonDocumentRejected, "the document was rejected or sent to review in %d verifications by %d merchants",
		count, len(merchants)), true
}

// velocity counts the merchants of records created in the window ending
// at at.
func (r riskRules) velocity(records []*record, at time.Time) int {
	from := at.Add(-r.velocityWindow)
	merchants := map[string]bool{}
	for _, rec := range records {
		if !rec.CreatedAt.Before(from) && !rec.CreatedAt.After(at) {
			merchants[rec.MerchantID] = true
		}
	}
	return len(merchants)
}

// documentVelocity raises DOCUMENT_VELOCITY.
func (r riskRules) documentVelocity(profile []*record, at time.Time) (Indicator, bool) {
	n := r.velocity(profile, at)
	if n < r.velocityMinMerch {
		return Indicator{}, false
	}
	return r.raise(ReasonDocumentVelocity, "the document was presented at %d merchants within %s", n, r.velocityWindow), true
}

// emailVelocity raises EMAIL_VELOCITY.
func (r riskRules) emailVelocity(byEmail []*record, at time.Time) (Indicator, bool) {
	n := r.velocity(byEmail, at)
	if n < r.velocityMinMerch {
		return Indicator{}, false
	}
	return r.raise(ReasonEmailVelocity, "the e-mail address was used at %d merchants within %s", n, r.velocityWindow), true
}

// faceIndicator raises FACE_OTHER_DOCUMENT for the best confirmed hit.
func (r riskRules) faceIndicator(best faceHit, cosineThreshold float64) Indicator {
	return r.raise(ReasonFaceOtherDocument,
		"the face matches a verification recorded with another document (cosine %.2f, threshold %.2f)",
		best.cosine, cosineThreshold)
}
