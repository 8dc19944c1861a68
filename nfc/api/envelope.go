package api

import (
	"net/http"

	"github.com/gin-gonic/gin"
	"github.com/kycgate/kycgate/camara"
)

// The partner API's error codes, one per kind of refusal; see the table in
// nfc-partner-v1.yaml.
const (
	CodeInvalidRequest          = 1001
	CodeUnknownAPIKey           = 1002
	CodeUnknownMethod           = 1003
	CodeInvalidOption           = 1004
	CodeWebhookRefused          = 1005
	CodeUnknownInitCode         = 1006
	CodeNotAwaitingConfirmation = 1007
	CodeInvalidRecv             = 1008
	CodeGatewayRefused          = 1098
	CodeInternal                = 1099
	partnerErrorPrefix          = "NFC_PARTNER."
	partnerErrorUnknownAPIKey   = partnerErrorPrefix + "UNKNOWN_API_KEY"
	partnerErrorUnknownMethod   = partnerErrorPrefix + "UNKNOWN_METHOD"
	partnerErrorInvalidOption   = partnerErrorPrefix + "INVALID_OPTION"
	partnerErrorWebhookRefused  = partnerErrorPrefix + "WEBHOOK_REFUSED"
	partnerErrorUnknownInitCode = partnerErrorPrefix + "UNKNOWN_INIT_CODE"
	partnerErrorNotAwaiting     = partnerErrorPrefix + "NOT_AWAITING_CONFIRMATION"
	partnerErrorInvalidRecv     = partnerErrorPrefix + "INVALID_RECV"
)

// envelopeCodes maps the gateway's error codes to the envelope's numbers.
var envelopeCodes = map[string]int{
	partnerErrorUnknownAPIKey:           CodeUnknownAPIKey,
	partnerErrorUnknownMethod:           CodeUnknownMethod,
	partnerErrorInvalidOption:           CodeInvalidOption,
	partnerErrorWebhookRefused:          CodeWebhookRefused,
	partnerErrorUnknownInitCode:         CodeUnknownInitCode,
	partnerErrorNotAwaiting:             CodeNotAwaitingConfirmation,
	partnerErrorInvalidRecv:             CodeInvalidRecv,
	camara.ErrInvalidArgument.Code:      CodeInvalidRequest,
	camara.ErrPayloadTooLarge.Code:      CodeInvalidRequest,
	camara.ErrUnsupportedMediaType.Code: CodeInvalidRequest,
	camara.ErrInternal.Code:             CodeInternal,
}

// Envelope is the partner API's answer.
type Envelope struct {
	Result  string `json:"result"`
	Code    int    `json:"code"`
	Message string `json:"message"`
	Data    any    `json:"data,omitempty"`
}

// partnerError builds an error of the partner API with its HTTP status.
func partnerError(status int, code, message string) *camara.Error {
	return &camara.Error{Status: status, Code: code, Message: message}
}

// writeEnvelopeError writes e as {"result":"Err","code":N,"message":"..."}.
// Errors of the shared gateway stages map by their CAMARA code.
func writeEnvelopeError(c *gin.Context, e *camara.Error) {
	code, ok := envelopeCodes[e.Code]
	if !ok {
		code = CodeGatewayRefused
	}
	if e.Status >= http.StatusInternalServerError && e.Code == camara.ErrInternal.Code {
		code = CodeInternal
	}
	c.Header("Cache-Control", "no-store")
	c.AbortWithStatusJSON(e.Status, Envelope{Result: "Err", Code: code, Message: e.Message})
}

// writeOK writes a success envelope.
func writeOK(c *gin.Context, data any) {
	c.Header("Cache-Control", "no-store")
	c.JSON(http.StatusOK, Envelope{Result: "Ok", Code: 0, Message: "", Data: data})
}
