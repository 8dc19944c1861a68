package service

import (
	"context"

	"github.com/kycgate/kycgate/nfc/session"
)

// The app's view of a session.
const (
	StatusWaiting = "waiting"
	StatusDone    = "done"
	StatusError   = "error"
)

// The seed's messages shown by the app.
const (
	MessageWaiting = "Please wait while your data is being processed and submitted."
	MessageDone    = "Thank you for using our services. Please return to the website where you started the process."
	MessageError   = "There was an error in the process. Please return to the website where you started the process and follow further instructions."
	MessageExpired = "Session expired. Please return to the website where you started the process and follow further instructions."
)

// Reasons recorded when a session errors or expires.
const (
	ReasonCodeExpired         = "code_expired"
	ReasonUploadExpired       = "upload_expired"
	ReasonPartnerError        = "partner_error"
	ReasonConfirmationTimeout = "confirmation_timeout"
	ReasonVerificationFailed  = "verification_failed"
)

// Status is what the app shows.
type Status struct {
	// State is waiting, done or error.
	State string `json:"state"`
	// Message is the text to show.
	Message string `json:"message"`
	// RedirectURL is where to send the user once done, if the partner
	// set one.
	RedirectURL string `json:"redirect_url,omitempty"`
	// Reason says why a session errored: code_expired, upload_expired,
	// partner_error, confirmation_timeout or verification_failed.
	Reason string `json:"reason,omitempty"`
}

// Status returns the session's status for the app holding token.
func (s *Service) Status(ctx context.Context, token string) (Status, error) {
	sess, err := s.sessionByToken(ctx, token)
	if err != nil {
		return Status{}, err
	}
	return statusOf(sess), nil
}

// statusOf maps the persisted state to the app's view.
func statusOf(sess session.Session) Status {
	switch sess.State {
	case session.Confirmed:
		if sess.Options.RedirectURL != "" {
			return Status{State: StatusDone, Message: MessageDone, RedirectURL: sess.Options.RedirectURL}
		}
		return Status{State: StatusDone, Message: MessageDone}
	case session.Expired:
		return Status{State: StatusError, Message: MessageExpired, Reason: sess.Reason}
	case session.Errored:
		return Status{State: StatusError, Message: MessageError, Reason: sess.Reason}
	default:
		return Status{State: StatusWaiting, Message: MessageWaiting}
	}
}
