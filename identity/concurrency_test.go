package identity_test

import (
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
