package identity_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kycgate/kycgate/identity"
)

func TestConcurrentUploads(t *testing.T) {
	e := newEnv(t, envOptions{engine: noneEngine(), noProcessor: true})
	flow := e.createFlow(merchantA, identity.StepSelfie, identity.StepFacematch)
	token := e.token(merchantA)
	photo := noFacePhoto(t)

	t.Run("different inputs both land", func(t *testing.T) {
		id := e.start(merchantA, flow, "", nil)["id"].(string)
		statuses := make([]int, 2)
		var wg sync.WaitGroup
		for i, in := range []string{identity.InputSelfiePhoto, identity.InputDocumentPhoto} {
			wg.Go(func() { statuses[i] = e.sendInput(token, id, file{inputType: in, name: "f.jpg", data: photo}).status })
		}
		wg.Wait()
		assert.Equal(t, []int{http.StatusOK, http.StatusOK}, statuses)
		got := e.get(merchantA, id).object(t)
		for _, in := range got["inputs"].([]any) {
			assert.Equal(t, 200.0, in.(map[string]any)["status"], "input %v", in)
		}
	})

	t.Run("the same input has one winner", func(t *testing.T) {
		id := e.start(merchantA, flow, "", nil)["id"].(string)
		const racers = 4
		statuses := make([]int, racers)
		var wg sync.WaitGroup
		for i := range racers {
			wg.Go(func() {
				statuses[i] = e.sendInput(token, id, file{inputType: identity.InputSelfiePhoto, name: "f.jpg", data: photo}).status
			})
		}
		wg.Wait()
		wins := 0
		for _, s := range statuses {
			if s == http.StatusOK {
				wins++
			} else {
				assert.Equal(t, http.StatusConflict, s)
			}
		}
		require.Equal(t, 1, wins, "statuses %v", statuses)
		files, err := os.ReadDir(filepath.Join(e.dir, "media", id))
		require.NoError(t, err)
		require.Len(t, files, 1, "the losers' files are removed, the winner's kept")
		kept, err := os.ReadFile(filepath.Join(e.dir, "media", id, files[0].Name()))
		require.NoError(t, err)
		assert.Equal(t, photo, kept)
	})
}

// TestParallelClientsNeverSeeAServerError drives the verifications API from
// several clients at once while the processor and the webhook worker write
// to the same SQLite store: every start, upload and read must succeed, none
// may surface a store still busy with another writer as a 5xx.
func TestParallelClientsNeverSeeAServerError(t *testing.T) {
	e := newEnv(t, envOptions{engine: noneEngine()})
	flow := e.createFlow(merchantA, identity.StepSelfie)
	token := e.token(merchantA)
	inputs := `[{"inputType":"` + identity.InputSelfiePhoto + `","data":{"filename":"f.jpg"}}]`
	form, contentType := multipartForm(t, inputs, []file{{inputType: identity.InputSelfiePhoto, name: "f.jpg", data: noFacePhoto(t)}})
	start := []byte(`{"flowId":"` + flow + `"}`)
	const clients, rounds = 6, 5
	var (
		mu       sync.Mutex
		failures []string
		ids      []string
	)
	do := func(method, path, ct string, body []byte, want int) []byte {
		req, err := http.NewRequest(method, e.gateway.URL+path, bytes.NewReader(body))
		if err != nil {
			panic(err)
		}
		req.Header.Set("Authorization", "Bearer "+token)
		if ct != "" {
			req.Header.Set("Content-Type", ct)
		}
		res, err := e.gateway.Client().Do(req)
		if err == nil {
			defer res.Body.Close()
			var raw []byte
			if raw, err = io.ReadAll(res.Body); err == nil && res.StatusCode == want {
				return raw
			}
			err = fmt.Errorf("status %d: %s", res.StatusCode, raw)
		}
		mu.Lock()
		failures = append(failures, fmt.Sprintf("%s %s: %v", method, path, err))
		mu.Unlock()
		return nil
	}
	var wg sync.WaitGroup
	for range clients {
		wg.Go(func() {
			for range rounds {
				raw := do(http.MethodPost, "/v2/verifications", "application/json", start, http.StatusCreated)
				var v struct{ ID string }
				if raw == nil || json.Unmarshal(raw, &v) != nil || v.ID == "" {
					continue
				}
				mu.Lock()
				ids = append(ids, v.ID)
				mu.Unlock()
				do(http.MethodPost, "/v2/verifications/"+v.ID+"/send-input", contentType, form, http.StatusOK)
				do(http.MethodGet, "/v2/verifications/"+v.ID, "", nil, http.StatusOK)
			}
		})
	}
	wg.Wait()
	require.Empty(t, failures)
	require.Len(t, ids, clients*rounds)
	for _, id := range ids {
		e.waitEnded(merchantA, id)
	}
	assert.NotContains(t, e.logs.String(), `"level":"ERROR"`)
}
