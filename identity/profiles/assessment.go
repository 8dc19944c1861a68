package profiles

import (
	"math"
	"sort"
	"strconv"
	"strings"
	"time"
)

// Reason codes of the risk indicators. Their weights are configured under
// profiles.risk.weights.
const (
	// ReasonIPVPN: the request IP is on the VPN list.
	ReasonIPVPN = "IP_VPN"
	// ReasonIPHosting: the request IP is on the hosting (data centre) list.
	ReasonIPHosting = "IP_HOSTING"
	// ReasonIPTor: the request IP is on the Tor exit list.
	ReasonIPTor = "IP_TOR"
	// ReasonIPFraud: the request IP is on the fraud IP list.
	ReasonIPFraud = "IP_FRAUD_LIST"
	// ReasonEmailFraud: the e-mail address or its domain is on the fraud
	// e-mail list.
	ReasonEmailFraud = "EMAIL_FRAUD_LIST"
	// ReasonNameWatchlist: a name is similar to a watch-list entry.
	ReasonNameWatchlist = "NAME_WATCHLIST"
	// ReasonDocumentRejected: the document was rejected or sent to review
	// several times, by different merchants.
	ReasonDocumentRejected = "DOCUMENT_REPEATEDLY_REJECTED"
	// ReasonEmailVelocity: the e-mail address was seen at many merchants
	// in a short time.
	ReasonEmailVelocity = "EMAIL_VELOCITY"
	// ReasonDocumentVelocity: the document was seen at many merchants in a
	// short time.
	ReasonDocumentVelocity = "DOCUMENT_VELOCITY"
	// ReasonFaceOtherDocument: the same face was verified with another
	// document.
	ReasonFaceOtherDocument = "FACE_OTHER_DOCUMENT"
	// ReasonNFCRevoked: an NFC session found the document signer revoked.
	ReasonNFCRevoked = "NFC_DOCUMENT_REVOKED"
	// ReasonNFCTampered: an NFC session found the chip data invalid or
	// tampered.
	ReasonNFCTampered = "NFC_DOCUMENT_TAMPERED"
)

// ReasonCodes lists every reason code, in documentation order.
func ReasonCodes() []string {
	return []string{
		ReasonIPVPN, ReasonIPHosting, ReasonIPTor, ReasonIPFraud, ReasonEmailFraud, ReasonNameWatchlist,
		ReasonDocumentRejected, ReasonEmailVelocity, ReasonDocumentVelocity, ReasonFaceOtherDocument,
		ReasonNFCRevoked, ReasonNFCTampered,
	}
}

// maxScore caps the risk score.
const maxScore = 100

// Indicator is one raised risk indicator: its reason code, the points it
// adds and the evidence that raised it. Evidence never holds the person's
// data (no names, addresses, e-mails, IPs or document numbers): it names
// list entries, counts and scores.
type Indicator struct {
	Code     string  `json:"code"`
	Weight   float64 `json:"weight"`
	Evidence string  `json:"evidence"`
}

// Assessment is a risk score with the indicators that make it up: Score
// is the sum of their weights capped at 100, so every point is explained.
type Assessment struct {
	Score      float64     `json:"score"`
	Risky      bool        `json:"risky"`
	Indicators []Indicator `json:"indicators,omitempty"`
	At         time.Time   `json:"at"`
}

// newAssessment sums the indicators (each reason code once: the first
// occurrence wins), caps the score and compares it with the threshold.
// Indicators are listed by weight, heaviest first, then by code.
func newAssessment(indicators []Indicator, threshold float64, at time.Time) Assessment {
	seen := map[string]bool{}
	var kept []Indicator
	var sum float64
	for _, in := range indicators {
		if seen[in.Code] || in.Weight <= 0 {
			continue
		}
		seen[in.Code] = true
		kept = append(kept, in)
		sum += in.Weight
	}
	sort.SliceStable(kept, func(i, j int) bool {
		if kept[i].Weight != kept[j].Weight {
			return kept[i].Weight > kept[j].Weight
		}
		return kept[i].Code < kept[j].Code
	})
	score := roundScore(math.Min(sum, maxScore))
	return Assessment{Score: score, Risky: score > threshold, Indicators: kept, At: at.UTC()}
}

// ReasonCode is the code of the heaviest indicator, or "" when none was
// raised.
func (a Assessment) ReasonCode() string {
	if len(a.Indicators) == 0 {
		return ""
	}
	return a.Indicators[0].Code
}

// Message explains every point of the score: "CODE (+W): evidence" for
// each indicator, joined by "; ", or "" when none was raised.
func (a Assessment) Message() string {
	parts := make([]string, len(a.Indicators))
	for i, in := range a.Indicators {
		parts[i] = in.Code + " (+" + formatScore(in.Weight) + "): " + in.Evidence
	}
	return strings.Join(parts, "; ")
}

// roundScore keeps one decimal.
func roundScore(x float64) float64 { return math.Round(x*10) / 10 }

// formatScore writes a score with at least one decimal, as the seed's
// 3.0.
func formatScore(x float64) string {
	s := strconv.FormatFloat(roundScore(x), 'f', -1, 64)
	if !strings.Contains(s, ".") {
		s += ".0"
	}
	return s
}

// Score is a risk score that JSON-encodes with at least one decimal
// (3.0, 42.5), as the seed shows it.
type Score float64

// MarshalJSON writes the score with at least one decimal.
func (s Score) MarshalJSON() ([]byte, error) {
	return []byte(formatScore(float64(s))), nil
}
