// Package gateway is kycgate's HTTP front: one gin engine whose API routes
// share the chain recovery → x-correlator → access log → bearer token →
// scope → OpenAPI request validation → handler, and whose every error is a
// CAMARA error body.
package gateway

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"regexp"

	"github.com/gin-gonic/gin"

	"github.com/kycgate/kycgate/camara"
	"github.com/kycgate/kycgate/config"
	"github.com/kycgate/kycgate/kycmatch"
	"github.com/kycgate/kycgate/openapi"
	"github.com/kycgate/kycgate/operators"
	"github.com/kycgate/kycgate/store"
	"github.com/kycgate/kycgate/telemetry"
)

// Mount is an extra handler served under a path prefix outside the API
// chain, such as the demo token issuer.
type Mount struct {
	Prefix  string
	Handler http.Handler
}

// Deps are the parts a Server is built from.
type Deps struct {
	Config   config.Config
	Store    store.Store
	Verifier TokenVerifier
	Router   *operators.Router
	Logger   *slog.Logger
	Mounts   []Mount
	// Modules are the backends fronted by the gateway.
	Modules []Module
	// Metrics receives the request metrics and is served at /metrics; nil
	// disables both.
	Metrics *telemetry.Metrics
}

// Server is the gateway.
type Server struct {
	cfg          config.Config
	store        store.Store
	verifier     TokenVerifier
	router       *operators.Router
	logger       *slog.Logger
	accessLogger *slog.Logger
	correlators  correlatorPatterns
	errorWriters map[string]ErrorWriter
	// apiErrorWriters are the error writers by API base path (see
	// apiBase), for requests that match no route of the API.
	apiErrorWriters map[string]ErrorWriter
	metrics         *telemetry.Metrics
	engine          *gin.Engine
}

// New builds the gateway and its routes. The OpenAPI documents are loaded
// and their routes resolved here, once.
func New(d Deps) (*Server, error) {
	if d.Store == nil || d.Verifier == nil || d.Router == nil || d.Logger == nil {
		return nil, errors.New("gateway: store, verifier, router and logger are required")
	}
	gin.SetMode(gin.ReleaseMode)
	s := &Server{
		cfg:          d.Config,
		store:        d.Store,
		verifier:     d.Verifier,
		router:       d.Router,
		logger:       d.Logger,
		accessLogger: d.Logger.With(slog.String("log", "access")),
		correlators: correlatorPatterns{
			byRoute:     map[string]*regexp.Regexp{},
			fallback:    regexp.MustCompile(kycmatch.V04.CorrelatorPattern),
			operational: map[string]bool{},
		},
		errorWriters:    map[string]ErrorWriter{},
		apiErrorWriters: map[string]ErrorWriter{},
		metrics:         d.Metrics,
		engine:          gin.New(),
	}
	e := s.engine
	// Forwarding headers are believed only from the configured proxies;
	// with none, c.ClientIP() is the TCP peer.
	if err := e.SetTrustedProxies(d.Config.Server.TrustedProxies); err != nil {
		return nil, fmt.Errorf("gateway: server.trusted_proxies: %w", err)
	}
	e.HandleMethodNotAllowed = true
	e.RedirectTrailingSlash = false
	e.RedirectFixedPath = false
	e.ContextWithFallback = true
	e.Use(s.recovery, s.correlator, s.trace, s.accessLog)
	e.NoRoute(func(c *gin.Context) { s.writeUnmatchedError(c, camara.ErrNotFound) })
	e.NoMethod(func(c *gin.Context) { s.writeUnmatchedError(c, camara.ErrMethodNotAllowed) })

	s.registerOperations()
	for _, m := range d.Mounts {
		e.Any(m.Prefix+"/*path", gin.WrapH(http.StripPrefix(m.Prefix, m.Handler)))
	}
	if err := s.registerKYCMatch(); err != nil {
		return nil, err
	}
	for _, m := range d.Modules {
		routes, err := m.Routes()
		if err != nil {
			return nil, err
		}
		for _, r := range routes {
			if err := s.Register(r); err != nil {
				return nil, err
			}
		}
	}
	return s, nil
}

// Handler returns the gateway as an http.Handler.
func (s *Server) Handler() http.Handler { return s.engine }

// api registers a CAMARA API route of version v with a JSON body.
func (s *Server) api(doc *openapi.Document, v kycmatch.Version, method, path, scope string, h HandlerFunc) error {
	return s.Register(Route{
		Method:            method,
		Path:              path,
		Document:          doc,
		Scope:             scope,
		Body:              BodyJSON,
		CorrelatorPattern: v.CorrelatorPattern,
		Handler:           h,
	})
}

// Serve runs the HTTP server on ln until ctx ends, then shuts down
// gracefully within the configured timeout.
func (s *Server) Serve(ctx context.Context, ln net.Listener) error {
	srv := &http.Server{
		Handler:           s.engine,
		ReadHeaderTimeout: s.cfg.Server.ReadHeaderTimeout.D(),
		ReadTimeout:       s.cfg.Server.ReadTimeout.D(),
		WriteTimeout:      s.cfg.Server.WriteTimeout.D(),
		IdleTimeout:       s.cfg.Server.IdleTimeout.D(),
		MaxHeaderBytes:    32 << 10,
		ErrorLog:          slog.NewLogLogger(s.logger.Handler(), slog.LevelWarn),
		BaseContext:       func(net.Listener) context.Context { return context.WithoutCancel(ctx) },
	}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	s.logger.Info("shutting down", slog.Duration("timeout", s.cfg.Server.ShutdownTimeout.D()))
	shutdownCtx, cancel := context.WithTimeout(context.Background(), s.cfg.Server.ShutdownTimeout.D())
	defer cancel()
	if err := srv.Shutdown(shutdownCtx); err != nil {
		return fmt.Errorf("gateway: shutdown: %w", err)
	}
	if err := <-errc; !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	s.logger.Info("stopped: every request in flight was answered")
	return nil
}
