package openapitest

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// recorder is a testing.TB that records failures and skips instead of
// stopping, so that the helpers' own verdicts can be asserted.
type recorder struct {
	testing.TB
	mu      sync.Mutex
	errors  []string
	skipped []string
	fatal   []string
	logs    []string
}

func (r *recorder) Logf(format string, args ...any) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.logs = append(r.logs, fmt.Sprintf(format, args...))
}

func (r *recorder) Errorf(format string, args ...any) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.errors = append(r.errors, fmt.Sprintf(format, args...))
}

func (r *recorder) Skipf(format string, args ...any) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.skipped = append(r.skipped, fmt.Sprintf(format, args...))
}

func (r *recorder) Fatalf(format string, args ...any) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.fatal = append(r.fatal, fmt.Sprintf(format, args...))
}

func TestSharedDirFindsTheCamaraReferences(t *testing.T) {
	dir := SharedDir(t)
	assert.True(t, filepath.IsAbs(dir))
	assert.Equal(t, "shared", filepath.Base(dir))
	info, err := os.Stat(filepath.Join(dir, CamaraReferenceDir, "kyc-match-v0.4.0.yaml"))
	require.NoError(t, err)
	assert.False(t, info.IsDir())
}

func TestSharedDirSkipsWhenTheFolderIsAbsent(t *testing.T) {
	module := filepath.Join(t.TempDir(), "module")
	nested := filepath.Join(module, "a", "b")
	require.NoError(t, os.MkdirAll(nested, 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(module, "go.mod"), []byte("module example.test\n"), 0o644))
	t.Chdir(nested)

	t.Setenv("CI", "")
	rec := &recorder{TB: t}
	assert.Empty(t, SharedDir(rec))
	require.Len(t, rec.skipped, 1)
	assert.Contains(t, rec.skipped[0], filepath.Join(filepath.Dir(module), "shared"))
	assert.Empty(t, rec.fatal)

	t.Setenv("CI", "true")
	rec = &recorder{TB: t}
	assert.Empty(t, SharedDir(rec))
	require.Len(t, rec.fatal, 1, "CI fails (a real Fatalf would stop the test there)")
}

func TestValidateOfficialResponseGoesOnWhenTheFolderIsAbsent(t *testing.T) {
	module := filepath.Join(t.TempDir(), "module")
	require.NoError(t, os.MkdirAll(module, 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(module, "go.mod"), []byte("module example.test\n"), 0o644))
	t.Chdir(module)
	absentNotice = sync.Once{}
	t.Cleanup(func() { absentNotice = sync.Once{} })
	t.Setenv("CI", "")

	rec := &recorder{TB: t}
	req := httptest.NewRequest(http.MethodPost, "/kyc-match/v0.4/match", strings.NewReader(`{}`))
	var wg sync.WaitGroup
	for range 3 { // from goroutines other than the test's, as fan-out tests do
		wg.Add(1)
		go func() {
			defer wg.Done()
			ValidateOfficialResponse(rec, "kyc-match-v0.4.0.yaml", req, 200, jsonHeader(""), []byte(`{"nameMatch":"yes"}`))
		}()
	}
	wg.Wait()

	assert.Empty(t, rec.skipped, "the calling test is not skipped")
	assert.Empty(t, rec.fatal)
	assert.Empty(t, rec.errors, "without the folder nothing is validated")
	require.Len(t, rec.logs, 1, "the absence is logged once")
	assert.Contains(t, rec.logs[0], "not validated against the official CAMARA documents")

	t.Setenv("CI", "true")
	rec = &recorder{TB: t}
	ValidateOfficialResponse(rec, "kyc-match-v0.4.0.yaml", req, 200, jsonHeader(""), []byte(`{"nameMatch":"yes"}`))
	assert.Len(t, rec.errors, 1, "under CI the missing folder is an error")
	assert.Empty(t, rec.fatal)
}

func TestSharedDirFindsAFolderNextToANestedModuleRoot(t *testing.T) {
	root := t.TempDir()
	module := filepath.Join(root, "module")
	nested := filepath.Join(module, "pkg")
	require.NoError(t, os.MkdirAll(nested, 0o755))
	require.NoError(t, os.MkdirAll(filepath.Join(root, "shared"), 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(module, "go.mod"), []byte("module example.test\n"), 0o644))
	t.Chdir(nested)

	got := SharedDir(t)
	want, err := filepath.EvalSymlinks(filepath.Join(root, "shared"))
	require.NoError(t, err)
	gotResolved, err := filepath.EvalSymlinks(got)
	require.NoError(t, err)
	assert.Equal(t, want, gotResolved)
}

func TestModuleRootFailsWithoutGoMod(t *testing.T) {
	_, err := moduleRoot(string(filepath.Separator))
	assert.Error(t, err)
}

func TestOfficialDocumentIsLoadedOnce(t *testing.T) {
	first := OfficialDocument(t, "kyc-match-v0.4.0.yaml")
	second := OfficialDocument(t, "kyc-match-v0.4.0.yaml")
	require.NotNil(t, first)
	assert.Same(t, first, second)
	assert.Equal(t, "0.4.0", first.Info.Version)
}

func TestOfficialDocumentFailsForAMissingFile(t *testing.T) {
	rec := &recorder{TB: t}
	assert.Nil(t, OfficialDocument(rec, "kyc-match-v9.9.9.yaml"))
	require.Len(t, rec.fatal, 1)
	assert.Contains(t, rec.fatal[0], "kyc-match-v9.9.9.yaml")
}

func jsonHeader(correlator string) http.Header {
	h := http.Header{}
	h.Set("Content-Type", "application/json")
	if correlator != "" {
		h.Set("x-correlator", correlator)
	}
	return h
}

func TestValidateOfficialResponse(t *testing.T) {
	tests := []struct {
		name, file, path string
		status           int
		header           http.Header
		body             string
		wantErr          string
	}{
		{name: "v0.4 match", file: "kyc-match-v0.4.0.yaml", path: "/kyc-match/v0.4/match", status: 200, header: jsonHeader("abc:123"),
			body: `{"nameMatch":"false","nameMatchScore":99,"nationalityMatch":"not_available"}`},
		{name: "v0.4 score 100", file: "kyc-match-v0.4.0.yaml", path: "/kyc-match/v0.4/match", status: 200, header: jsonHeader(""),
			body: `{"nameMatch":"false","nameMatchScore":100}`, wantErr: "status 200 does not conform"},
		{name: "v0.3 score 100", file: "kyc-match-v0.3.0.yaml", path: "/kyc-match/v0.3/match", status: 200, header: jsonHeader(""),
			body: `{"nameMatch":"false","nameMatchScore":100}`},
		{name: "bad match result", file: "kyc-match-v0.4.0.yaml", path: "/kyc-match/v0.4/match", status: 200, header: jsonHeader(""),
			body: `{"nameMatch":"yes"}`, wantErr: "status 200 does not conform"},
		{name: "boolean match result", file: "kyc-match-v0.4.0.yaml", path: "/kyc-match/v0.4/match", status: 200, header: jsonHeader(""),
			body: `{"nameMatch":true}`, wantErr: "status 200 does not conform"},
		{name: "missing content type", file: "kyc-match-v0.4.0.yaml", path: "/kyc-match/v0.4/match", status: 200, header: http.Header{},
			body: `{"nameMatch":"true"}`, wantErr: "status 200 does not conform"},
		{name: "v0.3 correlator with colon", file: "kyc-match-v0.3.0.yaml", path: "/kyc-match/v0.3/match", status: 200, header: jsonHeader("abc:123"),
			body: `{"nameMatch":"true"}`, wantErr: "status 200 does not conform"},
		{name: "declared error", file: "kyc-match-v0.4.0.yaml", path: "/kyc-match/v0.4/match", status: 400, header: jsonHeader(""),
			body: `{"status":400,"code":"INVALID_ARGUMENT","message":"request body property \"birthdate\" is invalid"}`},
		{name: "declared error with foreign code", file: "kyc-match-v0.4.0.yaml", path: "/kyc-match/v0.4/match", status: 400, header: jsonHeader(""),
			body: `{"status":400,"code":"NOT_FOUND","message":"x"}`, wantErr: "status 400 does not conform"},
		{name: "v0.3 only code on v0.3", file: "kyc-match-v0.3.0.yaml", path: "/kyc-match/v0.3/match", status: 401, header: jsonHeader(""),
			body: `{"status":401,"code":"AUTHENTICATION_REQUIRED","message":"x"}`},
		{name: "v0.3 only code on v0.4", file: "kyc-match-v0.4.0.yaml", path: "/kyc-match/v0.4/match", status: 401, header: jsonHeader(""),
			body: `{"status":401,"code":"AUTHENTICATION_REQUIRED","message":"x"}`, wantErr: "status 401 does not conform"},
		{name: "undeclared error status", file: "kyc-match-v0.4.0.yaml", path: "/kyc-match/v0.4/match", status: 429, header: jsonHeader(""),
			body: `{"status":429,"code":"TOO_MANY_REQUESTS","message":"Rate limit reached."}`},
		{name: "undeclared error without message", file: "kyc-match-v0.4.0.yaml", path: "/kyc-match/v0.4/match", status: 503, header: jsonHeader(""),
			body: `{"status":503,"code":"UNAVAILABLE"}`, wantErr: "not a CAMARA ErrorInfo"},
		{name: "undeclared error with other status", file: "kyc-match-v0.4.0.yaml", path: "/kyc-match/v0.4/match", status: 504, header: jsonHeader(""),
			body: `{"status":500,"code":"TIMEOUT","message":"x"}`, wantErr: "differs from the HTTP status 504"},
		{name: "undeclared error as text", file: "kyc-match-v0.4.0.yaml", path: "/kyc-match/v0.4/match", status: 405, header: http.Header{"Content-Type": {"text/plain"}},
			body: `method not allowed`, wantErr: "must have an application/json body"},
		{name: "undeclared success", file: "kyc-match-v0.4.0.yaml", path: "/kyc-match/v0.4/match", status: 202, header: jsonHeader(""),
			body: `{}`, wantErr: "status 202 is not declared"},
		{name: "unknown path", file: "kyc-match-v0.4.0.yaml", path: "/kyc-match/v0.4/matches", status: 200, header: jsonHeader(""),
			body: `{}`, wantErr: "no operation of the official document serves"},
		{name: "other version's path", file: "kyc-match-v0.3.0.yaml", path: "/kyc-match/v0.4/match", status: 200, header: jsonHeader(""),
			body: `{}`, wantErr: "no operation of the official document serves"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req := httptest.NewRequest(http.MethodPost, tt.path, strings.NewReader(`{"name":"Ada"}`))
			req.Header.Set("Content-Type", "application/json")
			rec := &recorder{TB: t}

			ValidateOfficialResponse(rec, tt.file, req, tt.status, tt.header, []byte(tt.body))

			require.Empty(t, rec.fatal)
			require.Empty(t, rec.skipped)
			if tt.wantErr == "" {
				assert.Empty(t, rec.errors)
				return
			}
			require.Len(t, rec.errors, 1)
			assert.Contains(t, rec.errors[0], tt.wantErr)
		})
	}
}

func TestValidateOfficialResponseRefusesAnUndeclaredMethod(t *testing.T) {
	req := httptest.NewRequest(http.MethodGet, "/kyc-match/v0.4/match", nil)
	rec := &recorder{TB: t}
	ValidateOfficialResponse(rec, "kyc-match-v0.4.0.yaml", req, 200, jsonHeader(""), []byte(`{}`))
	require.Len(t, rec.errors, 1)
	assert.Contains(t, rec.errors[0], "has no GET operation")
}

func TestMatchPath(t *testing.T) {
	tests := []struct {
		template, path string
		want           map[string]string
		ok             bool
	}{
		{"/match", "/match", map[string]string{}, true},
		{"/match", "/match/", nil, false},
		{"/sessions/{id}", "/sessions/abc", map[string]string{"id": "abc"}, true},
		{"/sessions/{id}", "/sessions/", nil, false},
		{"/sessions/{id}/result", "/sessions/abc/other", nil, false},
	}
	for _, tt := range tests {
		t.Run(tt.template+" "+tt.path, func(t *testing.T) {
			got, ok := matchPath(tt.template, tt.path)
			assert.Equal(t, tt.ok, ok)
			if tt.ok {
				assert.Equal(t, tt.want, got)
			}
		})
	}
}
