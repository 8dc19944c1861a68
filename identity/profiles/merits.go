package profiles

import "slices"

// Merit names, as the seed shows them in uniqueMerits.
const (
	MeritDocument      = "Document Verification"
	MeritBiometric     = "Biometric Verification"
	MeritNFCDocument   = "NFC Document Verification"
	MeritEmail         = "Email Check"
	MeritPhone         = "Phone Check"
	MeritAntiMoneyLaun = "Anti-Money Laundering"
)

// meritOrder is the order in which uniqueMerits lists the merits.
var meritOrder = []string{MeritDocument, MeritBiometric, MeritNFCDocument, MeritEmail, MeritPhone, MeritAntiMoneyLaun}

// stepMerits maps the id of a step that ended without an error to the
// merit it earns:
//
//	selfie, liveness, re-facematch   → Biometric Verification
//	facematch                        → Document Verification (the person's
//	                                   face matched the document portrait)
//	document-verification            → Document Verification
//	email-check                      → Email Check
//	phone-check                      → Phone Check
//	watchlists                       → Anti-Money Laundering
//
// An NFC session with the verdict AUTHENTIC earns NFC Document
// Verification. Unknown step ids earn nothing.
var stepMerits = map[string]string{
	"selfie":                MeritBiometric,
	"liveness":              MeritBiometric,
	"re-facematch":          MeritBiometric,
	"facematch":             MeritDocument,
	"document-verification": MeritDocument,
	"email-check":           MeritEmail,
	"phone-check":           MeritPhone,
	"watchlists":            MeritAntiMoneyLaun,
}

// Merits returns the merits earned by completed steps and an NFC verdict,
// without duplicates, in the documented order.
func Merits(completedSteps []string, nfcAuthentic bool) []string {
	earned := map[string]bool{}
	for _, step := range completedSteps {
		if m, ok := stepMerits[step]; ok {
			earned[m] = true
		}
	}
	if nfcAuthentic {
		earned[MeritNFCDocument] = true
	}
	out := make([]string, 0, len(earned))
	for _, m := range meritOrder {
		if earned[m] {
			out = append(out, m)
		}
	}
	return out
}

// mergeMerits adds the merits of more to have, keeping the documented
// order.
func mergeMerits(have, more []string) []string {
	out := make([]string, 0, len(meritOrder))
	for _, m := range meritOrder {
		if slices.Contains(have, m) || slices.Contains(more, m) {
			out = append(out, m)
		}
	}
	return out
}
