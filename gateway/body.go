package gateway

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"mime"
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/kycgate/kycgate/camara"
	"github.com/kycgate/kycgate/internal/jsonlimit"
	"github.com/kycgate/kycgate/openapi"
)

const bodyKey = "kycgate.body"

// bodyLimit returns the route's cap, or the server's default.
func (s *Server) bodyLimit(routeLimit int64) int64 {
	if routeLimit > 0 {
		return routeLimit
	}
	return s.cfg.Server.MaxBodyBytes
}

// readJSONBody returns a handler that checks the content type, reads the
// body through http.MaxBytesReader and checks that it is JSON. The bytes are
// kept for the validator and the handler, and r.Body is replaced by a
// re-readable copy.
func (s *Server) readJSONBody(limit int64) HandlerFunc {
	limit = s.bodyLimit(limit)
	return func(c *gin.Context) error { return s.readJSON(c, limit) }
}

func (s *Server) readJSON(c *gin.Context, limit int64) error {
	r := c.Request
	if r.Body == nil || r.Body == http.NoBody || r.ContentLength == 0 {
		return camara.ErrInvalidArgument.WithMessage("request body is required")
	}
	if !isJSONMediaType(r.Header.Get("Content-Type")) {
		return camara.ErrUnsupportedMediaType.WithMessage("Content-Type must be application/json")
	}
	if err := checkContentEncoding(r); err != nil {
		return err
	}
	body, err := readAll(http.MaxBytesReader(c.Writer, r.Body, limit), r.ContentLength, limit)
	if err != nil {
		var tooLarge *http.MaxBytesError
		if errors.As(err, &tooLarge) {
			return camara.ErrPayloadTooLarge.WithMessage("request body exceeds %d bytes", tooLarge.Limit)
		}
		return camara.ErrInvalidArgument.WithMessage("request body could not be read").WithCause(err)
	}
	if len(bytes.TrimSpace(body)) == 0 {
		return camara.ErrInvalidArgument.WithMessage("request body is required")
	}
	if !json.Valid(body) {
		return camara.ErrInvalidArgument.WithMessage("request body is not valid JSON")
	}
	if err := jsonlimit.Check(body); err != nil {
		return camara.ErrInvalidArgument.WithMessage("request body: %s", err)
	}
	c.Set(bodyKey, body)
	r.Body = io.NopCloser(bytes.NewReader(body))
	r.GetBody = func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(body)), nil }
	return nil
}

// readAll reads r to its end like io.ReadAll, into a buffer sized from the
// declared Content-Length (when it is within limit) so that a body of the
// declared size is read without growing the buffer. bytes.Buffer.ReadFrom
// wants bytes.MinRead bytes free before each read, the last one (which sees
// the end) included, hence the margin.
func readAll(r io.Reader, contentLength, limit int64) ([]byte, error) {
	size := int64(bytes.MinRead)
	if contentLength > 0 && contentLength <= limit {
		size = contentLength + bytes.MinRead
	}
	buf := bytes.NewBuffer(make([]byte, 0, size))
	_, err := buf.ReadFrom(r)
	return buf.Bytes(), err
}

// isJSONMediaType accepts application/json and application/*+json, with
// parameters such as charset.
func isJSONMediaType(contentType string) bool {
	mt, _, err := mime.ParseMediaType(contentType)
	if err != nil {
		return false
	}
	return mt == "application/json" || (len(mt) > 17 && mt[:12] == "application/" && mt[len(mt)-5:] == "+json")
}

// validateRequest returns a handler that validates the request against the
// route's operation in the project's OpenAPI document.
func validateRequest(op *openapi.Operation) HandlerFunc {
	return func(c *gin.Context) error {
		params := make(map[string]string, len(c.Params))
		for _, p := range c.Params {
			params[p.Key] = p.Value
		}
		if cerr := op.ValidateRequest(c.Request.Context(), c.Request, params, bodyOf(c)); cerr != nil {
			return cerr
		}
		return nil
	}
}

// checkContentEncoding refuses a body sent with a content coding (gzip,
// deflate, ...): the gateway reads bodies as sent and would otherwise take
// the coded bytes for the body itself.
func checkContentEncoding(r *http.Request) *camara.Error {
	for _, coding := range r.Header.Values("Content-Encoding") {
		if c := strings.TrimSpace(coding); c != "" && !strings.EqualFold(c, "identity") {
			return camara.ErrUnsupportedMediaType.WithMessage("Content-Encoding is not supported: send the body uncompressed")
		}
	}
	return nil
}

// bodyOf returns the body read by readJSONBody.
func bodyOf(c *gin.Context) []byte {
	b, _ := c.Get(bodyKey)
	body, _ := b.([]byte)
	return body
}

// capBody returns a handler that checks the media type (when mediaType is
// set) and caps the body with http.MaxBytesReader, leaving it for the
// handler to stream. A handler that hits the cap gets an
// *http.MaxBytesError, which TooLarge maps to 413.
func (s *Server) capBody(limit int64, mediaType string) HandlerFunc {
	limit = s.bodyLimit(limit)
	return func(c *gin.Context) error {
		r := c.Request
		if mediaType != "" {
			mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
			if err != nil || mt != mediaType {
				return camara.ErrUnsupportedMediaType.WithMessage("Content-Type must be %s", mediaType)
			}
		}
		if err := checkContentEncoding(r); err != nil {
			return err
		}
		if r.ContentLength > limit {
			return camara.ErrPayloadTooLarge.WithMessage("request body exceeds %d bytes", limit)
		}
		if r.Body != nil {
			r.Body = http.MaxBytesReader(c.Writer, r.Body, limit)
		}
		return nil
	}
}

// TooLarge converts a body-reading error caused by the cap into 413
// PAYLOAD_TOO_LARGE; other errors become nil.
func TooLarge(err error) *camara.Error {
	var tooLarge *http.MaxBytesError
	if errors.As(err, &tooLarge) {
		return camara.ErrPayloadTooLarge.WithMessage("request body exceeds %d bytes", tooLarge.Limit)
	}
	return nil
}
