package openapi

import (
	"bytes"
	"errors"
	"io/fs"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestNamesListsTheEmbeddedDocuments(t *testing.T) {
	names := Names()
	assert.Subset(t, names, []string{"kyc-match-v0.3.yaml", "kyc-match-v0.4.yaml"})
	assert.IsIncreasing(t, names, "names are sorted")
	for _, name := range names {
		doc, err := Load(name)
		require.NoError(t, err, name)
		assert.NotEmpty(t, doc.Paths.Len(), "%s has paths", name)
	}
}

func TestRawReturnsEachDocumentWithLFLineEndings(t *testing.T) {
	for _, name := range Names() {
		t.Run(name, func(t *testing.T) {
			data, err := Raw(name)
			require.NoError(t, err)
			assert.True(t, bytes.HasPrefix(data, []byte("openapi: 3.0.3\n")), "document starts with the OpenAPI version")
			assert.NotContains(t, string(data), "\r", "documents use LF line endings")
		})
	}
}

func TestRawRefusesUnknownAndTraversingNames(t *testing.T) {
	tests := []struct {
		name string
		doc  string
	}{
		{"empty", ""},
		{"unknown", "kyc-match-v9.9.yaml"},
		{"dot", "."},
		{"parent", "../go.mod"},
		{"nested", "openapitest/shared.go"},
		{"absolute", "/etc/passwd"},
		{"go source", "openapi.go"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			data, err := Raw(tt.doc)
			require.Error(t, err)
			assert.Nil(t, data)
			assert.True(t, errors.Is(err, ErrUnknownDocument), "wraps ErrUnknownDocument: %v", err)
			assert.True(t, errors.Is(err, fs.ErrNotExist), "wraps fs.ErrNotExist: %v", err)
		})
	}
}

func TestLoadValidatesEveryDocument(t *testing.T) {
	tests := []struct {
		name, version, server string
		tightenings           []string
	}{
		{"kyc-match-v0.3.yaml", "0.3.0", "/kyc-match/v0.3", []string{"additionalProperties: false", "`country`"}},
		{"kyc-match-v0.4.yaml", "0.4.0", "/kyc-match/v0.4", []string{"additionalProperties: false", "`countryOfBirth`", "`nationality`"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			doc, err := Load(tt.name)
			require.NoError(t, err)
			assert.Equal(t, tt.version, doc.Info.Version)
			require.Len(t, doc.Servers, 1)
			assert.Equal(t, tt.server, doc.Servers[0].URL)
			assert.Contains(t, doc.Info.Description, "## Differences from the CAMARA document")
			for _, s := range tt.tightenings {
				assert.Contains(t, doc.Info.Description, s)
			}
		})
	}
}

func TestLoadReturnsIndependentCopies(t *testing.T) {
	first, err := Load("kyc-match-v0.4.yaml")
	require.NoError(t, err)
	first.Info.Version = "changed"
	second, err := Load("kyc-match-v0.4.yaml")
	require.NoError(t, err)
	assert.Equal(t, "0.4.0", second.Info.Version)
}

func TestLoadRefusesUnknownDocument(t *testing.T) {
	_, err := Load("missing.yaml")
	assert.ErrorIs(t, err, ErrUnknownDocument)
}
