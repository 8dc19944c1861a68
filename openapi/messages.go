package openapi

import (
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"

	"github.com/kycgate/kycgate/camara"
)

// maxNameLength caps a property or parameter name quoted in a message: names
// of unknown properties come from the client.
const maxNameLength = 64

// fromValidationError turns an openapi3filter error into a CAMARA error whose
// message names the field. It reads only the structure of the error (field
// names, schema keywords and schema values), never the rejected value, and
// does not keep err as a cause because its text may contain the value.
func fromValidationError(err error) *camara.Error {
	var re *openapi3filter.RequestError
	if !errors.As(err, &re) {
		return camara.ErrInvalidArgument.WithMessage("the request does not conform to the API")
	}
	switch {
	case re.Parameter != nil:
		return camara.ErrInvalidArgument.WithMessage("%s", parameterMessage(re.Parameter, re.Err))
	case re.RequestBody != nil:
		return camara.ErrInvalidArgument.WithMessage("%s", bodyMessage(re.Err))
	default:
		return camara.ErrInvalidArgument.WithMessage("the request does not conform to the API")
	}
}

// parameterMessage describes what is wrong with a header, path, query or
// cookie parameter.
func parameterMessage(p *openapi3.Parameter, cause error) string {
	subject := parameterSubject(p)
	var se *openapi3.SchemaError
	switch {
	case errors.Is(cause, openapi3filter.ErrInvalidRequired):
		return subject + " is required"
	case errors.Is(cause, openapi3filter.ErrInvalidEmptyValue):
		return subject + " must not be empty"
	case errors.As(cause, &se):
		return schemaMessage(subject, se)
	case p.Schema != nil && p.Schema.Value != nil:
		// A value that cannot be parsed as the schema's type.
		return subject + " is invalid: must be " + typeName(p.Schema.Value)
	default:
		return subject + " is malformed"
	}
}

// parameterSubject names a parameter with its location, e.g.
// `header "x-correlator"` or `path parameter "verificationId"`.
func parameterSubject(p *openapi3.Parameter) string {
	where := p.In + " parameter"
	if p.In == openapi3.ParameterInHeader {
		where = "header"
	}
	return fmt.Sprintf("%s %q", where, clip(p.Name))
}

// bodyMessage describes what is wrong with the request body.
func bodyMessage(cause error) string {
	var se *openapi3.SchemaError
	var pe *openapi3filter.ParseError
	switch {
	case errors.Is(cause, openapi3filter.ErrInvalidRequired):
		return "request body is required"
	case errors.As(cause, &se):
		return bodySchemaMessage(se)
	case errors.As(cause, &pe):
		return "request body is not valid JSON"
	default:
		return "request body is malformed"
	}
}

// bodySchemaMessage describes a schema violation inside the body, naming the
// property by its JSON path.
func bodySchemaMessage(se *openapi3.SchemaError) string {
	path := se.JSONPointer()
	if unknown, ok := unknownProperty(se); ok {
		return fmt.Sprintf("request body property %q is not allowed", joinPath(append(path, unknown)))
	}
	if len(path) == 0 {
		if se.SchemaField == "type" || se.SchemaField == "nullable" {
			return "request body must be " + typeName(se.Schema)
		}
		return schemaMessage("request body", se)
	}
	return schemaMessage(fmt.Sprintf("request body property %q", joinPath(path)), se)
}

// unknownProperty returns the first property of the object that the schema
// does not define, when se reports additionalProperties: false.
func unknownProperty(se *openapi3.SchemaError) (string, bool) {
	if se.SchemaField != "properties" || se.Schema == nil {
		return "", false
	}
	object, ok := se.Value.(map[string]any)
	if !ok {
		return "", false
	}
	for _, name := range slices.Sorted(maps.Keys(object)) {
		if _, known := se.Schema.Properties[name]; !known {
			return name, true
		}
	}
	return "", false
}

// schemaMessage states which constraint of the schema the subject breaks,
// using only the schema, never the value.
func schemaMessage(subject string, se *openapi3.SchemaError) string {
	s := se.Schema
	if s == nil {
		return subject + " is invalid"
	}
	switch se.SchemaField {
	case "pattern":
		return fmt.Sprintf("%s does not match the required pattern %s", subject, s.Pattern)
	case "required":
		return subject + " is required"
	}
	return subject + " is invalid: " + constraintText(se.SchemaField, s)
}

// constraintText says what the schema keyword field demands.
func constraintText(field string, s *openapi3.Schema) string {
	switch field {
	case "type", "nullable":
		return "must be " + typeName(s)
	case "enum":
		return "must be one of " + enumList(s.Enum)
	case "format":
		return formatText(s.Format)
	case "minLength":
		return fmt.Sprintf("must be at least %d characters long", s.MinLength)
	case "maxLength":
		return fmt.Sprintf("must be at most %d characters long", derefUint(s.MaxLength))
	case "minimum", "exclusiveMinimum":
		return fmt.Sprintf("must not be below %v", derefFloat(s.Min))
	case "maximum", "exclusiveMaximum":
		return fmt.Sprintf("must not be above %v", derefFloat(s.Max))
	default:
		return fmt.Sprintf("does not satisfy %q", field)
	}
}

// formatText describes a string format.
func formatText(format string) string {
	switch format {
	case "date":
		return "must be a date (YYYY-MM-DD)"
	case "date-time":
		return "must be a date-time (RFC 3339)"
	case "email":
		return "must be an email address (local-part@domain)"
	default:
		return fmt.Sprintf("must have the format %q", format)
	}
}

// typeName names the JSON type the schema allows, with its article.
func typeName(s *openapi3.Schema) string {
	if s == nil || s.Type == nil || len(*s.Type) == 0 {
		return "a valid value"
	}
	names := make([]string, 0, len(*s.Type))
	for _, t := range *s.Type {
		switch t {
		case openapi3.TypeObject:
			names = append(names, "a JSON object")
		case openapi3.TypeArray:
			names = append(names, "an array")
		case openapi3.TypeInteger:
			names = append(names, "an integer")
		default:
			names = append(names, "a "+t)
		}
	}
	return strings.Join(names, " or ")
}

// enumList renders the allowed values of an enum, e.g. `"MALE", "FEMALE"`.
func enumList(values []any) string {
	parts := make([]string, 0, len(values))
	for _, v := range values {
		if s, ok := v.(string); ok {
			parts = append(parts, fmt.Sprintf("%q", s))
			continue
		}
		parts = append(parts, fmt.Sprint(v))
	}
	return strings.Join(parts, ", ")
}

// joinPath renders a JSON path as "a.b.0", each element clipped.
func joinPath(path []string) string {
	clipped := make([]string, len(path))
	for i, p := range path {
		clipped[i] = clip(p)
	}
	return strings.Join(clipped, ".")
}

// clip shortens a client-chosen name to maxNameLength bytes on a rune
// boundary.
func clip(name string) string {
	if len(name) <= maxNameLength {
		return name
	}
	cut := maxNameLength
	for cut > 0 && !isRuneStart(name[cut]) {
		cut--
	}
	return name[:cut] + "…"
}

// isRuneStart reports whether b begins a UTF-8 encoded rune.
func isRuneStart(b byte) bool { return b&0xC0 != 0x80 }

func derefUint(p *uint64) uint64 {
	if p == nil {
		return 0
	}
	return *p
}

func derefFloat(p *float64) float64 {
	if p == nil {
		return 0
	}
	return *p
}
