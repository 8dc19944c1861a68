package session

import "fmt"

// State is the persisted state of a session.
type State string

// The session states.
const (
	// Created means the partner obtained an init code that no reader app
	// has redeemed yet.
	Created State = "created"
	// Redeemed means a reader app redeemed the init code and holds the
	// upload token.
	Redeemed State = "redeemed"
	// Uploaded means the sealed chip data arrived and is being verified.
	Uploaded State = "uploaded"
	// Verified means the verdict is known and the result webhook is queued.
	Verified State = "verified"
	// Delivered means the partner's webhook endpoint accepted the result.
	Delivered State = "delivered"
	// Confirmed means the partner confirmed the result with recv OK.
	Confirmed State = "confirmed"
	// Errored means the partner answered recv ERR, its confirmation did not
	// come in time, or processing failed.
	Errored State = "errored"
	// Expired means the init code or the upload was not used in time.
	Expired State = "expired"
)

// transitions lists, for each state, the states it may move to.
var transitions = map[State][]State{
	Created:   {Redeemed, Expired, Errored},
	Redeemed:  {Uploaded, Expired, Errored},
	Uploaded:  {Verified, Expired, Errored},
	Verified:  {Delivered, Confirmed, Errored},
	Delivered: {Confirmed, Errored},
}

// States lists every state in the order a session passes them.
func States() []State {
	return []State{Created, Redeemed, Uploaded, Verified, Delivered, Confirmed, Errored, Expired}
}

// Valid reports whether s is one of the states.
func (s State) Valid() bool {
	for _, k := range States() {
		if s == k {
			return true
		}
	}
	return false
}

// Terminal reports whether no transition leaves s.
func (s State) Terminal() bool {
	return s == Confirmed || s == Errored || s == Expired
}

// Live reports whether the session still owns its init code: every state
// but the terminal ones.
func (s State) Live() bool {
	return s.Valid() && !s.Terminal()
}

// CanTransition reports whether a session in state from may move to to.
func CanTransition(from, to State) bool {
	for _, next := range transitions[from] {
		if next == to {
			return true
		}
	}
	return false
}

// Sources returns the states from which to can be reached in one step.
func Sources(to State) []State {
	var out []State
	for _, from := range States() {
		if CanTransition(from, to) {
			out = append(out, from)
		}
	}
	return out
}

// TransitionError reports a transition that the session's current state
// does not allow, for example a second redeem of the same code.
type TransitionError struct {
	// From is the session's state when the transition was attempted.
	From State
	// To is the requested state.
	To State
}

// Error describes the refused transition.
func (e *TransitionError) Error() string {
	return fmt.Sprintf("session: cannot move from %s to %s", e.From, e.To)
}
