package service

import (
	"errors"
	"fmt"

	"github.com/kycgate/kycgate/nfc/attempts"
)

// The errors of the partner API.
var (
	// ErrUnknownAPIKey means no partner has the api_key.
	ErrUnknownAPIKey = errors.New("unknown api_key")
	// ErrUnknownMethod means the partner may not use the method.
	ErrUnknownMethod = errors.New("unknown method")
	// ErrInvalidOption means an option or send_scan value is not accepted.
	ErrInvalidOption = errors.New("invalid option")
	// ErrWebhookRefused means the webhook URL is missing or refused by the
	// SSRF guard.
	ErrWebhookRefused = errors.New("webhook URL refused")
	// ErrUnknownInitCode means the partner has no session with the code.
	ErrUnknownInitCode = errors.New("unknown init_code")
	// ErrNotAwaitingConfirmation means the session has no result to
	// confirm, or was already closed.
	ErrNotAwaitingConfirmation = errors.New("session is not awaiting a confirmation")
	// ErrInvalidRecv means recv is neither OK nor ERR.
	ErrInvalidRecv = errors.New("recv must be OK or ERR")
)

// The errors of the reader API.
var (
	// ErrInitCode means the init code is unknown, already used or expired;
	// the three are not told apart.
	ErrInitCode = errors.New("init code unknown, already used or expired")
	// ErrUploadToken means the upload token is unknown.
	ErrUploadToken = errors.New("upload token unknown")
	// ErrUploadState means the session takes no upload any more (it was
	// uploaded already, or ended).
	ErrUploadState = errors.New("the session takes no upload")
	// ErrSessionExpired means the upload came after its deadline.
	ErrSessionExpired = errors.New("session expired")
	// ErrUploadSealed means the sealed upload does not open with the
	// server key for this session (wrong key, other session, tampered).
	ErrUploadSealed = errors.New("sealed upload refused")
	// ErrUploadContent means the opened upload is not a valid upload.
	ErrUploadContent = errors.New("upload content invalid")
)

// BlockedError means too many failed redemptions came from the client's
// address or named the code; it is the limiter's own error.
type BlockedError = attempts.BlockedError

// detail wraps a sentinel with a message that names a field, never a value.
func detail(err error, format string, args ...any) error {
	return fmt.Errorf("%w: "+format, append([]any{err}, args...)...)
}
