package identity_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/textproto"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/kycgate/kycgate/internal/sealed"
	"github.com/kycgate/kycgate/internal/syncio"
	"github.com/kycgate/kycgate/internal/testassets"

	"github.com/kycgate/kycgate/biometric"
	"github.com/kycgate/kycgate/config"
	"github.com/kycgate/kycgate/gateway"
	"github.com/kycgate/kycgate/gateway/auth"
	"github.com/kycgate/kycgate/gateway/auth/devissuer"
	"github.com/kycgate/kycgate/identity"
	"github.com/kycgate/kycgate/media"
	"github.com/kycgate/kycgate/openapi"
	"github.com/kycgate/kycgate/operators"
	"github.com/kycgate/kycgate/store/sqlite"
	"github.com/kycgate/kycgate/webhook"
)

const (
	merchantA    = "merchant-a"
	merchantB    = "merchant-b"
	testAudience = "kycgate-test"
	// allScopes is what the merchants' tokens carry unless a test asks
	// for less.
	allScopes = "flows:read flows:write verifications:read verifications:write webhooks:read webhooks:write"
)

// envOptions adjust a test gateway.
type envOptions struct {
	// engine replaces the shared onnx engine (e.g. the none engine).
	engine biometric.Engine
	// stepTimeout and inputTimeout override the service's limits.
	stepTimeout  time.Duration
	inputTimeout time.Duration
	// maxPhotoBytes and maxVideoBytes override the upload size limits.
	maxPhotoBytes int64
	maxVideoBytes int64
	// dir reuses the data folder of an earlier env (restart tests).
	dir string
	// noProcessor leaves the processor stopped.
	noProcessor bool
	// signingKey replaces the media signing key.
	signingKey []byte
	// observer learns about the verifications.
	observer identity.Observer
	// secretsKey replaces the key sealing webhook secrets.
	secretsKey []byte
}

// env is a running gateway with the verifications module, its issuer,
// SQLite store, webhook worker and processor, all real, on loopback.
type env struct {
	t        *testing.T
	dir      string
	issuer   *devissuer.Issuer
	store    *sqlite.Store
	service  *identity.Service
	worker   *webhook.Worker
	gateway  *httptest.Server
	receiver *receiver
	doc      *openapi.Document
	logs     *syncio.Buffer
	stop     func()
}

// testTemplateKey and testSigningKey are fixed so that restarted envs read
// what earlier ones wrote.
var (
	testTemplateKey = bytes.Repeat([]byte{0x42}, 32)
	testSigningKey  = bytes.Repeat([]byte{0x24}, 32)
	testSecretsKey  = bytes.Repeat([]byte{0x33}, 32)
)

// testSecrets seals the webhook secrets of the test gateways, as
// webhooks.secret_key does in production, with key or testSecretsKey.
func testSecrets(t *testing.T, key []byte) *sealed.Box {
	t.Helper()
	if key == nil {
		key = testSecretsKey
	}
	box, err := sealed.New(key)
	require.NoError(t, err)
	return box
}

// newEnv starts an env; with opts.dir it reopens that folder's store and
// media.
func newEnv(t *testing.T, opts envOptions) *env {
	t.Helper()
	e := &env{t: t, dir: opts.dir, receiver: newReceiver(t), logs: &syncio.Buffer{}}
	if e.dir == "" {
		e.dir = t.TempDir()
	}
	e.issuer = devissuer.NewTestServer(t, devissuer.Options{Audience: testAudience})
	ctx, cancel := context.WithCancel(context.Background())

	st, err := sqlite.Open(ctx, filepath.Join(e.dir, "kycgate.db"))
	require.NoError(t, err)
	e.store = st
	logger := slog.New(slog.NewJSONHandler(e.logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	e.worker, err = webhook.NewWorker(st, webhook.Config{
		Guard:          webhook.Guard{AllowHTTP: true, AllowPrivateNetworks: true},
		Timeout:        2 * time.Second,
		InitialBackoff: 20 * time.Millisecond,
		MaxBackoff:     100 * time.Millisecond,
		PollInterval:   20 * time.Millisecond,
		Lease:          5 * time.Second,
		Secrets:        testSecrets(t, opts.secretsKey),
	}, logger)
	require.NoError(t, err)
	e.service = newService(t, st, e.worker, e.dir, opts, logger)
	e.startGateway(ctx, st, logger)

	var wg sync.WaitGroup
	wg.Go(func() { _ = e.worker.Run(ctx) })
	if !opts.noProcessor {
		wg.Go(func() { _ = e.service.Run(ctx) })
	}
	var once sync.Once
	e.stop = func() {
		once.Do(func() {
			cancel()
			wg.Wait()
			e.gateway.Close()
			_ = st.Close()
		})
	}
	t.Cleanup(e.stop)
	return e
}

// newService builds the verifications service over st.
func newService(t *testing.T, st *sqlite.Store, worker *webhook.Worker, dir string, opts envOptions, logger *slog.Logger) *identity.Service {
	t.Helper()
	engine := opts.engine
	if engine == nil {
		engine = sharedEngine(t)
	}
	files, err := media.NewFilesystem(filepath.Join(dir, "media"))
	require.NoError(t, err)
	key := testSigningKey
	if opts.signingKey != nil {
		key = opts.signingKey
	}
	signer, err := media.NewSigner(key)
	require.NoError(t, err)
	svc, err := identity.New(identity.Config{
		PublicURL:     "https://kyc.example.test",
		InputTimeout:  opts.inputTimeout,
		StepTimeout:   opts.stepTimeout,
		PollInterval:  20 * time.Millisecond,
		MaxPhotoBytes: opts.maxPhotoBytes,
		MaxVideoBytes: opts.maxVideoBytes,
	}, identity.Deps{
		Store: st, Engine: engine, Media: files, Webhooks: worker, TemplateKey: testTemplateKey, Secrets: testSecrets(t, opts.secretsKey), Logger: logger,
		URLs: media.NewURLs("https://kyc.example.test", signer, time.Hour), Observer: opts.observer,
	})
	require.NoError(t, err)
	return svc
}

// startGateway serves the module behind a real gateway and token verifier.
func (e *env) startGateway(ctx context.Context, st *sqlite.Store, logger *slog.Logger) {
	t := e.t
	cfg := config.Default()
	cfg.Auth.Issuer = e.issuer.URL()
	cfg.Auth.Audience = testAudience
	verifier, err := auth.NewVerifier(auth.Config{Issuer: cfg.Auth.Issuer, Audience: cfg.Auth.Audience,
		Leeway: time.Second, RefreshCooldown: time.Second})
	require.NoError(t, err)
	verifier.Start(ctx)
	require.Eventually(t, func() bool { return verifier.Ready() == nil }, 5*time.Second, 10*time.Millisecond)
	router, err := operators.NewRouter(nil)
	require.NoError(t, err)
	srv, err := gateway.New(gateway.Deps{Config: cfg, Store: st, Verifier: verifier, Router: router, Logger: logger,
		Modules: []gateway.Module{identity.NewModule(e.service)}})
	require.NoError(t, err)
	e.gateway = httptest.NewServer(srv.Handler())
	e.doc, err = openapi.NewDocument(identity.DocumentName)
	require.NoError(t, err)
}

// token mints a token of merchant with scopes (allScopes when empty).
func (e *env) token(merchant string, scopes ...string) string {
	e.t.Helper()
	scope := allScopes
	if len(scopes) > 0 {
		scope = strings.Join(scopes, " ")
	}
	tok, err := e.issuer.Mint(devissuer.Claims{ClientID: merchant, Scope: scope})
	require.NoError(e.t, err)
	return tok
}

// response is a gateway answer.
type response struct {
	status int
	header http.Header
	body   []byte
}

// object decodes a JSON object body.
func (r response) object(t *testing.T) map[string]any {
	t.Helper()
	var m map[string]any
	require.NoError(t, json.Unmarshal(r.body, &m), "body: %s", r.body)
	return m
}

// call sends a request with a bearer token; body is JSON unless
// contentType says otherwise. Answers of the API are validated against the
// project's OpenAPI document.
func (e *env) call(method, path, token string, body []byte, contentType string) response {
	e.t.Helper()
	var reader io.Reader
	if body != nil {
		reader = bytes.NewReader(body)
	}
	req, err := http.NewRequest(method, e.gateway.URL+path, reader)
	require.NoError(e.t, err)
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	if body != nil {
		if contentType == "" {
			contentType = "application/json"
		}
		req.Header.Set("Content-Type", contentType)
	}
	res, err := e.gateway.Client().Do(req)
	require.NoError(e.t, err)
	defer res.Body.Close()
	raw, err := io.ReadAll(res.Body)
	require.NoError(e.t, err)
	out := response{status: res.StatusCode, header: res.Header, body: raw}
	e.validateResponse(method, path, out)
	return out
}

// validateResponse checks a JSON answer against the operation's declared
// responses.
func (e *env) validateResponse(method, path string, r response) {
	e.t.Helper()
	route := routeOf(path)
	if route == "" || !strings.HasPrefix(r.header.Get("Content-Type"), "application/json") {
		return
	}
	op, err := e.doc.Operation(method, route)
	require.NoError(e.t, err)
	require.NoError(e.t, op.ValidateResponse(context.Background(), r.status, r.header, r.body),
		"%s %s answered %d: %s", method, path, r.status, r.body)
}

// routeOf maps a request path to its gin route.
func routeOf(path string) string {
	path, _, _ = strings.Cut(path, "?")
	parts := strings.Split(strings.Trim(path, "/"), "/")
	switch {
	case path == "/media/file", path == "/v2/flows", path == "/v2/verifications", path == "/v2/webhooks/deliveries":
		return path
	case len(parts) == 3 && parts[1] == "flows":
		return "/v2/flows/:flowId"
	case len(parts) == 3 && parts[1] == "verifications":
		return "/v2/verifications/:verificationId"
	case len(parts) == 4 && parts[3] == "send-input":
		return "/v2/verifications/:verificationId/send-input"
	case len(parts) == 4 && parts[1] == "webhooks":
		return "/v2/webhooks/deliveries/:eventId"
	case len(parts) == 5 && parts[4] == "redeliver":
		return "/v2/webhooks/deliveries/:eventId/redeliver"
	}
	return ""
}

// postJSON sends v as JSON.
func (e *env) postJSON(path, token string, v any) response {
	e.t.Helper()
	body, err := json.Marshal(v)
	require.NoError(e.t, err)
	return e.call(http.MethodPost, path, token, body, "")
}

// createFlow creates a flow of merchant whose webhooks go to the env's
// receiver, and returns its id.
func (e *env) createFlow(merchant string, steps ...string) string {
	e.t.Helper()
	r := e.postJSON("/v2/flows", e.token(merchant), map[string]any{
		"name": "test flow", "steps": steps, "webhookUrl": e.receiver.url(), "webhookSecret": e.receiver.secret,
	})
	require.Equal(e.t, http.StatusCreated, r.status, "body: %s", r.body)
	return r.object(e.t)["id"].(string)
}

// start starts a verification and returns the resource.
func (e *env) start(merchant, flowID, identityID string, metadata map[string]any) map[string]any {
	e.t.Helper()
	body := map[string]any{"flowId": flowID}
	if identityID != "" {
		body["identityId"] = identityID
	}
	if metadata != nil {
		body["metadata"] = metadata
	}
	r := e.postJSON("/v2/verifications", e.token(merchant), body)
	require.Equal(e.t, http.StatusCreated, r.status, "body: %s", r.body)
	return r.object(e.t)
}

// file is one file part of a send-input form.
type file struct {
	inputType string
	name      string
	data      []byte
	extra     map[string]string
}

// sendInput uploads files to the verification.
func (e *env) sendInput(token, verificationID string, files ...file) response {
	e.t.Helper()
	var descriptors []map[string]any
	for _, f := range files {
		data := map[string]any{"filename": f.name}
		for k, v := range f.extra {
			data[k] = v
		}
		descriptors = append(descriptors, map[string]any{"inputType": f.inputType, "data": data})
	}
	inputs, err := json.Marshal(descriptors)
	require.NoError(e.t, err)
	body, contentType := multipartForm(e.t, string(inputs), files)
	return e.call(http.MethodPost, "/v2/verifications/"+verificationID+"/send-input", token, body, contentType)
}

// multipartForm encodes the inputs part and the files.
func multipartForm(t *testing.T, inputs string, files []file, persons ...string) ([]byte, string) {
	t.Helper()
	var buf bytes.Buffer
	w := multipart.NewWriter(&buf)
	require.NoError(t, w.WriteField("inputs", inputs))
	for _, p := range persons {
		require.NoError(t, w.WriteField("person", p))
	}
	for _, f := range files {
		h := textproto.MIMEHeader{}
		h.Set("Content-Disposition", fmt.Sprintf(`form-data; name="%s"; filename="%s"`, f.inputType, f.name))
		h.Set("Content-Type", "application/octet-stream")
		part, err := w.CreatePart(h)
		require.NoError(t, err)
		_, err = part.Write(f.data)
		require.NoError(t, err)
	}
	require.NoError(t, w.Close())
	return buf.Bytes(), w.FormDataContentType()
}

// get reads the verification.
func (e *env) get(merchant, verificationID string) response {
	e.t.Helper()
	return e.call(http.MethodGet, "/v2/verifications/"+verificationID, e.token(merchant), nil, "")
}

// waitEnded polls the verification until it has a final status.
func (e *env) waitEnded(merchant, verificationID string) map[string]any {
	e.t.Helper()
	var last map[string]any
	require.Eventually(e.t, func() bool {
		r := e.get(merchant, verificationID)
		require.Equal(e.t, http.StatusOK, r.status, "body: %s", r.body)
		last = r.object(e.t)
		switch last["status"] {
		case identity.StatusVerified, identity.StatusReviewNeeded, identity.StatusRejected:
			return true
		}
		return false
	}, 60*time.Second, 50*time.Millisecond, "the verification ends")
	return last
}

// stepOf returns the step with id from a resource or nil.
func stepOf(resource map[string]any, id string) map[string]any {
	steps, _ := resource["steps"].([]any)
	for _, s := range steps {
		if m, ok := s.(map[string]any); ok && m["id"] == id {
			return m
		}
	}
	return nil
}

// face reads a shared face photo.
func face(t testing.TB, name string) []byte {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(testassets.FacesDir(t), name))
	require.NoError(t, err)
	return data
}

var engineOnce struct {
	sync.Once
	engine biometric.Engine
	err    error
}

// sharedEngine opens the onnx engine once for the package's tests, or
// skips when the models are not installed.
func sharedEngine(t testing.TB) biometric.Engine {
	t.Helper()
	dir := os.Getenv(biometric.ModelsDirEnv)
	if dir == "" {
		dir = filepath.Join(testassets.ModuleRoot(t), biometric.DefaultModelsDir)
	}
	if _, err := os.Stat(filepath.Join(dir, "fr_feature.onnx")); err != nil {
		testassets.SkipOrFail(t, "face models missing in %s: run scripts/install-face-models.sh", dir)
	}
	engineOnce.Do(func() {
		cfg := biometric.DefaultConfig()
		cfg.Engine = biometric.EngineONNX
		cfg.ModelsDir = dir
		cfg.Video.MaxFrames = 6
		cfg.Video.FrameWidth = 320
		engineOnce.engine, engineOnce.err = biometric.Open(cfg, slog.New(slog.DiscardHandler))
	})
	require.NoError(t, engineOnce.err)
	return engineOnce.engine
}
