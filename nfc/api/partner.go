package api

import (
	"encoding/json"
	"errors"
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"
	"github.com/kycgate/kycgate/camara"
	"github.com/kycgate/kycgate/gateway"
	"github.com/kycgate/kycgate/nfc/service"
)

// sessionInitBody is seed 003's session_init body.
type sessionInitBody struct {
	APIKey   string   `json:"api_key"`
	Ref      string   `json:"ref"`
	Method   string   `json:"method"`
	SendScan []string `json:"send_scan"`
	Options  struct {
		ForceMRZConsent   *bool  `json:"force_mrz_consent"`
		NumImagesLiveness *int   `json:"num_images_liveness"`
		Webhook           string `json:"webhook"`
		RedirectURL       string `json:"redirect_URL"`
		VerificationID    string `json:"verification_id"`
	} `json:"options"`
}

// webhookConfirmationBody is seed 003's webhook_confirmation body.
type webhookConfirmationBody struct {
	APIKey   string `json:"api_key"`
	InitCode string `json:"init_code"`
	Recv     string `json:"recv"`
}

func (m *Module) sessionInit(c *gin.Context) error {
	var b sessionInitBody
	if err := decode(c, &b); err != nil {
		return err
	}
	code, err := m.svc.Init(c.Request.Context(), service.InitRequest{
		APIKey: b.APIKey, Ref: b.Ref, Method: b.Method, SendScan: b.SendScan,
		Options: service.InitOptions{
			ForceMRZConsent: b.Options.ForceMRZConsent, NumImagesLiveness: b.Options.NumImagesLiveness,
			Webhook: b.Options.Webhook, RedirectURL: b.Options.RedirectURL,
			VerificationID: b.Options.VerificationID,
		},
	})
	if err != nil {
		return partnerErrorOf(err)
	}
	writeOK(c, gin.H{"init_code": code})
	return nil
}

func (m *Module) webhookConfirmation(c *gin.Context) error {
	var b webhookConfirmationBody
	if err := decode(c, &b); err != nil {
		return err
	}
	if err := m.svc.Confirm(c.Request.Context(), b.APIKey, b.InitCode, b.Recv); err != nil {
		return partnerErrorOf(err)
	}
	writeOK(c, gin.H{})
	return nil
}

// decode reads the JSON body the gateway validated.
func decode(c *gin.Context, v any) error {
	if err := json.Unmarshal(gateway.Body(c), v); err != nil {
		return camara.ErrInvalidArgument.WithMessage("request body does not have the documented shape")
	}
	return nil
}

// partnerErrorOf maps a service error to the partner API's error. The
// detail after the sentinel names fields only, never values.
func partnerErrorOf(err error) error {
	message := err.Error()
	switch {
	case errors.Is(err, service.ErrUnknownAPIKey):
		return partnerError(http.StatusUnauthorized, partnerErrorUnknownAPIKey, "Unknown api_key")
	case errors.Is(err, service.ErrUnknownMethod):
		return partnerError(http.StatusBadRequest, partnerErrorUnknownMethod, "Unknown method")
	case errors.Is(err, service.ErrInvalidOption):
		return partnerError(http.StatusBadRequest, partnerErrorInvalidOption, capitalise(message))
	case errors.Is(err, service.ErrWebhookRefused):
		return partnerError(http.StatusBadRequest, partnerErrorWebhookRefused, capitalise(message))
	case errors.Is(err, service.ErrUnknownInitCode):
		return partnerError(http.StatusNotFound, partnerErrorUnknownInitCode, "Unknown init_code")
	case errors.Is(err, service.ErrNotAwaitingConfirmation):
		return partnerError(http.StatusConflict, partnerErrorNotAwaiting, "The session is not awaiting a confirmation")
	case errors.Is(err, service.ErrInvalidRecv):
		return partnerError(http.StatusBadRequest, partnerErrorInvalidRecv, "recv must be OK or ERR")
	default:
		return camara.ErrInternal.WithCause(err)
	}
}

// capitalise starts a message with a capital letter.
func capitalise(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}
