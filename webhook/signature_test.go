package webhook_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/kycgate/kycgate/webhook"
)

func TestSignMatchesRFC4231(t *testing.T) {
	// RFC 4231, test case 2.
	got := webhook.Sign("Jefe", []byte("what do ya want for nothing?"))
	assert.Equal(t, "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843", got)
}

func TestVerifySignature(t *testing.T) {
	body := []byte(`{"eventName":"step_completed"}`)
	good := webhook.Sign("secret", body)
	tests := []struct {
		name      string
		secret    string
		body      []byte
		signature string
		want      bool
	}{
		{"valid", "secret", body, good, true},
		{"upper case hex", "secret", body, strings.ToUpper(good), true},
		{"other secret", "other", body, good, false},
		{"changed body", "secret", []byte(`{"eventName":"step_completed "}`), good, false},
		{"truncated", "secret", body, good[:62], false},
		{"not hex", "secret", body, "zz" + good[2:], false},
		{"empty", "secret", body, "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, webhook.VerifySignature(tt.secret, tt.body, tt.signature))
		})
	}
}
