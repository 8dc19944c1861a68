// Package auth verifies the OAuth2 access tokens presented to the gateway.
//
// A Verifier discovers the authorization server from its issuer URL
// (Issuer + "/.well-known/openid-configuration"), keeps the server's JSON Web
// Key Set in memory and checks every bearer token through go-oidc: signature
// (asymmetric algorithms only, never "none" or HMAC), exact issuer, audience,
// and the exp/nbf/iat times with a configurable clock-skew leeway. The key set
// is refreshed when a token names an unknown key id, at most once per
// RefreshCooldown, with concurrent callers sharing one in-flight fetch, so a
// flood of forged key ids cannot turn the gateway into a load generator
// against the issuer.
//
// # Errors seen by clients
//
// Verify returns only CAMARA errors:
//
//   - 401 UNAUTHENTICATED for every token that cannot be accepted: missing or
//     malformed Authorization header, malformed JWT, unsupported algorithm,
//     bad signature, unknown key id (also after a refresh, or while a refresh
//     is suppressed by the cooldown, or when the refresh itself fails),
//     wrong issuer or audience, expired or not-yet-valid token, missing
//     client identity, and a subject or phone claim that looks like a phone
//     number but is not valid E.164. Messages are short and generic; they
//     never echo the token or any claim value.
//   - 503 UNAVAILABLE (with Retry-After) while the verifier has never
//     completed discovery and loaded keys: the gateway is not ready, the
//     token was not judged.
//
// # Three-legged tokens
//
// A token is three-legged when its subject claim is "tel:+<E.164>" or when it
// carries the phone claim. Both are validated against ^\+[1-9][0-9]{4,14}$;
// a malformed value is refused with 401 rather than downgraded to a
// two-legged token, and a token whose subject and phone claim name two
// different numbers is refused too.
package auth
