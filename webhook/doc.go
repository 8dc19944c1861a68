// Package webhook delivers the events of kycgate's outbox to merchants.
//
// A state change and the events reporting it are written in one store
// transaction (store.Outbox); a Worker then claims due events, POSTs each
// one's JSON payload to the receiver and records every attempt. Delivery is
// at least once: receivers deduplicate on the event id.
//
// # Requests
//
// Every delivery is a POST with Content-Type application/json and these
// headers:
//
//	x-signature        hex HMAC-SHA256 of the raw body, keyed with the flow's webhook secret
//	x-event-id         the event id, the same on every attempt
//	x-event-name       the envelope's eventName
//	x-event-timestamp  when the event was written, RFC 3339 UTC with milliseconds
//	x-delivery-attempt 1 for the first attempt, then 2, 3, ...
//
// A receiver recomputes the HMAC over the exact bytes it received and
// compares it in constant time (VerifySignature), then drops event ids it
// has already processed. The body's own timestamp is covered by the
// signature, so an old body cannot be replayed with a new date.
//
// # Retries
//
// A 2xx answer delivers the event. A timeout, a connection failure or any
// other status (redirects are not followed) is retried with exponential
// backoff and jitter — attempt n waits between d/2 and d with d =
// InitialBackoff·2^(n−1), capped at MaxBackoff — until the event's deadline
// (created + DeliveryWindow); an event still failing then is marked failed.
// The events of one resource (one verification) are delivered in the order
// they were written: a later event waits while an earlier one is pending.
// A worker leases the events it claims; after a crash they become due again
// when the lease runs out, so nothing is lost, and a restart resumes where
// the last run stopped.
//
// # Retention
//
// Payloads carry personal data (NFC results, merchant metadata) and each
// event holds the secret it is signed with. Once an event is delivered or
// failed and PayloadRetention has passed, the worker erases both in
// batches of PurgeBatch every PurgeInterval (store.Outbox.PurgePayloads):
// the payload becomes {} and the event's purge time is recorded, while its
// id, status, attempts and history stay readable. A purged event cannot be
// redelivered (store.ErrPayloadPurged).
//
// # Server-side request forgery
//
// Webhook URLs are chosen by merchants, so the Guard refuses, when a flow is
// saved and again at connect time against the address the name resolved to
// (net.Dialer.Control, so DNS rebinding cannot slip through): any scheme but
// https, and loopback, private, link-local, carrier-grade NAT, multicast,
// unspecified and reserved addresses. The operator may allow http and
// private networks (the demo and the tests do); cloud metadata addresses
// stay refused in every case. Proxies from the environment are not used.
//
// # Observability
//
// Each attempt is a client span "POST webhook" whose W3C traceparent is
// sent with the request; it carries the event's id, name and attempt
// number and the receiver's host, never the URL's path or query (a
// merchant's choice that may hold tokens). With Config.Observer set, every
// recorded attempt is counted as delivered, retry or failed, and the
// outbox depth is reported each poll interval.
package webhook
