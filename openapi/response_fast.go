package openapi

import (
	"maps"
	"net/http"
	"slices"
	"strconv"

	"github.com/getkin/kin-openapi/openapi3"
)

// responseFastPath accepts, without decoding the body into generic values,
// the answers an operation usually receives for one declared status: the
// declared headers absent (when optional) or holding a plain string that
// their schema accepts, and a JSON body that a flatShape accepts. Like the
// request fast path it only ever accepts, and every value is checked by
// kin-openapi's own schema code; an answer it does not accept is validated
// by openapi3filter, which also words the problem.
type responseFastPath struct {
	headers []fastHeader
	// content is the response's media types; mediaType its
	// application/json entry.
	content   openapi3.Content
	mediaType *openapi3.MediaType
	body      *flatShape
}

// fastHeader is one declared response header the fast path checks.
type fastHeader struct {
	name     string
	required bool
	schema   *openapi3.Schema
	options  []openapi3.SchemaValidationOption
}

// newResponseFastPaths prepares a fast path for every declared status of
// the operation that it can decide exactly, keyed by status.
func newResponseFastPaths(o *Operation) map[int]*responseFastPath {
	if o.route.Spec.IsOpenAPI31OrLater() {
		return nil
	}
	paths := map[int]*responseFastPath{}
	for code, ref := range o.route.Operation.Responses.Map() {
		status, err := strconv.Atoi(code)
		if err != nil || ref == nil || ref.Value == nil {
			continue
		}
		if f := newResponseFastPath(ref.Value, responseSchemaOptions()); f != nil {
			paths[status] = f
		}
	}
	return paths
}

// responseSchemaOptions are the schema options openapi3filter passes when
// it validates an answer with responseValidationOptions.
func responseSchemaOptions() []openapi3.SchemaValidationOption {
	return slices.Clone(responseValidationOptions.SchemaValidationOptions)
}

// newResponseFastPath prepares the fast path of one declared response, or
// returns nil when the response falls outside what it decides exactly.
func newResponseFastPath(r *openapi3.Response, options []openapi3.SchemaValidationOption) *responseFastPath {
	mt := r.Content[jsonMediaType]
	if mt == nil || len(mt.Encoding) != 0 || mt.Schema == nil {
		return nil
	}
	body := newFlatShape(mt.Schema.Value, append(slices.Clone(options), openapi3.VisitAsResponse()))
	if body == nil {
		return nil
	}
	f := &responseFastPath{content: r.Content, mediaType: mt, body: body}
	for _, name := range slices.Sorted(maps.Keys(r.Headers)) {
		if name == "Content-Type" { // the one header openapi3filter skips
			continue
		}
		h, ok := newFastHeader(name, r.Headers[name], options)
		if !ok {
			return nil
		}
		f.headers = append(f.headers, h)
	}
	return f
}

// newFastHeader prepares the check of a declared header whose value is a
// single plain string in the simple style, the only kind it decides.
func newFastHeader(name string, ref *openapi3.HeaderRef, options []openapi3.SchemaValidationOption) (fastHeader, bool) {
	if ref == nil || ref.Value == nil || ref.Value.Content != nil || ref.Value.Schema == nil {
		return fastHeader{}, false
	}
	h := ref.Value
	s := h.Schema.Value
	if s == nil || len(s.Type.Slice()) != 1 || !s.Type.Is(openapi3.TypeString) ||
		len(s.AllOf) != 0 || len(s.AnyOf) != 0 || len(s.OneOf) != 0 {
		return fastHeader{}, false
	}
	if sm, err := h.SerializationMethod(); err != nil || sm.Style != openapi3.SerializationSimple {
		return fastHeader{}, false
	}
	return fastHeader{name: http.CanonicalHeaderKey(name), required: h.Required, schema: s, options: options}, true
}

// accepts reports whether the answer certainly conforms. It is false
// whenever it cannot be sure.
func (f *responseFastPath) accepts(header http.Header, body []byte) bool {
	if f.content.Get(header.Get("Content-Type")) != f.mediaType {
		return false
	}
	for _, h := range f.headers {
		if !h.accepts(header) {
			return false
		}
	}
	return f.body.accepts(body)
}

// accepts checks the header's value as openapi3filter reads it: the first
// value, a string, checked by the schema; an absent header only when it is
// optional. An empty value is left to openapi3filter.
func (h fastHeader) accepts(header http.Header) bool {
	values, present := header[h.name]
	if !present {
		return !h.required
	}
	if len(values) == 0 || values[0] == "" {
		return false
	}
	return h.schema.VisitJSON(values[0], h.options...) == nil
}
