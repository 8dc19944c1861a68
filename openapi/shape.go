package openapi

import (
	"encoding/json"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/kycgate/kycgate/internal/flatjson"
)

// maxFlatProperties bounds the properties a flatShape tracks in one bit
// set.
const maxFlatProperties = 64

// flatShape is a plain object schema whose properties are all strings or
// integers, indexed so that the fast paths can check a body with one walk
// over its members (flatjson.Members) instead of decoding it into generic
// values. Every value is still checked by kin-openapi's own VisitJSON, with
// the value kin-openapi's JSON decoder would produce (a string, or a
// json.Number for an integer), so a body the shape accepts is one that
// kin-openapi accepts.
type flatShape struct {
	properties map[string]flatProperty
	// required has the bit of every required property set.
	required uint64
	// options are those kin-openapi passes when it visits the body.
	options []openapi3.SchemaValidationOption
}

// flatProperty is one declared property of the object.
type flatProperty struct {
	bit  uint64
	kind flatjson.Kind
	// schema checks the value; nil when it accepts any value of its kind.
	schema *openapi3.Schema
}

// newFlatShape indexes s, or returns nil when s is not a plain object (see
// isPlainObject) or declares a property that is neither a string nor an
// integer, or more than maxFlatProperties of them.
func newFlatShape(s *openapi3.Schema, options []openapi3.SchemaValidationOption) *flatShape {
	if !isPlainObject(s) || len(s.Properties) > maxFlatProperties {
		return nil
	}
	f := &flatShape{properties: make(map[string]flatProperty, len(s.Properties)), options: options}
	i := 0
	for name, ref := range s.Properties {
		p := ref.Value
		kind, ok := flatKind(p)
		if !ok {
			return nil
		}
		fp := flatProperty{bit: 1 << i, kind: kind, schema: p}
		if isPlainString(p) {
			fp.schema = nil
		}
		f.properties[name] = fp
		i++
	}
	for _, name := range s.Required {
		p, ok := f.properties[name]
		if !ok {
			return nil
		}
		f.required |= p.bit
	}
	return f
}

// flatKind returns the kind of JSON value a property schema of exactly one
// type, string or integer, takes.
func flatKind(p *openapi3.Schema) (flatjson.Kind, bool) {
	if p == nil || p.ReadOnly || p.WriteOnly || len(p.Type.Slice()) != 1 {
		return 0, false
	}
	switch {
	case p.Type.Is(openapi3.TypeString):
		return flatjson.String, true
	case p.Type.Is(openapi3.TypeInteger):
		return flatjson.Integer, true
	}
	return 0, false
}

// accepts reports whether body is one JSON object whose members are each
// declared, sent once, of their property's kind and accepted by its
// schema, with every required property present. It is false whenever it
// cannot be sure.
func (f *flatShape) accepts(body []byte) bool {
	var seen uint64
	ok := flatjson.Members(body, func(name, value []byte, kind flatjson.Kind) bool {
		p, known := f.properties[string(name)]
		if !known || seen&p.bit != 0 || kind != p.kind {
			return false
		}
		seen |= p.bit
		return p.schema == nil || p.schema.VisitJSON(decodedValue(value, kind), f.options...) == nil
	})
	return ok && seen&f.required == f.required
}

// decodedValue is the value kin-openapi's JSON body decoder, which reads
// numbers as json.Number, produces for a member.
func decodedValue(value []byte, kind flatjson.Kind) any {
	if kind == flatjson.Integer {
		return json.Number(value)
	}
	return string(value)
}

// isPlainObject reports whether s constrains a value only by being an
// object, its properties, additionalProperties and required: with those
// keywords removed, kin-openapi would find it empty.
func isPlainObject(s *openapi3.Schema) bool {
	if s == nil || s.Always != nil || !s.Type.Is(openapi3.TypeObject) {
		return false
	}
	rest := *s
	rest.Type, rest.Properties, rest.Required = nil, nil, nil
	rest.AdditionalProperties = openapi3.AdditionalProperties{}
	return rest.IsEmpty()
}

// isPlainString reports whether s accepts every string: type string and no
// other constraint.
func isPlainString(s *openapi3.Schema) bool {
	if s.Always != nil || !s.Type.Is(openapi3.TypeString) {
		return false
	}
	rest := *s
	rest.Type = nil
	return rest.IsEmpty()
}
