// Package camara is the adapter for an upstream mobile operator that serves
// the CAMARA KYC Match API itself. kycgate, acting as an aggregator, calls
// the operator's own POST /kyc-match/v0.x/match endpoint as a 2-legged
// client: the phone number travels in the body (a caller's 3-legged subject
// has been resolved by the gateway before), and the gateway authenticates
// with OAuth2 client credentials at the operator's token endpoint.
//
// # Configuration
//
// The adapter type is "camara". Its options (JSON keys, spelled exactly):
//
//	baseUrl             the operator's API root; the adapter posts to
//	                    {baseUrl}/kyc-match/v0.4/match (required)
//	version             the operator's KYC Match version, "0.3" or "0.4"
//	                    (default "0.4")
//	tokenUrl            the operator's OAuth2 token endpoint (required)
//	clientId            the gateway's client id at the operator (required)
//	clientSecret        its secret; write "${ENV_NAME}" in the file (required)
//	scopes              scopes requested (default ["kyc-match:match"])
//	tokenParams         extra token request parameters, e.g. {"audience": "x"}
//	tokenRefreshMargin  refresh a cached token this long before it expires,
//	                    at most a quarter of its lifetime (default "30s")
//	connectTimeout      TCP connect and TLS handshake bound (default "3s")
//	maxIdleConns        idle keep-alive connections kept (default 64)
//	maxConnsPerHost     connections per host, 0 for no limit (default 128)
//	idleConnTimeout     how long an idle connection is kept (default "90s")
//	maxResponseBytes    larger answers are refused (default 65536)
//
// The overall bound of one call is the operator's policy timeout (see the
// operators package), not an option of the adapter.
//
// # Behaviour
//
// The access token is cached until shortly before it expires and fetched
// by one request however many calls wait for it; a call answered 401 is
// retried once with a fresh token. The caller's x-correlator is propagated
// when it fits the operator version's pattern.
//
// The request is written in the operator's version: attributes that
// version lacks are not sent and come back "not_available"; the answer is
// translated to the caller's version (scores clamped to its range). Every
// answer is validated against kycgate's OpenAPI document of the operator's
// version before it is used. CAMARA 4xx errors about the request pass
// through with their status and code (and kycgate's own message); errors
// about the gateway's own access (401, 403 PERMISSION_DENIED, 404
// NOT_FOUND, ...), 5xx answers, malformed or non-conforming answers and
// transport errors become 503 UNAVAILABLE; a call that outlives its
// context's deadline becomes 504 TIMEOUT. The caller never sees the
// operator's message or URL: they go to the log as the error's cause.
//
// Each adapter owns one tuned http.Transport (keep-alive, idle and
// per-host connection limits) shared by all its calls, wrapped in the
// operators.RoundTripperDecorator chain of its dependencies (metrics,
// tracing, logging) and, outermost, in the bearer-token decorator.
package camara
