package gateway

import (
	"fmt"
	"net/http"

	"github.com/gin-gonic/gin"
	"github.com/kycgate/kycgate/camara"
)

// recovery turns a panic in any later handler into 500 INTERNAL in the
// CAMARA shape. The panic value is logged as the cause; it never reaches the
// client. http.ErrAbortHandler is re-raised as net/http expects.
func (s *Server) recovery(c *gin.Context) {
	defer func() {
		r := recover()
		if r == nil {
			return
		}
		if r == http.ErrAbortHandler {
			panic(r)
		}
		s.abort(c, camara.ErrInternal.WithCause(fmt.Errorf("panic: %v", r)))
	}()
	c.Next()
}
