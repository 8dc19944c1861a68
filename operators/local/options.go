package local

import (
	"bytes"
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"github.com/kycgate/kycgate/kycmatch"
)

// Options configure a local operator; they are the JSON object under the
// operator's options key.
type Options struct {
	// RequireIDDocument makes idDocument mandatory and checked first.
	RequireIDDocument bool `json:"requireIdDocument"`
	// UnsupportedLineTypes lists the line types answered with
	// SERVICE_NOT_APPLICABLE.
	UnsupportedLineTypes []kycmatch.LineType `json:"unsupportedLineTypes"`
}

// DefaultOptions are the options used for keys left out: no idDocument
// requirement, and IoT and business lines not served.
func DefaultOptions() Options {
	return Options{UnsupportedLineTypes: []kycmatch.LineType{kycmatch.LineIoT, kycmatch.LineBusiness}}
}

// ParseOptions decodes raw options over DefaultOptions. Empty or null raw
// options give the defaults; unknown keys (matched case-sensitively),
// unknown line types and content after the object are refused.
func ParseOptions(raw json.RawMessage) (Options, error) {
	o := DefaultOptions()
	if len(bytes.TrimSpace(raw)) == 0 {
		return o, nil
	}
	if err := checkOptionKeys(raw); err != nil {
		return Options{}, err
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&o); err != nil {
		return Options{}, fmt.Errorf("local operator options: %w", err)
	}
	for _, lt := range o.UnsupportedLineTypes {
		if !knownLineType(lt) {
			return Options{}, fmt.Errorf("local operator options: unsupportedLineTypes: unknown line type %q (known: %s)", lt, lineTypeList())
		}
	}
	return o, nil
}

// optionKeys are the option names, spelled exactly.
var optionKeys = []string{"requireIdDocument", "unsupportedLineTypes"}

// checkOptionKeys refuses keys that are not spelled exactly as in
// optionKeys; encoding/json alone would accept them in any letter case.
func checkOptionKeys(raw json.RawMessage) error {
	var members map[string]json.RawMessage
	if err := json.Unmarshal(raw, &members); err != nil {
		return fmt.Errorf("local operator options: %w", err)
	}
	for key := range members {
		if !slices.Contains(optionKeys, key) {
			return fmt.Errorf("local operator options: unknown option %q (known: %s)", key, strings.Join(optionKeys, ", "))
		}
	}
	return nil
}
