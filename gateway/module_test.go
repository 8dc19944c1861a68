package gateway_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kycgate/kycgate/camara"
	"github.com/kycgate/kycgate/gateway"
)

// echoModule is a module with one route of each body kind. Its JSON route
// writes errors in an envelope of its own, as the NFC and profile APIs do.
type echoModule struct{}

func (echoModule) Routes() ([]gateway.Route, error) {
	envelope := func(c *gin.Context, e *camara.Error) {
		c.JSON(e.Status, gin.H{"result": "Err", "code": e.Status, "message": e.Message})
	}
	return []gateway.Route{
		{Method: "POST", Path: "/echo/json", Scope: "echo", Body: gateway.BodyJSON, Errors: envelope,
			Handler: func(c *gin.Context) error {
				if gateway.Principal(c).ClientID == "" {
					return camara.ErrPermissionDenied
				}
				c.Data(http.StatusOK, "application/json", gateway.Body(c))
				return nil
			}},
		{Method: "POST", Path: "/echo/upload", Scope: "echo", Body: gateway.BodyMultipart, MaxBodyBytes: 4096,
			Handler: func(c *gin.Context) error {
				f, _, err := c.Request.FormFile("file")
				if err != nil {
					if tooLarge := gateway.TooLarge(err); tooLarge != nil {
						return tooLarge
					}
					return camara.ErrInvalidArgument.WithMessage("part file is required")
				}
				defer f.Close()
				n, _ := io.Copy(io.Discard, f)
				c.JSON(http.StatusOK, gin.H{"bytes": n})
				return nil
			}},
		{Method: "GET", Path: "/echo/v1/things/:id", Body: gateway.BodyNone, Errors: envelope,
			Handler: func(c *gin.Context) error {
				c.JSON(http.StatusOK, gin.H{"id": c.Param("id")})
				return nil
			}},
		{Method: "GET", Path: "/echo/v1/slow", Body: gateway.BodyNone, Errors: envelope,
			Handler: func(c *gin.Context) error {
				<-c.Request.Context().Done()
				return fmt.Errorf("echo: read the store: %w", c.Request.Context().Err())
			}},
		{Method: "GET", Path: "/echo/public/:id", Body: gateway.BodyNone,
			Handler: func(c *gin.Context) error {
				c.JSON(http.StatusOK, gin.H{"id": c.Param("id"), "authenticated": gateway.Principal(c) != nil})
				return nil
			}},
	}, nil
}

func multipartBody(t *testing.T, size int) (string, string) {
	t.Helper()
	var buf bytes.Buffer
	w := multipart.NewWriter(&buf)
	part, err := w.CreateFormFile("file", "photo.jpg")
	require.NoError(t, err)
	_, err = part.Write(bytes.Repeat([]byte{0xff}, size))
	require.NoError(t, err)
	require.NoError(t, w.Close())
	return buf.String(), w.FormDataContentType()
}

func TestModuleRoutesShareTheChain(t *testing.T) {
	e := newEnv(t, envOptions{modules: []gateway.Module{echoModule{}}})
	tok := e.token("echo")

	r := e.do(request{path: "/echo/json", token: tok, body: `{"a":1}`})
	require.Equal(t, 200, r.status)
	assert.JSONEq(t, `{"a":1}`, string(r.body))

	t.Run("errors of the shared stages use the route's own format", func(t *testing.T) {
		r := e.do(request{path: "/echo/json", body: `{"a":1}`})
		assert.Equal(t, 401, r.status)
		assert.JSONEq(t, `{"result":"Err","code":401,"message":"`+camara.ErrUnauthenticated.Message+`"}`, string(r.body))
		r = e.do(request{path: "/echo/json", token: e.token(matchScope), body: `{"a":1}`})
		assert.Equal(t, 403, r.status)
		assert.Contains(t, string(r.body), `"result":"Err"`)
		r = e.do(request{path: "/echo/json", token: tok, body: `{"a":`})
		assert.Equal(t, 400, r.status)
		assert.Contains(t, string(r.body), `"result":"Err"`)
	})
	t.Run("a path or method unknown to the API gets the API's own format", func(t *testing.T) {
		r := e.do(request{method: "GET", path: "/echo/v1/nothing", noBody: true})
		assert.Equal(t, 404, r.status)
		assert.JSONEq(t, `{"result":"Err","code":404,"message":"`+camara.ErrNotFound.Message+`"}`, string(r.body))
		r = e.do(request{method: "DELETE", path: "/echo/v1/things/1", noBody: true})
		assert.Equal(t, 405, r.status)
		assert.Contains(t, string(r.body), `"result":"Err"`)
		assert.Equal(t, "GET", r.header.Get("Allow"))
		requireError(t, e.do(request{method: "GET", path: "/elsewhere/v1/nothing", noBody: true}), 404, "NOT_FOUND")
	})
	t.Run("a malformed query string is refused, not read as absent pairs", func(t *testing.T) {
		for _, query := range []string{"limit=%ZZ", "a=1;b=2", "id=%00", "limit=1&limit=600"} {
			r := e.do(request{method: "GET", path: "/echo/v1/things/1?" + query, noBody: true})
			assert.Equal(t, 400, r.status, query)
			assert.Contains(t, string(r.body), `"result":"Err"`, query)
		}
		r := e.do(request{method: "GET", path: "/echo/v1/things/1?limit=2&x=%41", noBody: true})
		assert.Equal(t, 200, r.status)
	})
	t.Run("a client that goes away is no server failure", func(t *testing.T) {
		ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
		defer cancel()
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, e.gateway.URL+"/echo/v1/slow", nil)
		require.NoError(t, err)
		_, err = e.gateway.Client().Do(req)
		require.Error(t, err)
		require.Eventually(t, func() bool { return strings.Contains(e.logs.String(), `"status":499`) }, 5*time.Second, 10*time.Millisecond)
		assert.Contains(t, e.logs.String(), "client closed the request")
		assert.NotContains(t, e.logs.String(), `"level":"ERROR"`)
	})
	t.Run("multipart bodies are capped", func(t *testing.T) {
		body, ct := multipartBody(t, 1000)
		r := e.do(request{path: "/echo/upload", token: tok, body: body, contentType: ct})
		require.Equal(t, 200, r.status, "body: %s", r.body)
		assert.JSONEq(t, `{"bytes":1000}`, string(r.body))

		body, ct = multipartBody(t, 10000)
		requireError(t, e.do(request{path: "/echo/upload", token: tok, body: body, contentType: ct}), 413, "PAYLOAD_TOO_LARGE")
		requireError(t, e.do(request{path: "/echo/upload", token: tok, body: strings.Repeat("x", 10), contentType: "application/json"}), 415, "UNSUPPORTED_MEDIA_TYPE")
	})
	t.Run("routes without a scope skip the token check", func(t *testing.T) {
		r := e.do(request{method: "GET", path: "/echo/public/42", noBody: true})
		require.Equal(t, 200, r.status)
		assert.JSONEq(t, `{"id":"42","authenticated":false}`, string(r.body))
	})
}
