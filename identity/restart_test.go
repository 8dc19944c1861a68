package identity_test

import (
	"context"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kycgate/kycgate/identity"
)

func TestPendingProcessingSurvivesARestart(t *testing.T) {
	// The first gateway stores the inputs and stops before processing
	// them; a second one on the same data folder does the work.
	first := newEnv(t, envOptions{engine: noneEngine(), noProcessor: true})
	flow := first.createFlow(merchantA, identity.StepSelfie)
	queued := first.start(merchantA, flow, "", nil)["id"].(string)
	r := first.sendInput(first.token(merchantA), queued, file{inputType: selfieInput, name: "s.jpg", data: noFacePhoto(t)})
	require.Equal(t, http.StatusOK, r.status, "body: %s", r.body)

	// Another verification was claimed by a processor that died mid-way:
	// its lease runs out and the next processor takes it over.
	crashed := first.start(merchantA, flow, "", nil)["id"].(string)
	r = first.sendInput(first.token(merchantA), crashed, file{inputType: selfieInput, name: "s.jpg", data: noFacePhoto(t)})
	require.Equal(t, http.StatusOK, r.status, "body: %s", r.body)
	claimed, err := first.store.ClaimVerificationJobs(context.Background(), time.Now(), 500*time.Millisecond, 1)
	require.NoError(t, err)
	require.Len(t, claimed, 1)
	first.stop()

	second := newEnv(t, envOptions{engine: noneEngine(), dir: first.dir})
	for _, id := range []string{queued, crashed} {
		done := second.waitEnded(merchantA, id)
		assert.Equal(t, identity.StatusReviewNeeded, done["status"], "processed after the restart")
		hooks := first.receiver.waitFor(id)
		assert.Equal(t, []string{"verification_started", "verification_inputs_completed", "step_completed", "verification_completed"},
			names(hooks), "every event delivered once, in order")
		first.receiver.requireSigned(hooks)
	}
}

func TestUndeliveredEventsSurviveARestart(t *testing.T) {
	first := newEnv(t, envOptions{engine: noneEngine()})
	flow := first.createFlow(merchantA, identity.StepSelfie)
	// The receiver is down while the verification runs.
	first.receiver.server.Close()
	done, _ := first.verifySelfieWithoutHooks(flow, noFacePhoto(t))
	id := done["id"].(string)
	first.stop()

	// The flow's receiver comes back on the same address, and a new
	// gateway runs on the same data folder.
	first.receiver.restart(t)
	newEnv(t, envOptions{engine: noneEngine(), dir: first.dir})
	hooks := first.receiver.waitFor(id)
	assert.Equal(t, []string{"verification_started", "verification_inputs_completed", "step_completed", "verification_completed"}, names(hooks))
	first.receiver.requireSigned(hooks)
}

// verifySelfieWithoutHooks runs a selfie verification without waiting for
// its webhooks.
func (e *env) verifySelfieWithoutHooks(flowID string, photo []byte) (map[string]any, string) {
	e.t.Helper()
	id := e.start(merchantA, flowID, "", nil)["id"].(string)
	r := e.sendInput(e.token(merchantA), id, file{inputType: selfieInput, name: "s.jpg", data: photo})
	require.Equal(e.t, http.StatusOK, r.status, "body: %s", r.body)
	return e.waitEnded(merchantA, id), id
}
