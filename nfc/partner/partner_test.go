package partner

import (
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kycgate/kycgate/config"
)

func TestAuthenticateByHashedKey(t *testing.T) {
	keyA, hashA := NewKey()
	keyB, hashB := NewKey()
	assert.True(t, strings.HasPrefix(keyA, "nfc_"))
	assert.Len(t, keyA, 4+2*26, "two rand.Text blocks of 128 bits each")
	assert.Equal(t, hashA, HashKey(keyA))
	assert.NotEqual(t, keyA, keyB)

	r, err := New([]config.NFCPartner{
		{ID: "acme", APIKeySHA256: hashA, Webhook: "https://acme.example/hook", SendImages: true},
		{ID: "globex", APIKeySHA256: hashB, Methods: []string{"enroll", "verify"}, NumImagesLiveness: 3,
			ConfirmationTimeout: config.Duration(time.Minute)},
	})
	require.NoError(t, err)

	tests := []struct {
		key    string
		wantID string
		ok     bool
	}{
		{keyA, "acme", true},
		{keyB, "globex", true},
		{hashA, "", false},
		{keyA + "x", "", false},
		{strings.ToUpper(keyA), "", false},
		{"", "", false},
	}
	for _, tt := range tests {
		p, ok := r.Authenticate(tt.key)
		assert.Equal(t, tt.ok, ok)
		assert.Equal(t, tt.wantID, p.ID)
	}

	acme, ok := r.Get("acme")
	require.True(t, ok)
	assert.Equal(t, []string{"enroll"}, acme.Methods, "default method")
	assert.Equal(t, 10*time.Minute, acme.ConfirmationTimeout, "default confirmation timeout")
	assert.Equal(t, 1, acme.NumImagesLiveness)
	assert.True(t, acme.Allows("enroll"))
	assert.False(t, acme.Allows("verify"))
	globex, _ := r.Get("globex")
	assert.Equal(t, time.Minute, globex.ConfirmationTimeout)
	assert.Equal(t, 3, globex.NumImagesLiveness)
	_, ok = r.Get("initech")
	assert.False(t, ok)
}

func TestNewRefusesBadHashes(t *testing.T) {
	_, err := New([]config.NFCPartner{{ID: "acme", APIKeySHA256: "abcd"}})
	assert.Error(t, err)
}
