package camara

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const minimalOptions = `{"baseUrl":"https://op.example/api","tokenUrl":"https://op.example/token","clientId":"gw","clientSecret":"s3cr3t"}`

func TestParseOptionsDefaults(t *testing.T) {
	o, err := ParseOptions(json.RawMessage(minimalOptions))
	require.NoError(t, err)
	assert.Equal(t, "0.4", o.Version)
	assert.Equal(t, []string{"kyc-match:match"}, o.Scopes)
	assert.Equal(t, 30*time.Second, o.TokenRefreshMargin.D())
	assert.Equal(t, 64, o.MaxIdleConns)
	assert.Equal(t, int64(64<<10), o.MaxResponseBytes)
}

func TestParseOptionsListsEveryProblem(t *testing.T) {
	_, err := ParseOptions(json.RawMessage(`{
		"baseUrl": "ftp://op.example", "tokenUrl": "https://op.example/token?x=1", "version": "0.9",
		"clientSecret": "s3cr3t", "scopes": ["a b", ""], "connectTimeout": "-1s", "maxIdleConns": -1,
		"maxConnsPerHost": -1, "maxResponseBytes": 10, "tokenRefreshMargin": "-5s", "idleConnTimeout": "0s"}`))
	require.Error(t, err)
	for _, want := range []string{
		"baseUrl: must be an http or https URL", "tokenUrl: must not hold a query", "version:",
		"clientId: required", "scopes[0]", "scopes[1]", "connectTimeout", "idleConnTimeout",
		"maxIdleConns", "maxConnsPerHost", "maxResponseBytes", "tokenRefreshMargin",
	} {
		assert.ErrorContains(t, err, want)
	}
	assert.NotContains(t, err.Error(), "s3cr3t", "the secret is never repeated")
}

func TestParseOptionsRefusals(t *testing.T) {
	tests := []struct{ name, raw, want string }{
		{"absent", ``, "required"},
		{"unknown key", strings.Replace(minimalOptions, `"clientId"`, `"clientID"`, 1), `unknown option "clientID"`},
		{"wrong type", strings.Replace(minimalOptions, `"gw"`, `7`, 1), "camara operator options"},
		{"bad duration", strings.Replace(minimalOptions, `}`, `,"connectTimeout":"soon"}`, 1), "camara operator options"},
		{"missing secret", `{"baseUrl":"https://op.example","tokenUrl":"https://op.example/t","clientId":"gw"}`, "clientSecret: required"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ParseOptions(json.RawMessage(tc.raw))
			require.ErrorContains(t, err, tc.want)
		})
	}
}
