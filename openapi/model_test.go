package openapi

import (
	"fmt"
	"maps"
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kycgate/kycgate/kycmatch"
)

// TestDocumentsAgreeWithTheKYCMatchModel checks that kycmatch's version table
// (attributes, scores, correlator pattern) describes our documents exactly,
// so that the matcher and the validator cannot drift apart.
func TestDocumentsAgreeWithTheKYCMatchModel(t *testing.T) {
	for _, v := range kycmatch.Versions {
		name := fmt.Sprintf("kyc-match-%s.yaml", v.PathSegment())
		t.Run(name, func(t *testing.T) {
			doc, err := Load(name)
			require.NoError(t, err)
			assert.Equal(t, v.String(), doc.Info.Version)
			op := operationOf(doc, "POST /match")
			require.NotNil(t, op)

			wantRequest, wantResponse := modelProperties(v)
			assert.Equal(t, wantRequest, slices.Sorted(maps.Keys(objectProperties(requestSchema(t, op)))))
			response := objectProperties(successSchema(t, op))
			assert.Equal(t, wantResponse, slices.Sorted(maps.Keys(response)))
			for name, p := range response {
				if p.Max != nil {
					assert.Equal(t, float64(v.MaxScore), *p.Max, "maximum of %s", name)
				}
			}
			assert.Equal(t, v.CorrelatorPattern, correlatorPattern(t, op))
		})
	}
}

// modelProperties lists the request and response properties the model
// expects for a version, sorted.
func modelProperties(v kycmatch.Version) (request, response []string) {
	request = []string{"phoneNumber"}
	for _, a := range kycmatch.Attributes {
		if !v.Has(a) {
			continue
		}
		request = append(request, a.Name)
		response = append(response, a.Name+"Match")
		if a.Scored {
			response = append(response, a.Name+"MatchScore")
		}
	}
	slices.Sort(request)
	slices.Sort(response)
	return request, response
}
