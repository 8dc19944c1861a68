// Package devissuer is a small OAuth2 / OpenID Connect authorization server
// for development and tests. It is NOT a production issuer: keys live in
// memory, clients are configured in code, and the only grant is
// client_credentials.
//
// It serves, relative to its issuer URL:
//
//	GET  /.well-known/openid-configuration   discovery metadata
//	GET  /jwks                               the public signing keys
//	POST /token                              client_credentials grant
//
// `kycgate serve --demo` mounts it on loopback, and the tests of every package
// run it over real HTTP through NewTestServer, so tokens are verified exactly
// as in production: discovery, JWKS fetch, signature, claims.
//
// # Token endpoint
//
// The client authenticates with HTTP Basic (client_secret_basic, id and
// secret form-urlencoded as RFC 6749 section 2.3.1 requires) or with the form
// fields client_id and client_secret (client_secret_post), never both.
// Secrets are compared in constant time. The optional "scope" parameter
// lists space-separated scopes, each of which must be allowed for the client;
// without it the token carries every allowed scope. Answers and errors have
// the RFC 6749 shapes: invalid_request and invalid_scope and
// unsupported_grant_type (400), invalid_client (401).
//
// Issued access tokens are JWTs (typ "at+jwt") carrying iss, sub, aud, exp,
// iat, nbf, jti, client_id and scope. For a two-legged token sub is the client
// id.
//
// # Three-legged tokens (development shortcut)
//
// The extra form parameter login_hint=tel:+<E.164> on the client_credentials
// grant makes sub "tel:+<E.164>", which the gateway reads as a token bound to
// that phone number. This is a development-only shortcut standing in for the
// CIBA or authorization-code flows a real operator runs to obtain the
// subscriber's consent; no production issuer should offer it.
package devissuer
