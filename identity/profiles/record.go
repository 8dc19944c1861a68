package profiles

import (
	"encoding/json"
	"fmt"
	"net/netip"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/kycgate/kycgate/nfc/icao"
	"github.com/kycgate/kycgate/store"
)

// record is what profiles keep of one verification: the store's columns
// and the decoded document.
type record struct {
	store.ProfileRecord
	doc recordDoc
}

// recordDoc is the JSON document of a stored record.
type recordDoc struct {
	// HasVerification is true once the verification's own facts arrived
	// (an NFC result may come first).
	HasVerification bool `json:"hasVerification"`
	// IdentityID is the merchant's identity.
	IdentityID string `json:"identityId,omitempty"`
	// Vertical and Country are the merchant's settings when the
	// verification was recorded.
	Vertical string `json:"vertical,omitempty"`
	Country  string `json:"country,omitempty"`
	// Statuses are the status changes, oldest first.
	Statuses []statusDoc `json:"statuses,omitempty"`
	// Steps are the completed steps, sorted.
	Steps []string `json:"steps,omitempty"`
	// MerchantDocument is the normalised document the merchant supplied.
	MerchantDocument *documentDoc `json:"merchantDocument,omitempty"`
	// Names are the names given with the verification.
	Names []string `json:"names,omitempty"`
	// Contact is the contact data given with the verification.
	Contact contactDoc `json:"contact"`
	// IP is the normalised request IP address.
	IP string `json:"ip,omitempty"`
	// NFC is the linked NFC session's outcome.
	NFC *nfcDoc `json:"nfc,omitempty"`
	// Risk is the verification's own assessment, computed with what was
	// known when its facts were last recorded.
	Risk *Assessment `json:"risk,omitempty"`
}

type statusDoc struct {
	Status string    `json:"status"`
	At     time.Time `json:"at"`
}

type documentDoc struct {
	Country string `json:"country"`
	Type    string `json:"type"`
	Number  string `json:"number"`
}

type contactDoc struct {
	PhoneNumbers []string `json:"phoneNumbers,omitempty"`
	Emails       []string `json:"emails,omitempty"`
	Addresses    []string `json:"addresses,omitempty"`
	ShareConsent bool     `json:"shareConsent"`
}

type nfcDoc struct {
	Verdict  string       `json:"verdict"`
	Document *documentDoc `json:"document,omitempty"`
	Names    []string     `json:"names,omitempty"`
	At       time.Time    `json:"at"`
}

// decodeRecord decodes a stored record.
func decodeRecord(r store.ProfileRecord) (*record, error) {
	rec := &record{ProfileRecord: r}
	if err := json.Unmarshal(r.Document, &rec.doc); err != nil {
		return nil, fmt.Errorf("profiles: decode record: %w", err)
	}
	return rec, nil
}

// encode returns the store form of rec with its derived columns.
func (rec *record) encode() (store.ProfileRecord, error) {
	doc, err := json.Marshal(rec.doc)
	if err != nil {
		return store.ProfileRecord{}, fmt.Errorf("profiles: encode record: %w", err)
	}
	out := rec.ProfileRecord
	out.Document = doc
	out.ProfileID = rec.profileID()
	return out, nil
}

// profileID is the id from an authentic NFC document, else from the
// merchant's document, else empty.
func (rec *record) profileID() string {
	if n := rec.doc.NFC; n != nil && n.Verdict == string(icao.Authentic) && n.Document != nil {
		return n.Document.identity().ProfileID()
	}
	if d := rec.doc.MerchantDocument; d != nil {
		return d.identity().ProfileID()
	}
	return ""
}

// applyVerification merges a verification's facts into rec: fields the
// facts carry replace the recorded ones, status changes are merged.
func (rec *record) applyVerification(f VerificationFacts, merchant merchantSettings) error {
	rec.MerchantID = f.MerchantID
	rec.CreatedAt = f.CreatedAt
	d := &rec.doc
	d.HasVerification = true
	if f.IdentityID != "" {
		d.IdentityID = f.IdentityID
	}
	d.Vertical, d.Country = merchant.Vertical, merchant.Country
	d.Statuses = mergeStatuses(d.Statuses, f.StatusChanges)
	d.Steps = mergeSorted(d.Steps, f.CompletedSteps)
	if f.Document.known() {
		doc, err := NormalizeDocument(*f.Document)
		if err != nil {
			return err
		}
		d.MerchantDocument = documentDocOf(doc)
	}
	if names := cleanStrings(f.Names); len(names) > 0 {
		d.Names = names
	}
	if c := contactDocOf(f.Contact); !c.empty() {
		d.Contact = c
	}
	if ip, ok := normalizeIP(f.Signals.IP); ok {
		d.IP = ip
	}
	if email, ok := normalizeEmail(f.Signals.Email); ok {
		rec.Email = email
	}
	if len(f.FaceTemplate) > 0 {
		rec.FaceTemplate = append([]byte(nil), f.FaceTemplate...)
	}
	return nil
}

// applyNFC records an NFC session's outcome.
func (rec *record) applyNFC(f NFCFacts) error {
	n := &nfcDoc{Verdict: f.Verdict, Names: cleanStrings(f.Names), At: f.At.UTC()}
	if f.Document.known() {
		doc, err := NormalizeDocument(*f.Document)
		if err != nil {
			return err
		}
		n.Document = documentDocOf(doc)
	}
	if rec.MerchantID == "" {
		rec.MerchantID = f.MerchantID
	}
	if rec.CreatedAt.IsZero() {
		rec.CreatedAt = f.At
	}
	rec.doc.NFC = n
	return nil
}

// known reports whether d names a document: one without a number (a
// document photo whose type and country only are known) names no profile
// and is ignored.
func (d *DocumentIdentity) known() bool {
	return d != nil && strings.TrimSpace(d.Number) != ""
}

// nfcAuthentic reports whether the linked NFC session found the document
// authentic.
func (rec *record) nfcAuthentic() bool {
	return rec.doc.NFC != nil && rec.doc.NFC.Verdict == string(icao.Authentic)
}

// names returns every name known for the person of rec.
func (rec *record) names() []string {
	out := slices.Clone(rec.doc.Names)
	if rec.doc.NFC != nil {
		out = append(out, rec.doc.NFC.Names...)
	}
	return out
}

// latestStatus is the newest status, or "".
func (rec *record) latestStatus() string {
	if n := len(rec.doc.Statuses); n > 0 {
		return rec.doc.Statuses[n-1].Status
	}
	return ""
}

// completedAt is the date of the newest final status (verified,
// reviewNeeded or rejected), or false while the verification runs.
func (rec *record) completedAt() (time.Time, bool) {
	for i := len(rec.doc.Statuses) - 1; i >= 0; i-- {
		if isFinalStatus(rec.doc.Statuses[i].Status) {
			return rec.doc.Statuses[i].At, true
		}
	}
	return time.Time{}, false
}

// everRejectedOrReviewed reports whether the verification was ever
// rejected or sent to review.
func (rec *record) everRejectedOrReviewed() bool {
	for _, s := range rec.doc.Statuses {
		if s.Status == StatusRejected || s.Status == StatusReviewNeeded {
			return true
		}
	}
	return false
}

func isFinalStatus(s string) bool {
	return s == StatusVerified || s == StatusReviewNeeded || s == StatusRejected
}

// mergeStatuses adds the new changes to the recorded ones, without
// duplicates, oldest first.
func mergeStatuses(have []statusDoc, changes []StatusChange) []statusDoc {
	out := slices.Clone(have)
	for _, c := range changes {
		if c.Status == "" {
			continue
		}
		s := statusDoc{Status: c.Status, At: c.At.UTC().Truncate(time.Microsecond)}
		if !slices.Contains(out, s) {
			out = append(out, s)
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].At.Before(out[j].At) })
	return out
}

// mergeSorted returns the sorted union of two string sets.
func mergeSorted(have, more []string) []string {
	out := slices.Clone(have)
	for _, s := range more {
		if s != "" && !slices.Contains(out, s) {
			out = append(out, s)
		}
	}
	slices.Sort(out)
	return out
}

// cleanStrings trims the values and drops empty ones and duplicates,
// keeping the order.
func cleanStrings(values []string) []string {
	var out []string
	for _, v := range values {
		v = strings.TrimSpace(v)
		if v != "" && !slices.Contains(out, v) {
			out = append(out, v)
		}
	}
	return out
}

func contactDocOf(c Contact) contactDoc {
	emails := make([]string, 0, len(c.Emails))
	for _, e := range cleanStrings(c.Emails) {
		emails = append(emails, strings.ToLower(e))
	}
	return contactDoc{
		PhoneNumbers: cleanStrings(c.PhoneNumbers),
		Emails:       cleanStrings(emails),
		Addresses:    cleanStrings(c.Addresses),
		ShareConsent: c.ShareConsent,
	}
}

func (c contactDoc) empty() bool {
	return len(c.PhoneNumbers) == 0 && len(c.Emails) == 0 && len(c.Addresses) == 0
}

func documentDocOf(d DocumentIdentity) *documentDoc {
	return &documentDoc{Country: d.Country, Type: d.Type, Number: d.Number}
}

func (d *documentDoc) identity() DocumentIdentity {
	return DocumentIdentity{Country: d.Country, Type: d.Type, Number: d.Number}
}

// normalizeIP returns the canonical text of an IP address (IPv4-mapped
// IPv6 addresses unmapped), or false when s is not one.
func normalizeIP(s string) (string, bool) {
	addr, err := netip.ParseAddr(strings.TrimSpace(s))
	if err != nil {
		return "", false
	}
	return addr.Unmap().WithZone("").String(), true
}

// normalizeEmail lower-cases and trims an e-mail address, or returns false
// when s is not one.
func normalizeEmail(s string) (string, bool) {
	e := strings.ToLower(strings.TrimSpace(s))
	local, domain, ok := strings.Cut(e, "@")
	if !ok || local == "" || domain == "" || strings.ContainsAny(domain, "@ \t") || strings.ContainsAny(local, " \t") {
		return "", false
	}
	return e, true
}
