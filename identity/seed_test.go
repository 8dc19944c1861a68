package identity_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/kycgate/kycgate/internal/testassets"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The seeds whose webhook shapes clients code against.
const (
	seedCustomerAccess = "000_3217e147db7ec040.txt"
	seedBiometric      = "001_1d3171d4117e6d9b.txt"
)

// seedExamples are the JSON examples of the seeds: whole step_completed
// envelopes (seed 000) and step objects (both seeds).
type seedExamples struct {
	envelopes []map[string]any
	steps     []map[string]any
}

var seeds struct {
	sync.Once
	examples seedExamples
}

// loadSeeds parses the seeds' examples once, or skips without ../shared.
func loadSeeds(t *testing.T) seedExamples {
	t.Helper()
	dir := testassets.SharedDir(t, "seeds")
	seeds.Do(func() {
		for _, name := range []string{seedCustomerAccess, seedBiometric} {
			raw, err := os.ReadFile(filepath.Join(dir, name))
			require.NoError(t, err)
			text := stripComments(string(raw))
			for _, obj := range jsonObjects(text, 0) {
				if obj["eventName"] == "step_completed" {
					seeds.examples.envelopes = append(seeds.examples.envelopes, obj)
					seeds.examples.steps = append(seeds.examples.steps, obj["step"].(map[string]any))
				}
			}
			for _, loc := range stepKey.FindAllStringIndex(text, -1) {
				if objs := jsonObjects(text[loc[1]-1:], 1); len(objs) == 1 {
					seeds.examples.steps = append(seeds.examples.steps, objs[0])
				}
			}
		}
	})
	require.NotEmpty(t, seeds.examples.envelopes, "the seeds hold step_completed envelopes")
	require.GreaterOrEqual(t, len(seeds.examples.steps), 20, "the seeds hold step examples")
	return seeds.examples
}

// stepKey finds `"step": {` and `"step" : {` in the seed texts.
var stepKey = regexp.MustCompile(`"step"\s*:\s*\{`)

// comment matches the seeds' " // explanation" line endings.
var comment = regexp.MustCompile(`(?m)\s//\s.*$`)

func stripComments(text string) string { return comment.ReplaceAllString(text, "") }

// jsonObjects returns the brace-balanced objects of text that parse as
// JSON, at most limit (0: all). Fragments that do not parse are skipped.
func jsonObjects(text string, limit int) []map[string]any {
	var out []map[string]any
	depth, start, inString, escaped := 0, -1, false, false
	for i, c := range text {
		switch {
		case inString:
			switch {
			case escaped:
				escaped = false
			case c == '\\':
				escaped = true
			case c == '"':
				inString = false
			}
		case c == '"':
			inString = true
		case c == '{':
			if depth == 0 {
				start = i
			}
			depth++
		case c == '}' && depth > 0:
			depth--
			if depth > 0 {
				continue
			}
			var obj map[string]any
			if json.Unmarshal([]byte(text[start:i+1]), &obj) == nil {
				out = append(out, obj)
				if limit > 0 && len(out) == limit {
					return out
				}
			}
		}
	}
	return out
}

// optionalSeedData are data fields the seeds mark as present only with a
// feature kycgate does not offer (age verification).
var optionalSeedData = []string{"ageEstimated", "ageThreshold"}

// genericCodes are the error codes the seeds show for some steps only but
// that every step raises in the same shape.
var genericCodes = []string{"input.failed", "node.failed", "system.internalError"}

// requireSeedStep checks a step object of ours field by field against the
// seed examples: its error (type, code, message, reason code) must be one
// the seeds show for the same step id (or, for the generic codes, for any
// step), and its keys and data must have the keys and JSON types of a seed
// example of the same step id (a media URL may be null when that medium
// was not captured).
func requireSeedStep(t *testing.T, step map[string]any) {
	t.Helper()
	ex := loadSeeds(t)
	id, _ := step["id"].(string)
	code := errorCodeOf(step)
	errorFound := false
	var sameStep []map[string]any
	for _, s := range ex.steps {
		if s["id"] == id {
			sameStep = append(sameStep, s)
		}
		if (s["id"] == id || slices.Contains(genericCodes, code)) && errorCodeOf(s) == code && sameError(s, step) {
			errorFound = true
		}
	}
	assert.True(t, errorFound, "the seeds show step %q with this error: %v", id, step["error"])
	require.NotEmpty(t, sameStep, "the seeds show step %q", id)
	var problems []string
	for _, seed := range sameStep {
		if problems = stepShapeProblems(seed, step); len(problems) == 0 {
			return
		}
	}
	assert.Failf(t, "the step differs from the seed's shape", "step %s (%s): %v\nours: %v", id, code, problems, step)
}

// errorCodeOf returns a step's error code, "" for a null error.
func errorCodeOf(step map[string]any) string {
	e, _ := step["error"].(map[string]any)
	code, _ := e["code"].(string)
	return code
}

// sameError compares the errors' keys, type, message and reason code.
func sameError(seed, ours map[string]any) bool {
	a, _ := seed["error"].(map[string]any)
	b, _ := ours["error"].(map[string]any)
	if a == nil || b == nil {
		return a == nil && b == nil
	}
	return sameKeys(keysOf(a, nil), keysOf(b, nil)) &&
		a["type"] == b["type"] && a["message"] == b["message"] && a["reasonCode"] == b["reasonCode"]
}

// stepShapeProblems lists the differences between a seed step and ours.
func stepShapeProblems(seed, ours map[string]any) []string {
	var problems []string
	if !sameKeys(keysOf(seed, nil), keysOf(ours, nil)) {
		problems = append(problems, "step keys "+strings.Join(keysOf(ours, nil), ",")+" vs seed "+strings.Join(keysOf(seed, nil), ","))
	}
	if ours["status"] != float64(200) {
		problems = append(problems, "status is not 200")
	}
	seedData, _ := seed["data"].(map[string]any)
	ourData, _ := ours["data"].(map[string]any)
	if !sameKeys(keysOf(seedData, optionalSeedData), keysOf(ourData, nil)) {
		problems = append(problems, "data keys "+strings.Join(keysOf(ourData, nil), ",")+" vs seed "+strings.Join(keysOf(seedData, optionalSeedData), ","))
	}
	for k, v := range ourData {
		if !sameJSONType(seedData[k], v, strings.HasSuffix(k, "Url")) {
			problems = append(problems, "data."+k+" has another type than the seed's")
		}
	}
	return problems
}

// sameJSONType compares the JSON kinds of two decoded values; nullable
// allows ours to be null.
func sameJSONType(seed, ours any, nullable bool) bool {
	if ours == nil {
		return seed == nil || nullable
	}
	switch seed.(type) {
	case string:
		_, ok := ours.(string)
		return ok
	case float64:
		_, ok := ours.(float64)
		return ok
	case bool:
		_, ok := ours.(bool)
		return ok
	case map[string]any:
		o, ok := ours.(map[string]any)
		s := seed.(map[string]any)
		if !ok || !sameKeys(keysOf(s, nil), keysOf(o, nil)) {
			return false
		}
		for k := range s {
			if !sameJSONType(s[k], o[k], false) {
				return false
			}
		}
		return true
	}
	return false
}

// keysOf returns m's keys, sorted, without the skipped ones.
func keysOf(m map[string]any, skip []string) []string {
	out := []string{}
	for k := range m {
		if !slices.Contains(skip, k) {
			out = append(out, k)
		}
	}
	sort.Strings(out)
	return out
}

func sameKeys(a, b []string) bool { return slices.Equal(a, b) }

// requireSeedEnvelope checks a step_completed webhook of ours against the
// seed's envelopes: the same top-level keys with the same types, and its
// step against the seed's steps.
func requireSeedEnvelope(t *testing.T, body map[string]any) {
	t.Helper()
	ex := loadSeeds(t)
	seed := ex.envelopes[0]
	require.Equal(t, keysOf(seed, nil), keysOf(body, nil), "envelope keys as in the seed")
	for _, k := range []string{"resource", "eventName", "flowId", "timestamp"} {
		assert.IsType(t, "", body[k], k)
	}
	assert.IsType(t, map[string]any{}, body["metadata"])
	requireSeedStep(t, body["step"].(map[string]any))
}

func TestSeedParsingFindsTheDocumentedSteps(t *testing.T) {
	ex := loadSeeds(t)
	want := map[string][]string{
		"selfie":       {"", "selfieFraudDetection.fraudAttempt", "selfieFraudDetection.negligence", "selfieFraudDetection.tampered", "system.internalError", "input.failed", "node.failed"},
		"liveness":     {"", "input.failed", "node.failed", "system.internalError", "legacy.error"},
		"facematch":    {"", "legacy.error", "input.failed", "system.internalError"},
		"re-facematch": {"", "facematch.notConfidentComparison"},
	}
	for id, codes := range want {
		for _, code := range codes {
			found := false
			for _, s := range ex.steps {
				found = found || (s["id"] == id && errorCodeOf(s) == code)
			}
			assert.True(t, found, "seed example of %s with %q", id, code)
		}
	}
}
