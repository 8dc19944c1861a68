package config

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestStoreOptionsDefaultOnlyForTheDefaultType(t *testing.T) {
	const sqliteDefault = `{"path":"data/kycgate.db"}`
	tests := []struct {
		name        string
		yaml        string
		wantType    string
		wantOptions string // "" means no options at all
	}{
		{"section left out", ``, "sqlite", sqliteDefault},
		{"default type named", "store: {type: sqlite}", "sqlite", sqliteDefault},
		{"other type without options", "store: {type: postgres}", "postgres", ""},
		{"other type with options", "store: {type: postgres, options: {dsn_env: PG_DSN}}", "postgres", `{"dsn_env":"PG_DSN"}`},
		{"options without type", "store: {options: {path: /tmp/x.db}}", "sqlite", `{"path":"/tmp/x.db"}`},
		{"other type with empty options", "store: {type: postgres, options: {}}", "postgres", `{}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg, err := Parse([]byte(tt.yaml), noEnv)
			require.NoError(t, err)
			assert.Equal(t, tt.wantType, cfg.Store.Type)
			if tt.wantOptions == "" {
				assert.Empty(t, cfg.Store.Options)
				return
			}
			assert.JSONEq(t, tt.wantOptions, string(cfg.Store.Options))
		})
	}
}

func TestStoreSectionRefusesUnknownKeys(t *testing.T) {
	_, err := Parse([]byte("store: {type: postgres, dsn: x}"), noEnv)
	require.Error(t, err)
	assert.Contains(t, err.Error(), `unknown field "dsn"`)
}

func TestStoreTypeStillRequired(t *testing.T) {
	_, err := Parse([]byte(`store: {type: ""}`), noEnv)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "store.type: required")
}

func TestDefaultStoreIsUnchangedByParsing(t *testing.T) {
	_, err := Parse([]byte("store: {type: postgres}"), noEnv)
	require.NoError(t, err)
	assert.JSONEq(t, `{"path":"data/kycgate.db"}`, string(DefaultStore().Options))
}
