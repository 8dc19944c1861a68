// Package ecc holds the fixed table of elliptic curves accepted for ICAO 9303
// signatures (NIST P-224/256/384/521 and brainpoolP192r1 to brainpoolP512r1,
// RFC 5639) and verifies ECDSA signatures on them.
//
// NIST curves are verified with crypto/ecdsa. Brainpool curves have a ≠ -3,
// which crypto/elliptic cannot represent, so their arithmetic is implemented
// here with math/big in Jacobian coordinates. Verification only handles
// public data, therefore this arithmetic is deliberately not constant time;
// the signer in this package exists for tests and demo specimens and must not
// be used with secret keys that matter.
//
// Explicit domain parameters found in certificates are never trusted as
// given: MatchDomain maps them onto an entry of the fixed table or refuses
// them.
package ecc
