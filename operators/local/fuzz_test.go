package local

import (
	"bytes"
	"errors"
	"testing"
)

// FuzzParseImport checks that no input makes ParseImport panic, that every
// failure is an *ImportError whose problems point at lines of the input, and
// that every accepted record is sound.
func FuzzParseImport(f *testing.F) {
	f.Add(DemoSubscribers)
	f.Add([]byte(`{"subscribers": [{"phoneNumber": "+34600000001", "lineType": "mobile", "gender": "X"}]}`))
	f.Add([]byte(`{"subscribers": [1, [2], {"a": {"b": [3]}}]} x`))
	f.Add([]byte("\uFEFF{\n\"subscribers\": [\n{,\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		subs, err := ParseImport(bytes.NewReader(data))
		if err != nil {
			var ie *ImportError
			if !errors.As(err, &ie) || len(ie.Problems) == 0 {
				t.Fatalf("error is not an ImportError with problems: %v", err)
			}
			lines := bytes.Count(data, []byte("\n")) + 1
			for _, p := range ie.Problems {
				if p.Line < 1 || p.Line > lines {
					t.Fatalf("problem on line %d of a %d-line input: %v", p.Line, lines, p)
				}
			}
			return
		}
		for _, s := range subs {
			if !phonePattern.MatchString(s.PhoneNumber) || !knownLineType(s.LineType) {
				t.Fatalf("accepted an unsound record")
			}
		}
	})
}
