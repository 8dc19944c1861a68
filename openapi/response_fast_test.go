package openapi

import (
	"context"
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// responseCase is one answer given to both response validators.
type responseCase struct {
	status int
	header http.Header
	body   string
}

// fastResponseBodies are answers the response fast path must never accept
// when openapi3filter refuses them, with the usual conforming ones.
var fastResponseBodies = []string{
	`{"givenNameMatch":"true","familyNameMatch":"false","familyNameMatchScore":82}`,
	`{}`,
	`{"givenNameMatch":"maybe"}`,
	`{"givenNameMatch":true}`,
	`{"givenNameMatch":"false","givenNameMatchScore":100}`,
	`{"givenNameMatch":"false","givenNameMatchScore":99}`,
	`{"givenNameMatch":"false","givenNameMatchScore":-1}`,
	`{"givenNameMatch":"false","givenNameMatchScore":82.5}`,
	`{"givenNameMatch":"false","givenNameMatchScore":8e1}`,
	`{"givenNameMatch":"false","givenNameMatchScore":"82"}`,
	`{"givenNameMatch":"false","givenNameMatchScore":null}`,
	`{"givenNameMatch":"true","givenNameMatch":"true"}`,
	`{"givenNameMatch":"true","operatorTrace":"x"}`,
	`{"status":404,"code":"IDENTIFIER_NOT_FOUND","message":"x"}`,
	`{"status":404,"code":"SERVICE_NOT_APPLICABLE","message":"x"}`,
	`{"status":403,"code":"KNOW_YOUR_CUSTOMER.ID_DOCUMENT_REQUIRED","message":"x"}`,
	`{"status":422,"code":"SERVICE_NOT_APPLICABLE"}`,
	`{"status":"404","code":"IDENTIFIER_NOT_FOUND","message":"x"}`,
	`{"givenNameMatch":"true"`,
	"{\"givenNameMatch\":\"\xff\"}",
	`[]`,
	``,
}

// fastResponseHeaders are answer headers for the same purpose.
var fastResponseHeaders = []http.Header{
	{"Content-Type": {"application/json"}},
	{"Content-Type": {"application/json; charset=utf-8"}},
	{"Content-Type": {"text/html"}},
	{},
	{"Content-Type": {"application/json"}, "X-Correlator": {"b4333c46-49c0-4f62-80d7-f0ef930f1c46"}},
	{"Content-Type": {"application/json"}, "X-Correlator": {"urn:x.1"}},
	{"Content-Type": {"application/json"}, "X-Correlator": {""}},
	{"Content-Type": {"application/json"}, "X-Correlator": {}},
}

// responseCases crosses the bodies, headers and a few statuses.
func responseCases() []responseCase {
	var cases []responseCase
	for _, status := range []int{200, 400, 403, 404, 418, 422} {
		for _, header := range fastResponseHeaders {
			for _, body := range fastResponseBodies {
				cases = append(cases, responseCase{status, header, body})
			}
		}
	}
	return cases
}

func TestResponseFastPathNeverAcceptsWhatOpenAPI3FilterRefuses(t *testing.T) {
	for _, version := range []string{"v0.3", "v0.4"} {
		op := matchOperation(t, version)
		require.NotNil(t, op.fastResponses[http.StatusOK], "match answers take the fast path")
		for _, c := range responseCases() {
			f := op.fastResponses[c.status]
			if f == nil || !f.accepts(c.header, []byte(c.body)) {
				continue
			}
			err := op.validateResponseFully(context.Background(), c.status, c.header, []byte(c.body))
			assert.NoError(t, err, "%s: fast path accepted status %d header %v body %q", version, c.status, c.header, c.body)
		}
	}
}

func TestResponseFastPathTakesUsualAnswers(t *testing.T) {
	op := matchOperation(t, "v0.4")
	json := http.Header{"Content-Type": {"application/json"}}
	correlated := http.Header{"Content-Type": {"application/json"}, "X-Correlator": {"abc-123"}}
	for _, c := range []responseCase{
		{200, json, `{"givenNameMatch":"true","familyNameMatch":"false","familyNameMatchScore":82}`},
		{200, correlated, `{"nameMatch":"not_available"}`},
	} {
		f := op.fastResponses[c.status]
		require.NotNil(t, f, "status %d", c.status)
		assert.True(t, f.accepts(c.header, []byte(c.body)), "status %d body %s", c.status, c.body)
	}
}

// TestResponseFastPathAgreesOnEveryDocument sends, for every status of
// every operation the fast path serves, answers built from the status's
// own schema.
func TestResponseFastPathAgreesOnEveryDocument(t *testing.T) {
	served := 0
	json := http.Header{"Content-Type": {"application/json"}}
	for key, op := range everyOperation(t) {
		for status, f := range op.fastResponses {
			served++
			for _, body := range schemaBodies(f.mediaType.Schema.Value) {
				fast := f.accepts(json, []byte(body))
				full := op.validateResponseFully(context.Background(), status, json, []byte(body))
				if fast {
					assert.NoError(t, full, "%s %d body %s", key, status, body)
				}
			}
		}
	}
	assert.Positive(t, served)
}

// FuzzResponseFastPathNeverAcceptsWhatOpenAPI3FilterRefuses checks the
// fast path against openapi3filter alone on arbitrary answer bodies.
func FuzzResponseFastPathNeverAcceptsWhatOpenAPI3FilterRefuses(f *testing.F) {
	for _, body := range fastResponseBodies {
		f.Add(200, body)
		f.Add(404, body)
	}
	json := http.Header{"Content-Type": {"application/json"}}
	f.Fuzz(func(t *testing.T, status int, body string) {
		for _, version := range []string{"v0.3", "v0.4"} {
			op := matchOperation(t, version)
			fp := op.fastResponses[status]
			if fp == nil || !fp.accepts(json, []byte(body)) {
				continue
			}
			require.NoError(t, op.validateResponseFully(context.Background(), status, json, []byte(body)), "%s %d %q", version, status, body)
		}
	})
}
