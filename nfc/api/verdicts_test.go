package api_test

import (
	"bytes"
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kycgate/kycgate/nfc/readerclient"
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

	r, err := e.reader.Redeem(ctx, e.initSession(map[string]any{"ref": "tampered"}))
	require.NoError(t, err)
	up, err := readerclient.NewUpload(specimenChip(t), r, selfies(t, 2, "kit"))
	require.NoError(t, err)
	dg1 := bytes.Clone(up.DataGroups["1"])
	dg1[len(dg1)-3] ^= 0x01
	up.DataGroups = map[string][]byte{"1": dg1, "2": up.DataGroups["2"], "15": up.DataGroups["15"]}
	sealed, err := readerclient.Seal(r, up)
	require.NoError(t, err)
	_, err = e.reader.UploadSealed(ctx, r.UploadToken, sealed)
	require.NoError(t, err)
	assert.Equal(t, "DG_HASH_MISMATCH", e.partner.nextWithRef(t, "tampered")["verdict"])
	assert.Equal(t, 1.0, verdicts("DG_HASH_MISMATCH"))

	e.initSession(map[string]any{"ref": "abandoned"})
	e.clock.advance(11 * time.Minute)
	require.NoError(t, e.nfc.Service.Sweep(ctx))
	assert.Equal(t, "SESSION_EXPIRED", e.partner.nextWithRef(t, "abandoned")["verdict"])
	assert.Equal(t, 1.0, verdicts("SESSION_EXPIRED"))
	assert.Equal(t, 1.0, verdicts("AUTHENTIC"), "each result is counted once")
}
