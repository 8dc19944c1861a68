package identity

import (
	"bytes"
	"encoding/json"
	"net/http"

	"github.com/kycgate/kycgate/camara"
)

// API errors of the verifications API beyond the generic CAMARA values.
var (
	// ErrNoBiometricReference refuses a re-verification of an identity
	// that has no earlier verification with a usable biometric check.
	ErrNoBiometricReference = &camara.Error{Status: http.StatusUnprocessableEntity,
		Code:    "VERIFICATIONS.NO_BIOMETRIC_REFERENCE",
		Message: "The identity has no earlier verification with a biometric check to compare with."}
	// ErrInputsClosed refuses an upload to a verification that no longer
	// takes inputs.
	ErrInputsClosed = &camara.Error{Status: http.StatusConflict,
		Code:    "VERIFICATIONS.INPUTS_CLOSED",
		Message: "The verification no longer accepts inputs."}
	// ErrPayloadPurged refuses to redeliver a webhook event whose payload
	// was erased after the retention period.
	ErrPayloadPurged = &camara.Error{Status: http.StatusConflict,
		Code:    "WEBHOOKS.PAYLOAD_PURGED",
		Message: "The event's payload was erased after the retention period; it can no longer be redelivered."}
)

// notFound is the answer for an id that does not exist for the merchant,
// including another merchant's.
func notFound(what string) *camara.Error {
	return camara.ErrNotFound.WithMessage("%s not found", what)
}

// jsonMarshal encodes v without HTML escaping (URLs stay readable) and
// without a trailing newline.
func jsonMarshal(v any) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(buf.Bytes(), []byte("\n")), nil
}
