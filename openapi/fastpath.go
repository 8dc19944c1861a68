package openapi

import (
	"context"
	"reflect"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
)

// jsonMediaType is the only media type the fast path reads.
const jsonMediaType = "application/json"

// fastPath accepts, without decoding the body into generic values, the
// requests most calls send: valid parameters and a JSON object of string
// (or integer) properties that the body schema, a plain object, declares. It only ever
// accepts; a request it does not accept is validated by openapi3filter from
// scratch, which also words the error. Its rules are kin-openapi's own:
// parameters and property values are checked by kin-openapi, only the walk
// over the object is done here. So it changes the speed of validation,
// never its verdict or its messages.
type fastPath struct {
	// params are the parameters openapi3filter validates, in its order.
	params []*openapi3.Parameter
	// mediaType is the application/json entry of the request body.
	mediaType *openapi3.MediaType
	// body is the body schema with the options openapi3filter passes to
	// it.
	body *flatShape
}

// newFastPath prepares the fast path of a route, or returns nil when the
// operation falls outside what it can decide exactly or would rarely take
// (an OpenAPI 3.1 document, a body schema that is not a plain object of
// string or integer properties, options that change how bodies are decoded or
// checked).
func newFastPath(route *routers.Route, options *openapi3filter.Options) *fastPath {
	rb := route.Operation.RequestBody
	if rb == nil || rb.Value == nil || route.Spec.IsOpenAPI31OrLater() || !plainOptions(options) {
		return nil
	}
	if sec := route.Operation.Security; sec == nil || len(*sec) != 0 {
		return nil
	}
	mt := rb.Value.Content[jsonMediaType]
	if mt == nil || len(mt.Encoding) != 0 || mt.Schema == nil {
		return nil
	}
	visit := append([]openapi3.SchemaValidationOption{openapi3.VisitAsRequest()}, options.SchemaValidationOptions...)
	body := newFlatShape(mt.Schema.Value, visit)
	if body == nil {
		return nil
	}
	return &fastPath{params: operationParameters(route), mediaType: mt, body: body}
}

// plainOptions reports whether options validate bodies the way the fast
// path reproduces: first error only, no defaults written back, the default
// regular expression engine.
func plainOptions(o *openapi3filter.Options) bool {
	return o != nil && !o.ExcludeRequestBody && !o.MultiError && o.SkipSettingDefaults &&
		!o.ExcludeReadOnlyValidations && o.RegexCompiler == nil
}

// operationParameters lists the parameters openapi3filter.ValidateRequest
// validates, in its order: the path item's, unless the operation overrides
// them, then the operation's.
func operationParameters(route *routers.Route) []*openapi3.Parameter {
	var out []*openapi3.Parameter
	ops := route.Operation.Parameters
	for _, ref := range route.PathItem.Parameters {
		p := ref.Value
		if ops != nil && ops.GetByInAndName(p.In, p.Name) != nil {
			continue
		}
		out = append(out, p)
	}
	for _, ref := range ops {
		out = append(out, ref.Value)
	}
	return out
}

// accepts reports whether the request certainly conforms. It is false
// whenever it cannot be sure.
func (f *fastPath) accepts(ctx context.Context, input *openapi3filter.RequestValidationInput, contentType string, body []byte) bool {
	if len(body) == 0 || !isJSONMediaType(contentType) || !standardJSONDecoder() {
		return false
	}
	for _, p := range f.params {
		if openapi3filter.ValidateParameter(ctx, input, p) != nil {
			return false
		}
	}
	return f.body.accepts(body)
}

// isJSONMediaType reports whether openapi3filter decodes a body of
// contentType with its application/json decoder.
func isJSONMediaType(contentType string) bool {
	mt, _, _ := strings.Cut(contentType, ";")
	return strings.EqualFold(strings.TrimSpace(mt), jsonMediaType)
}

// standardJSONDecoder reports whether application/json bodies are still
// decoded by openapi3filter's own JSON decoder, whose reading the fast path
// reproduces; a decoder registered by someone else turns the fast path off.
func standardJSONDecoder() bool {
	d := openapi3filter.RegisteredBodyDecoder(jsonMediaType)
	return d != nil && reflect.ValueOf(d).Pointer() == reflect.ValueOf(openapi3filter.BodyDecoder(openapi3filter.JSONBodyDecoder)).Pointer()
}
