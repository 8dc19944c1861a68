package profiles

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"slices"
)

// Visibility rules. A merchant sees a profile only when it verified the
// person itself: at least one of the profile's verifications is its own.
// Otherwise the profile does not exist for it (404). Of other merchants'
// verifications it sees only what the seed shows across merchants:
// statuses and their dates, the merchant's vertical and country, counts,
// merits and risk scores with their reason codes. It never sees their
// verification ids (replaced by opaque references), identity ids (null),
// metadata or media (never recorded here), nor their contact data unless
// the person agreed to share it in that verification.

// refPrefix starts every opaque reference.
const refPrefix = "ref_"

// viewer is the merchant asking, with the key of its references.
type viewer struct {
	merchantID string
	refKey     []byte
}

// owns reports whether a record is the viewer's own verification.
func (v viewer) owns(rec *record) bool { return rec.MerchantID == v.merchantID }

// verificationRef is the viewer's own verification id, or an opaque
// reference to another merchant's: "ref_" and 32 hex digits of the
// HMAC-SHA256 of the viewer and the verification id. The reference is
// stable for one viewer and differs between viewers, so two merchants
// cannot join their answers on it.
func (v viewer) verificationRef(rec *record) string {
	if v.owns(rec) {
		return rec.VerificationID
	}
	mac := hmac.New(sha256.New, v.refKey)
	mac.Write([]byte("kycgate/profiles/verification-ref\x00"))
	mac.Write([]byte(v.merchantID))
	mac.Write([]byte{0})
	mac.Write([]byte(rec.VerificationID))
	return refPrefix + hex.EncodeToString(mac.Sum(nil)[:16])
}

// identityID is the viewer's own identity id, or nil.
func (v viewer) identityID(rec *record) *string {
	if !v.owns(rec) || rec.doc.IdentityID == "" {
		return nil
	}
	id := rec.doc.IdentityID
	return &id
}

// sharesContact reports whether the viewer may see a record's contact
// data: its own, or another merchant's given with the consent to share.
func (v viewer) sharesContact(rec *record) bool {
	return v.owns(rec) || rec.doc.Contact.ShareConsent
}

// visibleProfile returns a profile's verifications, oldest first, when
// the viewer verified the person itself, and errProfileNotFound
// otherwise.
func (s *Service) visibleProfile(ctx context.Context, v viewer, profileID string) ([]*record, error) {
	records, err := s.profileRecords(ctx, profileID)
	if err != nil {
		return nil, err
	}
	if !slices.ContainsFunc(records, v.owns) {
		return nil, errProfileNotFound
	}
	return records, nil
}
