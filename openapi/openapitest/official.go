package openapitest

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
)

// officialDocs caches the parsed official documents by absolute path; each
// file is read and parsed once per test binary.
var officialDocs sync.Map // string -> *officialEntry

type officialEntry struct {
	once sync.Once
	doc  *openapi3.T
	err  error
}

// OfficialDocument returns the parsed and validated official document
// officialFile (e.g. "kyc-match-v0.4.0.yaml") from the shared CAMARA reference
// folder. The document is cached and shared between tests: do not modify it.
// The test is skipped when the shared folder is absent, so call it only from
// the test's own goroutine and only in tests that are about the official
// documents.
//
// Example values are not validated: the official 0.3.0 document has a 404
// example without the required "message" (an upstream quirk).
func OfficialDocument(t testing.TB, officialFile string) *openapi3.T {
	t.Helper()
	shared := SharedDir(t)
	if shared == "" {
		return nil
	}
	doc, err := cachedOfficial(shared, officialFile)
	if err != nil {
		t.Fatalf("openapitest: %v", err)
		return nil
	}
	return doc
}

// cachedOfficial returns the official document officialFile of the shared
// folder, parsing it on first use.
func cachedOfficial(shared, officialFile string) (*openapi3.T, error) {
	path := filepath.Join(shared, CamaraReferenceDir, officialFile)
	v, _ := officialDocs.LoadOrStore(path, &officialEntry{})
	entry := v.(*officialEntry)
	entry.once.Do(func() { entry.doc, entry.err = loadOfficial(path) })
	return entry.doc, entry.err
}

// absentNotice makes sure the absence of the shared folder is logged once
// per test binary by ValidateOfficialResponse.
var absentNotice sync.Once

// officialForResponse returns the official document for a response check,
// or nil when the check cannot run. It never skips or stops the test, so it
// may be called from any goroutine: an absent shared folder is logged once
// per test binary (an error under CI, which must run every check) and other
// problems are reported with t.Errorf.
func officialForResponse(t testing.TB, officialFile string) *openapi3.T {
	t.Helper()
	shared, err := sharedDir()
	if errors.Is(err, os.ErrNotExist) {
		if os.Getenv("CI") != "" {
			t.Errorf("CI: openapitest: shared material folder not available (%v); responses cannot be validated against the official CAMARA documents", err)
			return nil
		}
		absentNotice.Do(func() {
			t.Logf("openapitest: shared material folder not available (%v); responses are not validated against the official CAMARA documents", err)
		})
		return nil
	}
	if err == nil {
		var doc *openapi3.T
		if doc, err = cachedOfficial(shared, officialFile); err == nil {
			return doc
		}
	}
	t.Errorf("openapitest: %v", err)
	return nil
}

// loadOfficial parses and validates one official document.
func loadOfficial(path string) (*openapi3.T, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	loader := openapi3.NewLoader()
	doc, err := loader.LoadFromData(data)
	if err != nil {
		return nil, fmt.Errorf("parse %s: %w", path, err)
	}
	if err := doc.Validate(context.Background(), openapi3.DisableExamplesValidation()); err != nil {
		return nil, fmt.Errorf("validate %s: %w", path, err)
	}
	return doc, nil
}

// ValidateOfficialResponse checks a response of the gateway against the
// official document officialFile (e.g. "kyc-match-v0.4.0.yaml").
//
// req is the request as sent to the gateway; its URL path is the gateway path
// (e.g. /kyc-match/v0.4/match), matched against the document's server base
// path (its servers' URLs with variables at their defaults) and then its path
// templates. A status the document declares is validated with
// openapi3filter.ValidateResponse (headers such as x-correlator, media type
// and body schema). A status it does not declare must be an error status
// whose body has the document's CAMARA ErrorInfo shape with a matching
// "status". Failures are reported with t.Errorf. When the shared folder is
// absent only this validation is left out, and that is logged once per test
// binary: the calling test goes on. ValidateOfficialResponse never skips or
// stops the test, so it may be called from any goroutine.
func ValidateOfficialResponse(t testing.TB, officialFile string, req *http.Request, status int, header http.Header, body []byte) {
	t.Helper()
	doc := officialForResponse(t, officialFile)
	if doc == nil {
		return
	}
	route, pathParams, err := findOfficialRoute(doc, req.Method, req.URL.Path)
	if err != nil {
		t.Errorf("openapitest: %s: %v", officialFile, err)
		return
	}
	if route.Operation.Responses.Status(status) == nil && route.Operation.Responses.Default() == nil {
		if err := validateUndeclaredStatus(doc, status, header, body); err != nil {
			t.Errorf("openapitest: %s: %s %s: %v", officialFile, req.Method, req.URL.Path, err)
		}
		return
	}
	if err := validateDeclaredStatus(route, pathParams, req, status, header, body); err != nil {
		t.Errorf("openapitest: %s: %s %s: status %d does not conform: %v", officialFile, req.Method, req.URL.Path, status, err)
	}
}

// validateDeclaredStatus runs openapi3filter.ValidateResponse.
func validateDeclaredStatus(route *routers.Route, pathParams map[string]string, req *http.Request, status int, header http.Header, body []byte) error {
	options := &openapi3filter.Options{
		MultiError:         true,
		AuthenticationFunc: openapi3filter.NoopAuthenticationFunc,
	}
	input := &openapi3filter.ResponseValidationInput{
		RequestValidationInput: &openapi3filter.RequestValidationInput{
			Request:    req,
			PathParams: pathParams,
			Route:      route,
			Options:    options,
		},
		Status:  status,
		Header:  header,
		Body:    io.NopCloser(bytes.NewReader(body)),
		Options: options,
	}
	return openapi3filter.ValidateResponse(context.Background(), input)
}

// validateUndeclaredStatus accepts an error status outside the document's
// list when it carries a JSON body of the document's ErrorInfo schema.
func validateUndeclaredStatus(doc *openapi3.T, status int, header http.Header, body []byte) error {
	if status < 400 {
		return fmt.Errorf("status %d is not declared by the official document", status)
	}
	mediaType, _, err := mime.ParseMediaType(header.Get("Content-Type"))
	if err != nil || mediaType != "application/json" {
		return fmt.Errorf("error status %d must have an application/json body, got Content-Type %q", status, header.Get("Content-Type"))
	}
	ref := doc.Components.Schemas["ErrorInfo"]
	if ref == nil || ref.Value == nil {
		return fmt.Errorf("the official document has no ErrorInfo schema to check status %d against", status)
	}
	var value map[string]any
	if err := json.Unmarshal(body, &value); err != nil {
		return fmt.Errorf("error body of status %d is not a JSON object: %w", status, err)
	}
	if err := ref.Value.VisitJSON(value, openapi3.MultiErrors()); err != nil {
		return fmt.Errorf("error body of status %d is not a CAMARA ErrorInfo: %w", status, err)
	}
	if got, ok := value["status"].(float64); !ok || int(got) != status {
		return fmt.Errorf("error body status %v differs from the HTTP status %d", value["status"], status)
	}
	return nil
}

// findOfficialRoute maps a gateway request path to the document's operation.
func findOfficialRoute(doc *openapi3.T, method, path string) (*routers.Route, map[string]string, error) {
	for _, srv := range doc.Servers {
		base, err := serverBasePath(srv)
		if err != nil {
			return nil, nil, err
		}
		rest, ok := strings.CutPrefix(path, base)
		if !ok || (rest != "" && rest[0] != '/') {
			continue
		}
		for template, item := range doc.Paths.Map() {
			params, ok := matchPath(template, rest)
			if !ok {
				continue
			}
			op := item.GetOperation(strings.ToUpper(method))
			if op == nil {
				return nil, nil, fmt.Errorf("path %s has no %s operation", template, method)
			}
			route := &routers.Route{Spec: doc, Server: srv, Path: template, PathItem: item, Method: method, Operation: op}
			return route, params, nil
		}
	}
	return nil, nil, fmt.Errorf("no operation of the official document serves %s %s", method, path)
}

// serverBasePath returns the path of a server URL with its variables at
// their defaults, e.g. "/kyc-match/v0.4" for "{apiRoot}/kyc-match/v0.4".
func serverBasePath(s *openapi3.Server) (string, error) {
	raw := s.URL
	for name, v := range s.Variables {
		raw = strings.ReplaceAll(raw, "{"+name+"}", v.Default)
	}
	u, err := url.Parse(raw)
	if err != nil {
		return "", fmt.Errorf("server URL %q: %w", s.URL, err)
	}
	return strings.TrimSuffix(u.Path, "/"), nil
}

// matchPath matches a concrete path against a path template and returns the
// values of the template's parameters.
func matchPath(template, path string) (map[string]string, bool) {
	want := strings.Split(template, "/")
	got := strings.Split(path, "/")
	if len(want) != len(got) {
		return nil, false
	}
	params := map[string]string{}
	for i, w := range want {
		if len(w) > 2 && w[0] == '{' && w[len(w)-1] == '}' {
			if got[i] == "" {
				return nil, false
			}
			params[w[1:len(w)-1]] = got[i]
			continue
		}
		if w != got[i] {
			return nil, false
		}
	}
	return params, true
}
