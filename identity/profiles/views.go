package profiles

import (
	"slices"
	"time"
)

// responseSuccess is the responseStatus of every answer.
const responseSuccess = "SUCCESS"

// maxTransactions is how many completed verifications the risk answer
// lists.
const maxTransactions = 5

// statusHistoryLength is how many of a verification's newest decisions
// (verified, reviewNeeded, rejected) verificationStatus shows ("the last
// two statuses"); a running verification's statuses are not decisions.
const statusHistoryLength = 2

// seedTime is the seed's date format: RFC 3339 in UTC, to the second.
type seedTime time.Time

// MarshalJSON writes e.g. "2023-03-01T11:26:36Z".
func (t seedTime) MarshalJSON() ([]byte, error) {
	return []byte(`"` + time.Time(t).UTC().Format("2006-01-02T15:04:05Z") + `"`), nil
}

// profileIDResponse answers GET /verification/{id}/profile.
type profileIDResponse struct {
	ResponseStatus string `json:"responseStatus"`
	ProfileID      string `json:"profileId"`
}

// riskResponse answers /profile/risk.
type riskResponse struct {
	ResponseStatus string        `json:"responseStatus"`
	ProfileRisk    bool          `json:"profileRisk"`
	RiskScore      Score         `json:"riskScore"`
	Transactions   []transaction `json:"transactions"`
}

type transaction struct {
	CompletedAt    seedTime `json:"completedAt"`
	VerificationID string   `json:"verificationId"`
	Risk           bool     `json:"risk"`
	RiskScore      Score    `json:"riskScore"`
	Message        *string  `json:"message"`
	ReasonCode     *string  `json:"reasonCode"`
}

// transactions lists the newest completed verifications with their own
// assessments, newest first.
func transactions(v viewer, records []*record) []transaction {
	type done struct {
		rec *record
		at  time.Time
	}
	var completed []done
	for _, rec := range records {
		if at, ok := rec.completedAt(); ok {
			completed = append(completed, done{rec, at})
		}
	}
	slices.SortStableFunc(completed, func(a, b done) int { return b.at.Compare(a.at) })
	out := make([]transaction, 0, maxTransactions)
	for _, d := range completed[:min(len(completed), maxTransactions)] {
		a := Assessment{}
		if d.rec.doc.Risk != nil {
			a = *d.rec.doc.Risk
		}
		out = append(out, transaction{
			CompletedAt:    seedTime(d.at),
			VerificationID: v.verificationRef(d.rec),
			Risk:           a.Risky,
			RiskScore:      Score(a.Score),
			Message:        nullable(a.Message()),
			ReasonCode:     nullable(a.ReasonCode()),
		})
	}
	return out
}

// verificationStatusResponse answers /profile/status/verification.
type verificationStatusResponse struct {
	ResponseStatus     string               `json:"responseStatus"`
	VerificationStatus []verificationStatus `json:"verificationStatus"`
}

type verificationStatus struct {
	VerificationID      string         `json:"verificationId"`
	MerchantVertical    *string        `json:"merchantVertical"`
	Country             *string        `json:"country"`
	StatusChangeHistory []statusChange `json:"statusChangeHistory"`
}

type statusChange struct {
	Status string   `json:"status"`
	Date   seedTime `json:"date"`
}

func verificationStatuses(v viewer, records []*record) []verificationStatus {
	out := make([]verificationStatus, 0, len(records))
	for _, rec := range records {
		var decisions []statusChange
		for _, s := range rec.doc.Statuses {
			if isFinalStatus(s.Status) {
				decisions = append(decisions, statusChange{Status: s.Status, Date: seedTime(s.At)})
			}
		}
		history := append([]statusChange{}, decisions[max(0, len(decisions)-statusHistoryLength):]...)
		out = append(out, verificationStatus{
			VerificationID:      v.verificationRef(rec),
			MerchantVertical:    nullable(rec.doc.Vertical),
			Country:             nullable(rec.doc.Country),
			StatusChangeHistory: history,
		})
	}
	return out
}

// contactResponse answers /profile/contact.
type contactResponse struct {
	ResponseStatus     string             `json:"responseStatus"`
	ContactInformation contactInformation `json:"contactInformation"`
}

type contactInformation struct {
	ContactNumbers []string `json:"contactNumbers"`
	Emails         []string `json:"emails"`
	Addresses      []string `json:"addresses"`
}

// contactOf gathers the contact data the viewer may see, without
// duplicates, in the order it was given.
func contactOf(v viewer, records []*record) contactInformation {
	out := contactInformation{ContactNumbers: []string{}, Emails: []string{}, Addresses: []string{}}
	for _, rec := range records {
		if !v.sharesContact(rec) {
			continue
		}
		c := rec.doc.Contact
		out.ContactNumbers = appendNew(out.ContactNumbers, c.PhoneNumbers)
		out.Emails = appendNew(out.Emails, c.Emails)
		out.Addresses = appendNew(out.Addresses, c.Addresses)
	}
	return out
}

// meritResponse answers /profile/merit.
type meritResponse struct {
	ResponseStatus string   `json:"responseStatus"`
	UniqueMerits   []string `json:"uniqueMerits"`
}

func meritsOf(records []*record) []string {
	out := []string{}
	for _, rec := range records {
		out = mergeMerits(out, Merits(rec.doc.Steps, rec.nfcAuthentic()))
	}
	return out
}

// verificationsResponse answers /profile/verification.
type verificationsResponse struct {
	ResponseStatus string             `json:"responseStatus"`
	Verifications  []verificationItem `json:"verifications"`
}

type verificationItem struct {
	ID                string   `json:"id"`
	Created           seedTime `json:"created"`
	Status            *string  `json:"status"`
	FirstVerification bool     `json:"firstVerification"`
	IdentityID        *string  `json:"identityId"`
}

// verificationItems lists the verifications oldest first; the oldest is
// the person's first verification through the gateway.
func verificationItems(v viewer, records []*record) []verificationItem {
	out := make([]verificationItem, 0, len(records))
	for i, rec := range records {
		out = append(out, verificationItem{
			ID:                v.verificationRef(rec),
			Created:           seedTime(rec.CreatedAt),
			Status:            nullable(rec.latestStatus()),
			FirstVerification: i == 0,
			IdentityID:        v.identityID(rec),
		})
	}
	return out
}

// historyResponse answers /profile/history.
type historyResponse struct {
	ResponseStatus string      `json:"responseStatus"`
	UserHistory    userHistory `json:"userHistory"`
}

type userHistory struct {
	DateOfFirstVerification seedTime `json:"dateOfFirstVerification"`
	TotalVerifications      int      `json:"totalVerifications"`
	TotalManualReview       int      `json:"totalManualReview"`
	TotalRejected           int      `json:"totalRejected"`
	TotalNumberOfMerchants  int      `json:"totalNumberOfMerchants"`
	TotalVerified           int      `json:"totalVerified"`
}

// historyOf counts the verifications by their latest status and the
// merchants. records is not empty (the viewer has one of its own).
func historyOf(records []*record) userHistory {
	h := userHistory{DateOfFirstVerification: seedTime(records[0].CreatedAt), TotalVerifications: len(records)}
	merchants := map[string]bool{}
	for _, rec := range records {
		merchants[rec.MerchantID] = true
		switch rec.latestStatus() {
		case StatusVerified:
			h.TotalVerified++
		case StatusReviewNeeded:
			h.TotalManualReview++
		case StatusRejected:
			h.TotalRejected++
		}
	}
	h.TotalNumberOfMerchants = len(merchants)
	return h
}

// nullable is nil for "".
func nullable(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

// appendNew appends the values not yet in dst.
func appendNew(dst, values []string) []string {
	for _, v := range values {
		if !slices.Contains(dst, v) {
			dst = append(dst, v)
		}
	}
	return dst
}

// statusView answers /profile/status/verification.
func statusView(v viewer, records []*record) any {
	return verificationStatusResponse{ResponseStatus: responseSuccess, VerificationStatus: verificationStatuses(v, records)}
}

// contactView answers /profile/contact.
func contactView(v viewer, records []*record) any {
	return contactResponse{ResponseStatus: responseSuccess, ContactInformation: contactOf(v, records)}
}

// meritView answers /profile/merit.
func meritView(_ viewer, records []*record) any {
	return meritResponse{ResponseStatus: responseSuccess, UniqueMerits: meritsOf(records)}
}

// verificationsView answers /profile/verification.
func verificationsView(v viewer, records []*record) any {
	return verificationsResponse{ResponseStatus: responseSuccess, Verifications: verificationItems(v, records)}
}

// historyView answers /profile/history.
func historyView(_ viewer, records []*record) any {
	return historyResponse{ResponseStatus: responseSuccess, UserHistory: historyOf(records)}
}
