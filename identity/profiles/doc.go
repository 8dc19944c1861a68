// Package profiles grows one profile per verified person across merchants
// and answers the user-profile API of the seed 002 (/reusage/v1): the
// profile id of a verification, the profile's risk score with its last
// completed verifications, their statuses with the merchants' verticals
// and countries, contact data, merits, verifications and history.
//
// # Facts
//
// The verifications and NFC modules feed a Recorder with what they learn
// (VerificationFacts, NFCFacts); VerificationObserver adapts the
// verifications module's identity.Observer. Each verification becomes one
// store.ProfileRecord; its profile id, COUNTRY|DOCUMENT-TYPE|NUMBER, comes
// from the document of an authentic NFC session or else from the document
// the merchant supplied (see NormalizeDocument). The profile id holds a
// document number: it is personal data and never logged.
//
// # Visibility
//
// A merchant sees a profile only when it verified the person itself.
// Other merchants' verification ids are replaced by opaque per-caller
// references (an HMAC of the caller and the id), their identity ids are
// hidden, and their contact data is shown only when the person agreed to
// share it.
//
// # Risk
//
// A score from 0 to 100 is the capped sum of the weights of the raised
// indicators (reason codes, see ReasonCodes), each with its evidence:
// request IPs and e-mails on the imported reputation lists, names similar
// to a watch-list entry (kycmatch/fuzzy normal forms and Jaro-Winkler),
// documents rejected or reviewed by several merchants, e-mails and
// documents seen at many merchants in a short time, the same face verified
// with another document, and NFC verdicts of revoked or tampered
// documents. A verification keeps the assessment computed when its facts
// were recorded; the profile's score is computed at query time.
//
// # Face search
//
// Face templates are stored sealed (biometric.SealTemplate) and opened
// only in memory, into an index of at most face_index.max_templates unit
// vectors searched with float32 dot products across the CPUs; templates
// beyond the bound are opened page by page during a search and dropped.
package profiles
