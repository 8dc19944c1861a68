package openapi

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"unicode/utf8"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
)

// ErrResponseNotConforming is wrapped by every error of ValidateResponse.
var ErrResponseNotConforming = errors.New("openapi: response does not conform")

// responseValidationOptions are the openapi3filter options for checking an
// answer: an undeclared status is an error, the first problem only, and no
// values in the schema error texts.
var responseValidationOptions = &openapi3filter.Options{
	IncludeResponseStatus: true,
	MultiError:            false,
	AuthenticationFunc:    openapi3filter.NoopAuthenticationFunc,
	SchemaValidationOptions: []openapi3.SchemaValidationOption{
		openapi3.DisableSchemaErrorDetails(),
		openapi3.WithStringFormatValidators(stringFormats),
	},
}

// ValidateResponse checks an answer to the operation, typically one received
// from an upstream operator that serves the same API, against the document:
// the status must be declared by the operation, the declared headers (such
// as x-correlator) must fit their schemas, and the body must be valid UTF-8
// JSON of a declared media type that fits the status's schema.
//
// The result is nil when the answer conforms, and otherwise an error
// wrapping ErrResponseNotConforming that says what is wrong. It is meant
// for logs: the caller of the gateway must never see it.
func (o *Operation) ValidateResponse(ctx context.Context, status int, header http.Header, body []byte) error {
	if f := o.fastResponses[status]; f != nil && f.accepts(header, body) {
		return nil
	}
	return o.validateResponseFully(ctx, status, header, body)
}

// validateResponseFully is ValidateResponse through openapi3filter alone.
func (o *Operation) validateResponseFully(ctx context.Context, status int, header http.Header, body []byte) error {
	if len(body) > 0 && !(utf8.Valid(body) && json.Valid(body)) {
		return fmt.Errorf("%w: status %d: the body is not valid JSON", ErrResponseNotConforming, status)
	}
	if header == nil {
		header = http.Header{}
	}
	input := &openapi3filter.ResponseValidationInput{
		RequestValidationInput: &openapi3filter.RequestValidationInput{
			Request: &http.Request{Method: o.route.Method, URL: &url.URL{Path: o.route.Path}, Header: http.Header{}},
			Route:   o.route,
			Options: responseValidationOptions,
		},
		Status:  status,
		Header:  header,
		Body:    io.NopCloser(bytes.NewReader(body)),
		Options: responseValidationOptions,
	}
	if err := openapi3filter.ValidateResponse(ctx, input); err != nil {
		return fmt.Errorf("%w: status %d: %s", ErrResponseNotConforming, status, responseProblem(err))
	}
	return nil
}

// responseProblem describes a validation error briefly, without any value
// of the answer (an operator's answer may carry personal data, in its body
// or its headers): the reason of a ResponseError and, for a schema error,
// the failing field and the schema's reason. Other causes, whose text
// kin-openapi builds around the offending value (a header that does not
// parse, say), are named by the reason alone.
func responseProblem(err error) string {
	var re *openapi3filter.ResponseError
	if !errors.As(err, &re) {
		return "the answer does not match the operation"
	}
	var se *openapi3.SchemaError
	if errors.As(re.Err, &se) {
		se = innermostSchemaError(se)
		if field := joinPath(se.JSONPointer()); field != "" {
			return re.Reason + ": " + field + ": " + se.Reason
		}
		return re.Reason + ": " + se.Reason
	}
	return re.Reason
}

// innermostSchemaError follows an allOf, anyOf or oneOf failure down to the
// first schema error that caused it, which names the failing field.
func innermostSchemaError(se *openapi3.SchemaError) *openapi3.SchemaError {
	for se.Origin != nil {
		var causes openapi3.MultiError
		if !errors.As(se.Origin, &causes) || len(causes) == 0 {
			return se
		}
		var inner *openapi3.SchemaError
		if !errors.As(causes[0], &inner) {
			return se
		}
		se = inner
	}
	return se
}
