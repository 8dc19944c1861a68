package identity

import (
	"errors"
	"net/http"
	"path"

	"github.com/gin-gonic/gin"

	"github.com/kycgate/kycgate/camara"
	"github.com/kycgate/kycgate/media"
)

// mediaContentTypes maps the extensions of stored files to their types;
// anything else is served as an opaque download.
var mediaContentTypes = map[string]string{
	".jpg":  "image/jpeg",
	".png":  "image/png",
	".webp": "image/webp",
	".mp4":  "video/mp4",
	".webm": "video/webm",
	".mov":  "video/quicktime",
}

// errMediaURL refuses a tampered or expired location token.
var errMediaURL = camara.ErrPermissionDenied.WithMessage("the media URL is invalid or has expired; read the verification again for fresh URLs")

// mediaFile serves GET /media/file?location=<token>: the token must be
// genuine, unexpired and issued to the calling merchant (another
// merchant's is a 404, like a deleted file).
func (m *Module) mediaFile(c *gin.Context) error {
	loc, err := m.svc.urls.Signer().Verify(c.Query("location"), m.svc.now())
	if err != nil {
		return errMediaURL
	}
	if loc.MerchantID != merchant(c) {
		return notFound("media file")
	}
	r, size, err := m.svc.media.Open(c.Request.Context(), loc.Key)
	if errors.Is(err, media.ErrNotFound) {
		return notFound("media file")
	}
	if err != nil {
		return err
	}
	defer func() { _ = r.Close() }()
	contentType, ok := mediaContentTypes[path.Ext(loc.Key)]
	if !ok {
		contentType = "application/octet-stream"
	}
	c.DataFromReader(http.StatusOK, size, contentType, r, map[string]string{
		"Cache-Control":          "private, no-store",
		"X-Content-Type-Options": "nosniff",
		"Content-Disposition":    "inline",
	})
	return nil
}
