package identity

import (
	"crypto/rand"
	"encoding/hex"
	"regexp"
)

// idPattern matches the ids the gateway generates for verifications and
// identities: 24 lower-case hex digits (96 random bits).
var idPattern = regexp.MustCompile(`^[0-9a-f]{24}$`)

// flowIDPattern matches flow ids, generated or chosen by the merchant.
var flowIDPattern = regexp.MustCompile(`^[A-Za-z0-9_-]{1,64}$`)

// newID returns a random id matching idPattern.
func newID() string {
	var b [12]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}
