package api_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kycgate/kycgate/telemetry"
	"github.com/kycgate/kycgate/telemetry/telemetrytest"
)

func TestEveryResultCountsItsVerdict(t *testing.T) {
	metrics := telemetry.NewMetrics()
	e := newEnv(t, envOptions{observer: metrics})
	ctx := context.Background()
	verdicts := func(verdict string) float64 {
		return telemetrytest.Value(t, metrics, "kycgate_nfc_verdicts_total", map[string]string{"verdict": verdict})
	}

	e.redeemAndUpload(e.initSession(map[string]any{"ref": "authentic"}), selfies(t, 2, "kit"))
	assert.Equal(t, "AUTHENTIC", e.partner.nextWithRef(t, "authentic")["verdict"])
	assert.Equal(t, 1.0, verdicts("AUTHENTIC"))

	e.redeemAndUploadAltered(e.initSession(map[string]any{"ref": "tampered"}), selfies(t, 2, "kit"), tamperDG1)
	assert.Equal(t, "DG_HASH_MISMATCH", e.partner.nextWithRef(t, "tampered")["verdict"])
	assert.Equal(t, 1.0, verdicts("DG_HASH_MISMATCH"))

	e.initSession(map[string]any{"ref": "abandoned"})
	e.clock.advance(11 * time.Minute)
	require.NoError(t, e.nfc.Service.Sweep(ctx))
	assert.Equal(t, "SESSION_EXPIRED", e.partner.nextWithRef(t, "abandoned")["verdict"])
	assert.Equal(t, 1.0, verdicts("SESSION_EXPIRED"))
	assert.Equal(t, 1.0, verdicts("AUTHENTIC"), "each result is counted once")
}
