package store

import (
	"encoding/json"

	"github.com/kycgate/kycgate/internal/flatjson"
	"github.com/kycgate/kycgate/kycmatch"
)

// DecodeAttributes reads a subscriber's stored attributes, a JSON object of
// string values, as both backends keep them. It is on the path of every
// match answered by the reference operator, so the common form is read by
// the flat fast path and anything else by encoding/json, with the same
// result either way.
func DecodeAttributes(raw []byte) (map[string]string, error) {
	attrs := make(map[string]string, len(kycmatch.Attributes))
	if flatjson.Object(raw, func(name, value []byte) bool {
		attrs[attributeName(name)] = string(value)
		return true
	}) {
		return attrs, nil
	}
	clear(attrs)
	if err := json.Unmarshal(raw, &attrs); err != nil {
		return nil, err
	}
	return attrs, nil
}

// attributeName returns name as a string, sharing the KYC Match model's
// own string for the attributes it knows rather than allocating one.
func attributeName(name []byte) string {
	if a, ok := kycmatch.LookupAttribute(string(name)); ok {
		return a.Name
	}
	return string(name)
}
