package identity_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kycgate/kycgate/identity"
	"github.com/kycgate/kycgate/media"
)

// selfieURLPath returns the path and query of the selfie step's photo URL.
func selfieURLPath(t *testing.T, resource map[string]any) string {
	t.Helper()
	raw := stepOf(resource, identity.StepSelfie)["data"].(map[string]any)["selfiePhotoUrl"].(string)
	u, err := url.Parse(raw)
	require.NoError(t, err)
	require.Equal(t, "kyc.example.test", u.Host, "URLs use the public URL")
	return u.RequestURI()
}

// withLocation replaces the location query of a media path.
func withLocation(token string) string {
	return "/media/file?location=" + url.QueryEscape(token)
}

func TestMediaURLs(t *testing.T) {
	e := newEnv(t, envOptions{engine: noneEngine()})
	flow := e.createFlow(merchantA, identity.StepSelfie)
	photo := noFacePhoto(t)
	done, _ := e.verifySelfie(flow, "", nil, photo)
	path := selfieURLPath(t, done)
	u, err := url.Parse(path)
	require.NoError(t, err)
	token := u.Query().Get("location")
	require.Regexp(t, "^"+done["id"].(string)+`/selfie-photo-[0-9a-f]{8}\.jpg$`, mustVerify(t, token).Key)

	// Tokens for the same, existing file: only the signature or the expiry
	// keeps them from working.
	otherKey := media.Location{Key: mustVerify(t, token).Key, MerchantID: merchantA, Expiry: time.Now().Add(time.Hour)}
	wrongSigner, err := media.NewSigner(bytes.Repeat([]byte{7}, 32))
	require.NoError(t, err)
	expired := signer(t).Sign(media.Location{Key: otherKey.Key, MerchantID: merchantA, Expiry: time.Now().Add(-time.Second)})
	tampered := []byte(token)
	tampered[len(tampered)-5] ^= 0x02

	tests := []struct {
		name   string
		path   string
		token  string
		status int
		code   string
	}{
		{"valid", path, e.token(merchantA), http.StatusOK, ""},
		{"read scope only", path, e.token(merchantA, identity.ScopeVerificationsRead), http.StatusOK, ""},
		{"tampered", withLocation(string(tampered)), e.token(merchantA), http.StatusForbidden, "PERMISSION_DENIED"},
		{"signed with another key", withLocation(wrongSigner.Sign(otherKey)), e.token(merchantA), http.StatusForbidden, "PERMISSION_DENIED"},
		{"expired", withLocation(expired), e.token(merchantA), http.StatusForbidden, "PERMISSION_DENIED"},
		{"another merchant's", path, e.token(merchantB), http.StatusNotFound, "NOT_FOUND"},
		{"without a token", path, "", http.StatusUnauthorized, "UNAUTHENTICATED"},
		{"without the read scope", path, e.token(merchantA, identity.ScopeFlowsRead), http.StatusForbidden, "PERMISSION_DENIED"},
		{"no location", "/media/file", e.token(merchantA), http.StatusBadRequest, "INVALID_ARGUMENT"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := e.call(http.MethodGet, tt.path, tt.token, nil, "")
			if tt.code != "" {
				requireError(t, r, tt.status, tt.code)
				return
			}
			require.Equal(t, tt.status, r.status, "body: %s", r.body)
			assert.Equal(t, photo, r.body, "the uploaded file, byte for byte")
			assert.Equal(t, "image/jpeg", r.header.Get("Content-Type"))
			assert.Equal(t, "private, no-store", r.header.Get("Cache-Control"))
			assert.Equal(t, "nosniff", r.header.Get("X-Content-Type-Options"))
		})
	}
	assert.NotContains(t, e.logs.String(), token, "media tokens are not logged")
}

// signer is the env's media signer.
func signer(t *testing.T) *media.Signer {
	t.Helper()
	s, err := media.NewSigner(testSigningKey)
	require.NoError(t, err)
	return s
}

// mustVerify decodes a genuine token.
func mustVerify(t *testing.T, token string) media.Location {
	t.Helper()
	loc, err := signer(t).Verify(token, time.Now())
	require.NoError(t, err)
	return loc
}

func TestDeleteRemovesThePersonsData(t *testing.T) {
	e := newEnv(t, envOptions{engine: noneEngine()})
	flow := e.createFlow(merchantA, identity.StepSelfie)
	done, hooks := e.verifySelfie(flow, "", map[string]any{"customer": "c-1"}, noFacePhoto(t))
	id := done["id"].(string)
	photoPath := selfieURLPath(t, done)
	require.NotEmpty(t, hooks)
	folder := filepath.Join(e.dir, "media", id)
	_, err := os.Stat(folder)
	require.NoError(t, err, "the media folder exists before")

	requireError(t, e.call(http.MethodDelete, "/v2/verifications/"+id, e.token(merchantB), nil, ""), http.StatusNotFound, "NOT_FOUND")
	requireError(t, e.call(http.MethodDelete, "/v2/verifications/"+id, e.token(merchantA, identity.ScopeVerificationsRead), nil, ""),
		http.StatusForbidden, "PERMISSION_DENIED")

	r := e.call(http.MethodDelete, "/v2/verifications/"+id, e.token(merchantA), nil, "")
	require.Equal(t, http.StatusNoContent, r.status, "body: %s", r.body)
	requireError(t, e.get(merchantA, id), http.StatusNotFound, "NOT_FOUND")
	requireError(t, e.call(http.MethodGet, photoPath, e.token(merchantA), nil, ""), http.StatusNotFound, "NOT_FOUND")
	_, err = os.Stat(folder)
	assert.True(t, os.IsNotExist(err), "the media folder is gone")
	deliveries := e.call(http.MethodGet, "/v2/webhooks/deliveries?verificationId="+id, e.token(merchantA), nil, "")
	require.Equal(t, http.StatusOK, deliveries.status)
	assert.JSONEq(t, `[]`, string(deliveries.body), "its webhook events and history are gone")
	again := e.postJSON("/v2/verifications", e.token(merchantA), map[string]any{"flowId": flow, "identityId": done["identity"]})
	requireError(t, again, http.StatusNotFound, "NOT_FOUND")
	requireError(t, e.call(http.MethodDelete, "/v2/verifications/"+id, e.token(merchantA), nil, ""), http.StatusNotFound, "NOT_FOUND")
}

// TestDeletingWhileInputsArriveLeavesNothingHalfDone races uploads of a
// selfie against the verification's deletion: every upload answers 200
// (it landed before the deletion), 404 (the verification was gone) or 409
// (another upload won), the deletion answers 204, and afterwards neither
// the record nor any file of it is left, whatever the interleaving.
func TestDeletingWhileInputsArriveLeavesNothingHalfDone(t *testing.T) {
	e := newEnv(t, envOptions{engine: noneEngine(), noProcessor: true})
	flow := e.createFlow(merchantA, identity.StepSelfie)
	body, contentType := multipartForm(t, `[{"inputType":"selfie-photo","data":{"filename":"s.jpg"}}]`,
		[]file{{inputType: "selfie-photo", name: "s.jpg", data: noFacePhoto(t)}})
	token := e.token(merchantA)
	send := func(method, path string, body []byte) int {
		req, err := http.NewRequest(method, e.gateway.URL+path, bytes.NewReader(body))
		if err != nil {
			return 0
		}
		req.Header.Set("Authorization", "Bearer "+token)
		req.Header.Set("Content-Type", contentType)
		res, err := e.gateway.Client().Do(req)
		if err != nil {
			return 0
		}
		_, _ = io.Copy(io.Discard, res.Body)
		_ = res.Body.Close()
		return res.StatusCode
	}
	for round := range 12 {
		id := e.start(merchantA, flow, "", nil)["id"].(string)
		uploads := make([]int, 8)
		var deleted int
		var wg sync.WaitGroup
		for i := range uploads {
			wg.Go(func() { uploads[i] = send(http.MethodPost, "/v2/verifications/"+id+"/send-input", body) })
		}
		wg.Go(func() {
			time.Sleep(time.Duration(round%4) * time.Millisecond)
			deleted = send(http.MethodDelete, "/v2/verifications/"+id, nil)
		})
		wg.Wait()
		require.Equal(t, http.StatusNoContent, deleted, "round %d", round)
		for _, status := range uploads {
			assert.Contains(t, []int{http.StatusOK, http.StatusNotFound, http.StatusConflict}, status, "round %d: %v", round, uploads)
		}
		requireError(t, e.get(merchantA, id), http.StatusNotFound, "NOT_FOUND")
		left, err := os.ReadDir(filepath.Join(e.dir, "media", id))
		if err == nil {
			assert.Empty(t, left, "round %d: files of the deleted verification", round)
		}
	}
	for _, line := range strings.Split(e.logs.String(), "\n") {
		assert.NotContains(t, line, `"level":"ERROR"`, "a race with the deletion is no server fault")
	}
}

// failingDeletes is a media store whose deletions fail, as a full or
// broken disk makes them.
type failingDeletes struct{ media.Store }

func (failingDeletes) DeletePrefix(context.Context, string) error {
	return errors.New("input/output error")
}

// TestAFailedDeletionCanBeAskedAgain checks that a deletion whose files
// cannot be removed leaves the verification in place, so that asking again
// (once the disk is fixed) removes the files too, instead of a record gone
// and files nobody can reach any more.
func TestAFailedDeletionCanBeAskedAgain(t *testing.T) {
	e := newEnv(t, envOptions{engine: noneEngine()})
	flow := e.createFlow(merchantA, identity.StepSelfie)
	done, _ := e.verifySelfie(flow, "", nil, noFacePhoto(t))
	id := done["id"].(string)
	files, err := media.NewFilesystem(filepath.Join(e.dir, "media"))
	require.NoError(t, err)
	signer, err := media.NewSigner(testSigningKey)
	require.NoError(t, err)
	broken, err := identity.New(identity.Config{PublicURL: "https://kyc.example.test", PollInterval: 20 * time.Millisecond},
		identity.Deps{Store: e.store, Engine: noneEngine(), Media: failingDeletes{files}, Webhooks: e.worker, TemplateKey: testTemplateKey,
			Secrets: testSecrets(t, nil), Logger: slog.New(slog.DiscardHandler), URLs: media.NewURLs("https://kyc.example.test", signer, time.Hour)})
	require.NoError(t, err)

	require.Error(t, broken.DeleteVerification(context.Background(), merchantA, id))
	require.Equal(t, http.StatusOK, e.get(merchantA, id).status, "the verification is still there to be deleted again")

	r := e.call(http.MethodDelete, "/v2/verifications/"+id, e.token(merchantA), nil, "")
	require.Equal(t, http.StatusNoContent, r.status, "body: %s", r.body)
	_, err = os.Stat(filepath.Join(e.dir, "media", id))
	assert.True(t, os.IsNotExist(err), "its files are gone with it")
}
