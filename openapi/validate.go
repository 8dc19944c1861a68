package openapi

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"maps"
	"mime"
	"net/http"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"

	"github.com/kycgate/kycgate/camara"
)

// Operation is one operation of a Document, resolved once at route
// registration. It is read-only and safe for concurrent use.
type Operation struct {
	route   *routers.Route
	renames map[string]string
	options *openapi3filter.Options
	// content is the request body's media types, nil without a body.
	content openapi3.Content
	// mediaTypes lists the keys of content for error messages.
	mediaTypes string
	// fast accepts the common conforming request cheaply; nil when the
	// operation is outside what it decides exactly.
	fast *fastPath
	// fastResponses accept common conforming answers cheaply, by status.
	fastResponses map[int]*responseFastPath
}

// newOperation wraps a resolved route with the options shared by the
// document and precomputes what the media type check needs.
func newOperation(route *routers.Route, renames map[string]string, options *openapi3filter.Options) *Operation {
	o := &Operation{route: route, renames: renames, options: options, fast: newFastPath(route, options)}
	o.fastResponses = newResponseFastPaths(o)
	if rb := route.Operation.RequestBody; rb != nil && rb.Value != nil && len(rb.Value.Content) > 0 {
		o.content = rb.Value.Content
		keys := slices.Sorted(maps.Keys(o.content))
		o.mediaTypes = strings.Join(keys, " or ")
	}
	return o
}

// ID returns the operationId, e.g. "KYC_Match".
func (o *Operation) ID() string { return o.route.Operation.OperationID }

// Path returns the document's path template, e.g. "/match".
func (o *Operation) Path() string { return o.route.Path }

// Method returns the HTTP method in upper case.
func (o *Operation) Method() string { return o.route.Method }

// validationOptions are the openapi3filter options shared by every operation:
// the first error only, no defaults written back into the request, no
// authentication (the gateway authenticates), values left out of schema error
// texts, and the string formats kycgate enforces.
func validationOptions() *openapi3filter.Options {
	return &openapi3filter.Options{
		ExcludeRequestBody:  false,
		MultiError:          false,
		SkipSettingDefaults: true,
		AuthenticationFunc:  openapi3filter.NoopAuthenticationFunc,
		SchemaValidationOptions: []openapi3.SchemaValidationOption{
			openapi3.DisableSchemaErrorDetails(),
			openapi3.WithStringFormatValidators(stringFormats),
		},
	}
}

// ValidateRequest checks the request's headers, path and query parameters and
// body against the operation. It does not authenticate.
//
// body is the request body the gateway has already read and capped; r.Body is
// ignored and left untouched, and r itself is not modified. pathParams maps
// gin parameter names to their values (gin's c.Params); names are translated
// to the document's when they differ.
//
// The result is nil when the request conforms. Otherwise it is
// camara.ErrInvalidArgument (or camara.ErrUnsupportedMediaType for a body
// that is not of a declared media type) with a message that names the field
// but never contains its value.
func (o *Operation) ValidateRequest(ctx context.Context, r *http.Request, pathParams map[string]string, body []byte) *camara.Error {
	if r == nil {
		return camara.ErrInternal.WithMessage("request validation received no request")
	}
	contentType := r.Header.Get("Content-Type")
	if e := o.checkMediaType(contentType, body); e != nil {
		return e
	}
	params := o.documentPathParams(pathParams)
	if o.acceptsFast(ctx, r, params, contentType, body) {
		return nil
	}
	return o.validateFully(ctx, r, params, body)
}

// acceptsFast reports whether the fast path can accept the request on its
// own (see fastPath).
func (o *Operation) acceptsFast(ctx context.Context, r *http.Request, params map[string]string, contentType string, body []byte) bool {
	if o.fast == nil || o.content.Get(contentType) != o.fast.mediaType {
		return false
	}
	input := &openapi3filter.RequestValidationInput{Request: r, PathParams: params, Route: o.route, Options: o.options}
	return o.fast.accepts(ctx, input, contentType, body)
}

// validateFully validates the request with openapi3filter and words its
// error.
func (o *Operation) validateFully(ctx context.Context, r *http.Request, params map[string]string, body []byte) *camara.Error {
	input := &openapi3filter.RequestValidationInput{
		Request:    withBody(r, body),
		PathParams: params,
		Route:      o.route,
		Options:    o.options,
	}
	if err := openapi3filter.ValidateRequest(ctx, input); err != nil {
		return fromValidationError(err)
	}
	if len(body) > 0 && !(json.Valid(body) && utf8.Valid(body)) {
		// The decoder reads only the first JSON value and replaces invalid
		// UTF-8; trailing data or broken text would otherwise go unnoticed.
		return camara.ErrInvalidArgument.WithMessage("request body is not valid JSON")
	}
	return nil
}

// checkMediaType refuses a non-empty body whose Content-Type the operation
// does not declare, before the body is decoded.
func (o *Operation) checkMediaType(contentType string, body []byte) *camara.Error {
	if len(body) == 0 || o.content == nil {
		return nil
	}
	if _, _, err := mime.ParseMediaType(contentType); err != nil || o.content.Get(contentType) == nil {
		return camara.ErrUnsupportedMediaType.WithMessage("request body must be sent as %s", o.mediaTypes)
	}
	return nil
}

// withBody returns a shallow copy of r whose body reads body, so that
// openapi3filter can consume it without touching the caller's request.
func withBody(r *http.Request, body []byte) *http.Request {
	c := new(http.Request)
	*c = *r
	c.Body = io.NopCloser(bytes.NewReader(body))
	c.GetBody = nil
	c.ContentLength = int64(len(body))
	if len(body) == 0 {
		c.Body = http.NoBody
	}
	return c
}

// documentPathParams renames gin path parameters to the document's names.
func (o *Operation) documentPathParams(pathParams map[string]string) map[string]string {
	if len(o.renames) == 0 || len(pathParams) == 0 {
		return pathParams
	}
	out := make(map[string]string, len(pathParams))
	for name, value := range pathParams {
		if docName, ok := o.renames[name]; ok {
			name = docName
		}
		out[name] = value
	}
	return out
}
