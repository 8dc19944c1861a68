package auth_test

import (
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kycgate/kycgate/gateway/auth"
)

func TestBearerToken(t *testing.T) {
	const token = "eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln-_~+/="
	tests := []struct {
		name    string
		values  []string
		want    string
		wantErr bool
	}{
		{"canonical", []string{"Bearer " + token}, token, false},
		{"lower-case scheme", []string{"bearer " + token}, token, false},
		{"upper-case scheme", []string{"BEARER " + token}, token, false},
		{"several spaces", []string{"Bearer   " + token}, token, false},
		{"padding", []string{"Bearer abc=="}, "abc==", false},
		{"missing header", nil, "", true},
		{"empty header", []string{""}, "", true},
		{"blank header", []string{"   "}, "", true},
		{"scheme only", []string{"Bearer"}, "", true},
		{"scheme and space", []string{"Bearer "}, "", true},
		{"basic scheme", []string{"Basic dXNlcjpwYXNz"}, "", true},
		{"scheme prefix only", []string{"Bearerx " + token}, "", true},
		{"no scheme", []string{token}, "", true},
		{"two tokens", []string{"Bearer " + token + " " + token}, "", true},
		{"two headers", []string{"Bearer " + token, "Bearer " + token}, "", true},
		{"comma-separated credentials", []string{"Bearer " + token + ", Basic x"}, "", true},
		{"only padding", []string{"Bearer ==="}, "", true},
		{"padding in the middle", []string{"Bearer ab=c"}, "", true},
		{"invalid character", []string{"Bearer abc\"def"}, "", true},
		{"tab separator", []string{"Bearer\t" + token}, "", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := http.Header{}
			for _, v := range tt.values {
				h.Add("Authorization", v)
			}

			got, err := auth.BearerToken(h)

			if tt.wantErr {
				requireUnauthenticated(t, err, token)
				assert.Empty(t, got)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tt.want, got)
		})
	}
}
