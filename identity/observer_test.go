package identity_test

import (
	"context"
	"net/http"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kycgate/kycgate/biometric"
	"github.com/kycgate/kycgate/identity"
)

// recordingObserver keeps what it is told.
type recordingObserver struct {
	mu      sync.Mutex
	reports []identity.Report
	deleted []string
}

func (o *recordingObserver) VerificationChanged(_ context.Context, r identity.Report) error {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.reports = append(o.reports, r)
	return nil
}

func (o *recordingObserver) VerificationDeleted(_ context.Context, merchantID, verificationID string) error {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.deleted = append(o.deleted, merchantID+"/"+verificationID)
	return nil
}

func (o *recordingObserver) snapshot() ([]identity.Report, []string) {
	o.mu.Lock()
	defer o.mu.Unlock()
	return append([]identity.Report{}, o.reports...), append([]string{}, o.deleted...)
}

func TestObserverLearnsStartEndAndDeletion(t *testing.T) {
	observer := &recordingObserver{}
	e := newEnv(t, envOptions{observer: observer})
	flow := e.createFlow(merchantA, identity.StepSelfie)
	done, _ := e.verifySelfie(flow, "", nil, face(t, personFirst))
	id := done["id"].(string)

	reports, _ := observer.snapshot()
	require.Len(t, reports, 2, "started and ended")
	assert.Equal(t, identity.StatusPending, reports[0].Status)
	assert.Nil(t, reports[0].SealedTemplate)
	end := reports[1]
	assert.Equal(t, identity.StatusVerified, end.Status)
	assert.Equal(t, merchantA, end.MerchantID)
	assert.Equal(t, id, end.VerificationID)
	assert.Equal(t, done["identity"], end.IdentityID)
	assert.Equal(t, []string{identity.StepSelfie}, end.CompletedSteps)
	template, err := biometric.OpenTemplate(testTemplateKey, end.SealedTemplate)
	require.NoError(t, err, "the template is sealed with the template key")
	assert.NotEmpty(t, template.Vector)

	r := e.call(http.MethodDelete, "/v2/verifications/"+id, e.token(merchantA), nil, "")
	require.Equal(t, http.StatusNoContent, r.status)
	_, deleted := observer.snapshot()
	assert.Equal(t, []string{merchantA + "/" + id}, deleted)
}
