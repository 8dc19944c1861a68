package config

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const testKey = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"

func TestProfilesDefaultsAreValidAndDisabled(t *testing.T) {
	p := DefaultProfiles()
	assert.False(t, p.Enabled)
	assert.Empty(t, p.validate(""))
	assert.Len(t, p.Risk.Weights, 12)
}

func TestProfilesParseOverridesSomeWeights(t *testing.T) {
	raw := `
verifications:
  template_key: ${TPL}
profiles:
  enabled: true
  reference_key: ${REF}
  merchants:
    - {client_id: merchant-a, vertical: Lending, country: US}
  risk:
    threshold: 40
    weights:
      IP_TOR: 35
`
	env := map[string]string{"TPL": testKey, "REF": testKey}
	cfg, err := Parse([]byte(raw), func(k string) (string, bool) { v, ok := env[k]; return v, ok })
	require.NoError(t, err)
	assert.True(t, cfg.Profiles.Enabled)
	assert.Equal(t, 40.0, cfg.Profiles.Risk.Threshold)
	assert.Equal(t, 35.0, cfg.Profiles.Risk.Weights["IP_TOR"])
	assert.Equal(t, 60.0, cfg.Profiles.Risk.Weights["FACE_OTHER_DOCUMENT"], "weights not written keep their defaults")
	assert.Equal(t, []ProfileMerchant{{ClientID: "merchant-a", Vertical: "Lending", Country: "US"}}, cfg.Profiles.Merchants)

	_, err = Parse([]byte("profiles:\n  risk:\n    treshold: 40\n"), func(string) (string, bool) { return "", false })
	require.Error(t, err, "unknown keys are refused")
}

func TestProfilesValidateReportsEveryProblem(t *testing.T) {
	p := DefaultProfiles()
	p.Enabled = true
	p.Risk.Threshold = 100
	p.Risk.Weights["IP_TOR"] = 101
	p.Risk.Weights["lower case"] = 1
	p.Risk.WatchlistThreshold = 0
	p.Risk.RepeatedDecisions.MinMerchants = 0
	p.Risk.Velocity.MinMerchants = 1
	p.Risk.MaxFaceProbes = 0
	p.FaceIndex.MaxTemplates = 0
	p.Lists.MaxBytes = 10
	p.Merchants = []ProfileMerchant{{ClientID: "a", Country: "usa"}, {ClientID: "a"}, {}}
	errs := p.validate("")
	var all []string
	for _, err := range errs {
		all = append(all, err.Error())
	}
	joined := strings.Join(all, "\n")
	for _, want := range []string{
		"profiles.risk.threshold", "profiles.risk.weights.IP_TOR", `"lower case" is not a reason code`,
		"profiles.risk.watchlist_threshold", "profiles.risk.repeated_decisions", "profiles.risk.velocity",
		"profiles.risk.max_face_probes", "profiles.face_index.max_templates", "profiles.lists",
		"profiles.merchants[0].country", "profiles.merchants[1].client_id: listed twice", "profiles.merchants[2].client_id: required",
		"profiles.reference_key", "verifications.template_key",
	} {
		assert.Contains(t, joined, want)
	}
}

func TestProfilesKeysAreRequiredOnlyWhenEnabled(t *testing.T) {
	p := DefaultProfiles()
	assert.Empty(t, p.validate(""))
	p.Enabled = true
	assert.Len(t, p.validate(""), 2)
	p.ReferenceKey = testKey
	assert.Empty(t, p.validate(testKey))
}
