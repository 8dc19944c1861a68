package auth

import (
	"encoding/json"
	"math"
	"strings"
	"time"
)

// tokenClaims is the verified JWT payload, one raw JSON value per claim name.
type tokenClaims map[string]json.RawMessage

// present reports whether the claim exists and is not JSON null.
func (c tokenClaims) present(name string) bool {
	raw, ok := c[name]
	return ok && string(raw) != "null"
}

// str returns a string claim, "" when absent, and errBadClaimType when the
// claim holds another JSON type.
func (c tokenClaims) str(name string) (string, error) {
	if !c.present(name) {
		return "", nil
	}
	var s string
	if err := json.Unmarshal(c[name], &s); err != nil {
		return "", errBadClaimType
	}
	return s, nil
}

// time returns a NumericDate claim (seconds since the epoch, possibly
// fractional) and whether it was present.
func (c tokenClaims) time(name string) (time.Time, bool, error) {
	if !c.present(name) {
		return time.Time{}, false, nil
	}
	var seconds float64
	if err := json.Unmarshal(c[name], &seconds); err != nil || math.IsInf(seconds, 0) || seconds < 0 {
		return time.Time{}, true, errBadClaimType
	}
	whole, frac := math.Modf(seconds)
	return time.Unix(int64(whole), int64(frac*1e9)), true, nil
}

// stringList returns a claim that is either an array of strings or a single
// space-separated string, split into its items.
func (c tokenClaims) stringList(name string) ([]string, error) {
	if !c.present(name) {
		return nil, nil
	}
	var list []string
	if err := json.Unmarshal(c[name], &list); err == nil {
		return list, nil
	}
	var joined string
	if err := json.Unmarshal(c[name], &joined); err != nil {
		return nil, errBadClaimType
	}
	return strings.Fields(joined), nil
}

// checkValidity applies exp (required), nbf and iat with the leeway and
// returns the expiry. The returned error is a client-ready 401.
func (c tokenClaims) checkValidity(now time.Time, leeway time.Duration) (time.Time, error) {
	expiry, hasExpiry, err := c.time("exp")
	if err != nil {
		return time.Time{}, unauthenticated(msgInvalidToken, err)
	}
	if !hasExpiry {
		return time.Time{}, unauthenticated(msgInvalidToken, errMissingExpiry)
	}
	if !now.Before(expiry.Add(leeway)) {
		return time.Time{}, unauthenticated(msgExpiredToken, errExpired)
	}
	if err := c.checkNotAfterNow("nbf", now, leeway, errNotYetValid); err != nil {
		return time.Time{}, err
	}
	if err := c.checkNotAfterNow("iat", now, leeway, errIssuedInFuture); err != nil {
		return time.Time{}, err
	}
	return expiry, nil
}

// checkNotAfterNow refuses a token whose optional time claim lies further in
// the future than the leeway allows.
func (c tokenClaims) checkNotAfterNow(name string, now time.Time, leeway time.Duration, cause error) error {
	at, present, err := c.time(name)
	if err != nil {
		return unauthenticated(msgInvalidToken, err)
	}
	if present && now.Add(leeway).Before(at) {
		return unauthenticated(msgNotYetValid, cause)
	}
	return nil
}

// scopes merges the "scope" (space-separated string) and "scp" (array, or
// string) claims, dropping duplicates and keeping the first-seen order.
func (c tokenClaims) scopes() ([]string, error) {
	fromScope, err := c.stringList("scope")
	if err != nil {
		return nil, err
	}
	fromScp, err := c.stringList("scp")
	if err != nil {
		return nil, err
	}
	return uniqueNonEmpty(append(fromScope, fromScp...)), nil
}

// uniqueNonEmpty returns items without empty strings and repeats.
func uniqueNonEmpty(items []string) []string {
	seen := make(map[string]bool, len(items))
	out := make([]string, 0, len(items))
	for _, item := range items {
		if item == "" || seen[item] {
			continue
		}
		seen[item] = true
		out = append(out, item)
	}
	return out
}
