// Package integration_test runs the profiles module behind the gateway
// together with the real verifications module (identity), the real
// biometric engine and the shared face photos: verifications feed the
// profiles through identity.Observer, NFC verdicts are recorded as the NFC
// module will once it has its hook. It lives in its own package so that
// the profiles package's own tests do not depend on the verifications
// module's test fixtures.
package integration_test
