// Package session is the model of an NFC ID-document session: its
// persisted states and the forward-only transitions between them, the
// partner's options, and the 4-character init codes a user types into the
// reader app.
//
// A session moves created → redeemed → uploaded → verified → delivered →
// confirmed, or ends early in errored or expired. It never goes backwards:
// CanTransition allows only the edges listed in the package, and the store
// applies each transition atomically as a compare-and-set on the state.
package session
