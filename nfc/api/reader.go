package api

import (
	"errors"
	"io"
	"math"
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"
	"github.com/kycgate/kycgate/camara"
	"github.com/kycgate/kycgate/gateway"
	"github.com/kycgate/kycgate/nfc/service"
)

// errSessionExpired answers an upload after its deadline.
var errSessionExpired = &camara.Error{Status: http.StatusGone, Code: "NFC.SESSION_EXPIRED", Message: "The session expired."}

func (m *Module) redeem(c *gin.Context) error {
	var b struct {
		InitCode string `json:"init_code"`
	}
	if err := decode(c, &b); err != nil {
		return err
	}
	r, err := m.svc.Redeem(c.Request.Context(), strings.TrimSpace(b.InitCode), c.ClientIP())
	if err != nil {
		return readerErrorOf(err)
	}
	c.Header("Cache-Control", "no-store")
	c.JSON(http.StatusOK, r)
	return nil
}

func (m *Module) upload(c *gin.Context) error {
	token, err := bearer(c)
	if err != nil {
		return err
	}
	if ct := c.GetHeader("Content-Type"); !strings.HasPrefix(ct, "application/octet-stream") {
		return camara.ErrUnsupportedMediaType.WithMessage("Content-Type must be application/octet-stream")
	}
	sealed, err := io.ReadAll(c.Request.Body)
	if err != nil {
		if tooLarge := gateway.TooLarge(err); tooLarge != nil {
			return tooLarge
		}
		return camara.ErrInvalidArgument.WithMessage("request body could not be read")
	}
	st, err := m.svc.Upload(c.Request.Context(), token, sealed)
	if err != nil {
		return readerErrorOf(err)
	}
	c.Header("Cache-Control", "no-store")
	c.JSON(http.StatusOK, st)
	return nil
}

func (m *Module) status(c *gin.Context) error {
	token, err := bearer(c)
	if err != nil {
		return err
	}
	st, err := m.svc.Status(c.Request.Context(), token)
	if err != nil {
		return readerErrorOf(err)
	}
	c.Header("Cache-Control", "no-store")
	c.JSON(http.StatusOK, st)
	return nil
}

// bearer returns the upload token of the Authorization header.
func bearer(c *gin.Context) (string, error) {
	scheme, token, ok := strings.Cut(c.GetHeader("Authorization"), " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") || strings.TrimSpace(token) == "" {
		return "", camara.ErrUnauthenticated.WithMessage("the upload token is required as a Bearer token")
	}
	return strings.TrimSpace(token), nil
}

// readerErrorOf maps a service error to a CAMARA error of the reader API.
func readerErrorOf(err error) error {
	var blocked *service.BlockedError
	switch {
	case errors.As(err, &blocked):
		return camara.ErrTooManyRequests.WithMessage("Too many failed attempts; try again later.").
			WithRetryAfter(int(math.Ceil(blocked.RetryAfter.Seconds())))
	case errors.Is(err, service.ErrInitCode):
		return camara.ErrNotFound.WithMessage("The init code is unknown, already used or expired.")
	case errors.Is(err, service.ErrUploadToken):
		return camara.ErrUnauthenticated.WithMessage("The upload token is unknown.")
	case errors.Is(err, service.ErrUploadState):
		return camara.ErrConflict.WithMessage("The session takes no upload: it was uploaded already or has ended.")
	case errors.Is(err, service.ErrSessionExpired):
		return errSessionExpired
	case errors.Is(err, service.ErrUploadSealed):
		return camara.ErrInvalidArgument.WithMessage("The sealed upload does not open for this session (wrong key, other session or tampered).")
	case errors.Is(err, service.ErrUploadContent):
		return camara.ErrInvalidArgument.WithMessage("%s", capitalise(err.Error()))
	default:
		return camara.ErrInternal.WithCause(err)
	}
}
