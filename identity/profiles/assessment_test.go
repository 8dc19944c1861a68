package profiles

import (
	"encoding/json"
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kycgate/kycgate/config"
)

func TestNewAssessmentExplainsEveryPoint(t *testing.T) {
	now := time.Date(2025, 1, 2, 3, 4, 5, 0, time.UTC)
	tests := []struct {
		name      string
		in        []Indicator
		score     float64
		risky     bool
		reason    string
		message   string
		threshold float64
	}{
		{"nothing", nil, 0, false, "", "", 50},
		{"one", []Indicator{{"IP_TOR", 25, "tor"}}, 25, false, "IP_TOR", "IP_TOR (+25.0): tor", 50},
		{"heaviest first, then by code", []Indicator{{"B", 10, "b"}, {"C", 30, "c"}, {"A", 10, "a"}}, 50, false, "C",
			"C (+30.0): c; A (+10.0): a; B (+10.0): b", 50},
		{"a code counts once", []Indicator{{"A", 30, "newest"}, {"A", 30, "older"}}, 30, false, "A", "A (+30.0): newest", 50},
		{"disabled weights are dropped", []Indicator{{"A", 0, "a"}, {"B", 12.25, "b"}}, 12.3, false, "B", "B (+12.3): b", 50},
		{"capped at 100", []Indicator{{"A", 70, "a"}, {"B", 60, "b"}}, 100, true, "A", "A (+70.0): a; B (+60.0): b", 50},
		{"above the threshold is risky", []Indicator{{"A", 50.5, "a"}}, 50.5, true, "A", "A (+50.5): a", 50},
		{"at the threshold is not", []Indicator{{"A", 50, "a"}}, 50, false, "A", "A (+50.0): a", 50},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			a := newAssessment(tc.in, tc.threshold, now)
			assert.InDelta(t, tc.score, a.Score, 1e-9)
			assert.Equal(t, tc.risky, a.Risky)
			assert.Equal(t, tc.reason, a.ReasonCode())
			assert.Equal(t, tc.message, a.Message())
			assert.Equal(t, now, a.At)
		})
	}
}

func TestScoreIsWrittenAsAFloat(t *testing.T) {
	for _, tc := range []struct {
		in   float64
		want string
	}{{0, "0.0"}, {3, "3.0"}, {42.5, "42.5"}, {100, "100.0"}, {12.34, "12.3"}} {
		got, err := json.Marshal(Score(tc.in))
		require.NoError(t, err)
		assert.Equal(t, tc.want, string(got))
	}
}

func TestDefaultWeightsCoverEveryReasonCode(t *testing.T) {
	weights := config.DefaultProfileWeights()
	var codes []string
	for code := range weights {
		codes = append(codes, code)
	}
	assert.ElementsMatch(t, ReasonCodes(), codes)
	_, err := newRiskRules(config.ProfileRisk{Weights: map[string]float64{"NOT_A_CODE": 1}})
	require.Error(t, err)
	assert.True(t, slices.Contains(ReasonCodes(), ReasonFaceOtherDocument))
}
