package operators

import (
	"context"
	"encoding/json"
	"sync"
	"testing"

	"github.com/kycgate/kycgate/kycmatch"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

type namedAdapter string

func (namedAdapter) Match(context.Context, Call) (kycmatch.Response, error) { return nil, nil }

func TestRouterLongestPrefixWins(t *testing.T) {
	r, err := NewRouter([]Route{
		{Name: "es", Adapter: namedAdapter("es"), Prefixes: []string{"+34"}},
		{Name: "es-mvno", Adapter: namedAdapter("es-mvno"), Prefixes: []string{"+34622", "+346229"}},
		{Name: "jp", Adapter: namedAdapter("jp"), Prefixes: []string{"+81"}},
	})
	require.NoError(t, err)
	tests := []struct {
		phone string
		want  string
		found bool
	}{
		{"+34629255833", "es", true},
		{"+34622000000", "es-mvno", true},
		{"+34622900000", "es-mvno", true},
		{"+81312345678", "jp", true},
		{"+4915112345678", "", false},
		{"+3", "", false},
		{"", "", false},
	}
	for _, tt := range tests {
		t.Run(tt.phone, func(t *testing.T) {
			got, ok := r.Lookup(tt.phone)
			assert.Equal(t, tt.found, ok)
			assert.Equal(t, tt.want, got.Name)
		})
	}
}

func TestRouterRefusesDuplicateAndMalformedPrefixes(t *testing.T) {
	_, err := NewRouter([]Route{
		{Name: "a", Prefixes: []string{"+34"}},
		{Name: "b", Prefixes: []string{"+34"}},
	})
	require.ErrorContains(t, err, "claimed by operators")
	_, err = NewRouter([]Route{{Name: "a", Prefixes: []string{"34"}}})
	require.Error(t, err)
}

// registerTestRegistry registers the test adapter type once per test
// binary, so that the test can run with -count.
var registerTestRegistry sync.Once

func TestRegistry(t *testing.T) {
	registerTestRegistry.Do(func() {
		Register("test-registry", func(name string, _ json.RawMessage, _ Deps) (Adapter, error) { return namedAdapter(name), nil })
	})
	a, err := New("test-registry", "x", nil, Deps{})
	require.NoError(t, err)
	assert.Equal(t, namedAdapter("x"), a)
	assert.Contains(t, Types(), "test-registry")
	_, err = New("nope", "x", nil, Deps{})
	require.ErrorContains(t, err, "unknown operator type")
	assert.Panics(t, func() { Register("test-registry", nil) })
}
