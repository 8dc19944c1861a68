package biometric

import (
	"context"
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func assessForTest(t *testing.T, e Engine, data []byte, prior ...PriorCapture) SelfieAssessment {
	t.Helper()
	a, err := e.AssessSelfie(context.Background(), data, prior)
	require.NoError(t, err)
	return a
}

func signal(t *testing.T, a SelfieAssessment, name string) Signal {
	t.Helper()
	s, ok := a.Signals.Get(name)
	require.True(t, ok, "signal %s missing", name)
	return s
}

func TestSelfieSignalsAreComplete(t *testing.T) {
	e := onnxTestEngine(t)
	a := assessForTest(t, e, readFace(t, "alex@1.jpg"))

	assert.False(t, a.Signals.Evaluated, "presentation-attack detection is never claimed as evaluated")
	assert.Contains(t, a.Signals.Statement, "ISO/IEC 30107-3")
	for _, name := range []string{SignalLivenessModel, SignalSharpness, SignalExposure, SignalClipping, SignalFaceCount,
		SignalFaceSize, SignalPose, SignalMoire, SignalMetadata, SignalReplay} {
		s := signal(t, a, name)
		assert.True(t, s.Measured, name)
		assert.NotEmpty(t, s.Reason, name)
	}
	live := signal(t, a, SignalLivenessModel)
	assert.True(t, live.Value >= 0 && live.Value <= 1)
	assert.Equal(t, 1.0, signal(t, a, SignalFaceCount).Value)
	assert.False(t, signal(t, a, SignalMoire).Flagged, "a studio portrait shows no moiré")
	assert.NotZero(t, a.PerceptualHash)

	encoded, err := json.Marshal(a.Signals)
	require.NoError(t, err)
	assert.Contains(t, string(encoded), `"evaluated":false`)
}

func TestMoireOverlayRaisesMoireSignal(t *testing.T) {
	e := onnxTestEngine(t)
	for _, name := range []string{"alex@1.jpg", "kit@1.jpg", "rose@2.jpg"} {
		t.Run(name, func(t *testing.T) {
			src := scaledPhoto(t, name, testWidth(name))
			clean := signal(t, assessForTest(t, e, encodeJPEGForTest(t, src, 90)), SignalMoire)
			screen := signal(t, assessForTest(t, e, encodeJPEGForTest(t, moireOverlay(src, 5, 0.25), 90)), SignalMoire)
			assert.False(t, clean.Flagged, "clean photo: %s", clean.Reason)
			assert.True(t, screen.Flagged, "photo with a screen grid: %s", screen.Reason)
			assert.Greater(t, screen.Value, 2*clean.Value)
		})
	}
}

func TestBlurLowersSharpness(t *testing.T) {
	e := onnxTestEngine(t)
	for _, name := range []string{"kit@1.jpg", "obama@1.jpg"} {
		t.Run(name, func(t *testing.T) {
			src := scaledPhoto(t, name, testWidth(name))
			sharp := signal(t, assessForTest(t, e, encodeJPEGForTest(t, src, 90)), SignalSharpness)
			soft := signal(t, assessForTest(t, e, encodeJPEGForTest(t, blurred(src, 3), 90)), SignalSharpness)
			t.Logf("sharpness %.0f, blurred %.0f", sharp.Value, soft.Value)
			assert.Less(t, soft.Value, sharp.Value/3)
			assert.False(t, sharp.Flagged)
		})
	}
	src := scaledPhoto(t, "kit@1.jpg", testWidth("kit@1.jpg"))
	soft := signal(t, assessForTest(t, e, encodeJPEGForTest(t, blurred(src, 6), 90)), SignalSharpness)
	assert.True(t, soft.Flagged, "a strongly blurred face is flagged: %s", soft.Reason)
}

func TestReplayOfReencodedCopyIsFlagged(t *testing.T) {
	e := onnxTestEngine(t)
	original := assessForTest(t, e, readFace(t, "rose@1.jpg"))
	prior := PriorCapture{Template: original.Template, PerceptualHash: original.PerceptualHash}

	smaller := scaledPhoto(t, "rose@1.jpg", 960)
	copyAssessment := assessForTest(t, e, encodeJPEGForTest(t, smaller, 60), prior)
	replay := signal(t, copyAssessment, SignalReplay)
	assert.True(t, replay.Flagged, replay.Reason)
	assert.LessOrEqual(t, copyAssessment.PerceptualHash.Distance(original.PerceptualHash), 8)

	hashOnly := assessForTest(t, e, encodeJPEGForTest(t, smaller, 60), PriorCapture{PerceptualHash: original.PerceptualHash})
	assert.True(t, signal(t, hashOnly, SignalReplay).Flagged, "the image hash alone recognises the copy")

	other := signal(t, assessForTest(t, e, readFace(t, "rose@2.jpg"), prior), SignalReplay)
	assert.False(t, other.Flagged, "another photo of the same person is not a replay: %s", other.Reason)

	first := signal(t, assessForTest(t, e, readFace(t, "rose@2.jpg")), SignalReplay)
	assert.False(t, first.Flagged)
}

func TestSharedNearDuplicateIsFlagged(t *testing.T) {
	e := onnxTestEngine(t)
	earlier := assessForTest(t, e, readFace(t, "obama@1.jpg"))
	replay := signal(t, assessForTest(t, e, readFace(t, "obama@5.jpg"),
		PriorCapture{Template: earlier.Template, PerceptualHash: earlier.PerceptualHash}), SignalReplay)
	assert.True(t, replay.Flagged, "obama@5 is a lower-resolution copy of obama@1: %s", replay.Reason)
}

func TestMetadataSignal(t *testing.T) {
	e := onnxTestEngine(t)
	src := scaledPhoto(t, "kit@3.jpg", 480)
	plain := encodeJPEGForTest(t, src, 90)

	clean := signal(t, assessForTest(t, e, plain), SignalMetadata)
	assert.False(t, clean.Flagged, clean.Reason)

	edited := signal(t, assessForTest(t, e, withEXIF(plain, exifTIFF(0, "Adobe Photoshop 25.0 (Windows)"))), SignalMetadata)
	assert.True(t, edited.Flagged)
	assert.Contains(t, edited.Reason, "photoshop")

	camera := signal(t, assessForTest(t, e, withEXIF(plain, exifTIFF(1, "Camera firmware 1.0"))), SignalMetadata)
	assert.False(t, camera.Flagged, camera.Reason)
}

func TestEXIFOrientationIsApplied(t *testing.T) {
	e := onnxTestEngine(t)
	upright := scaledPhoto(t, "kit@3.jpg", 480)
	reference, err := e.Extract(context.Background(), encodeJPEGForTest(t, upright, 92))
	require.NoError(t, err)

	sideways := encodeJPEGForTest(t, rotateCounterClockwise(upright), 92)
	tmpl, err := e.Extract(context.Background(), withEXIF(sideways, exifTIFF(6, "")))
	require.NoError(t, err)
	assert.Equal(t, upright.Bounds().Dx(), tmpl.Quality.ImageWidth, "orientation 6 turns the image upright")
	cmp, err := e.Compare(reference, tmpl, SelfieSelfie)
	require.NoError(t, err)
	assert.Greater(t, cmp.Cosine, 0.9)
}

// testWidth is the width a shared photo is scaled to for signal tests: small
// enough to keep race-detector runs short, large enough for the face to stay
// above the minimum size (kit@1 is a wide shot with a small face).
func testWidth(name string) int {
	if name == "kit@1.jpg" {
		return 900
	}
	return 480
}
