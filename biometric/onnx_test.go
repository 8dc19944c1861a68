package biometric

import (
	"context"
	"errors"
	"image"
	"math/rand/v2"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	xdraw "golang.org/x/image/draw"
)

func TestONNXSeparatesSharedFaces(t *testing.T) {
	e := onnxTestEngine(t)
	photos, templates := sharedPhotoTemplates(t)

	minSame, maxDiff := 2.0, -2.0
	for i := range photos {
		for j := i + 1; j < len(photos); j++ {
			cmp, err := e.Compare(templates[i], templates[j], SelfieSelfie)
			require.NoError(t, err)
			if photos[i].person == photos[j].person {
				minSame = min(minSame, cmp.Cosine)
				assert.True(t, cmp.Match, "%s vs %s should match (cosine %.3f)", photos[i].name, photos[j].name, cmp.Cosine)
			} else {
				maxDiff = max(maxDiff, cmp.Cosine)
				assert.False(t, cmp.Match, "%s vs %s should not match (cosine %.3f)", photos[i].name, photos[j].name, cmp.Cosine)
			}
		}
	}
	t.Logf("same-person cosine ≥ %.3f, different-person cosine ≤ %.3f", minSame, maxDiff)
	require.Greater(t, minSame, maxDiff, "every same-person pair must score above every different-person pair")

	cal, ok := BuiltinCalibration(e.ModelID())
	require.True(t, ok)
	const margin = 0.1
	for _, kind := range []CompareKind{SelfieSelfie, SelfieDocument} {
		threshold, err := cal.Threshold(kind)
		require.NoError(t, err)
		assert.Greater(t, threshold-maxDiff, margin, "%s threshold too close to different-person pairs", kind)
		assert.Greater(t, minSame-threshold, margin, "%s threshold too close to same-person pairs", kind)
	}
}

func TestONNXDocumentLikeSeparation(t *testing.T) {
	e := onnxTestEngine(t)
	photos, originals := sharedPhotoTemplates(t)

	minSame, maxDiff := 2.0, -2.0
	for i, p := range photos {
		scale := min(1, 90/originals[i].Quality.FaceSize)
		doc, err := e.Extract(context.Background(), documentLike(t, decodedPhoto(t, p.name), scale))
		require.NoError(t, err, p.name)
		for j, q := range photos {
			if i == j {
				continue
			}
			cmp, err := e.Compare(doc, originals[j], SelfieDocument)
			require.NoError(t, err)
			if p.person == q.person {
				minSame = min(minSame, cmp.Cosine)
			} else {
				maxDiff = max(maxDiff, cmp.Cosine)
			}
			assert.Equal(t, p.person == q.person, cmp.Match, "document-like %s vs %s (cosine %.3f)", p.name, q.name, cmp.Cosine)
		}
	}
	t.Logf("document-like vs other photos: same-person cosine ≥ %.3f, different-person cosine ≤ %.3f", minSame, maxDiff)
	require.Greater(t, minSame, maxDiff)
}

func TestONNXTemplateShape(t *testing.T) {
	e := onnxTestEngine(t)
	tmpl, err := e.Extract(context.Background(), readFace(t, "obama@1.jpg"))
	require.NoError(t, err)

	assert.Equal(t, FacepluginModelID, tmpl.ModelID)
	assert.Equal(t, FacepluginModelVersion, tmpl.ModelVersion)
	require.Len(t, tmpl.Vector, 512)
	var norm float64
	for _, v := range tmpl.Vector {
		norm += float64(v) * float64(v)
	}
	assert.InDelta(t, 1, norm, 1e-4, "vector must be L2-normalised")
	require.Len(t, tmpl.Landmarks, landmarkCount)
	assert.Equal(t, 1, tmpl.Quality.FaceCount)
	assert.Greater(t, tmpl.Quality.DetectionScore, 0.9)
	assert.Greater(t, tmpl.Quality.FaceSize, 100.0)
	for _, p := range tmpl.Landmarks {
		assert.True(t, p.X >= tmpl.Box.X-tmpl.Box.Width/2 && p.X <= tmpl.Box.X+1.5*tmpl.Box.Width, "landmark outside the face")
	}
	assert.Less(t, poseValue(tmpl.Quality.Pose), 0.3, "the portrait is frontal")
}

func TestONNXExtractErrors(t *testing.T) {
	e := onnxTestEngine(t)
	photo := decodedPhoto(t, "obama@1.jpg")
	tiny := image.NewRGBA(image.Rect(0, 0, 40, 50))
	xdraw.BiLinear.Scale(tiny, tiny.Bounds(), photo, photo.Bounds(), xdraw.Src, nil)
	smallFace := image.NewRGBA(image.Rect(0, 0, 182, 227))
	xdraw.BiLinear.Scale(smallFace, smallFace.Bounds(), photo, photo.Bounds(), xdraw.Src, nil)

	tests := []struct {
		name  string
		input []byte
		want  error
	}{
		{"two faces", readFace(t, "multi@two_people.jpg"), ErrMultipleFaces},
		{"noise", encodePNGForTest(t, noiseImage(640, 480)), ErrNoFace},
		{"tiny image", encodePNGForTest(t, tiny), ErrFaceTooSmall},
		{"face below minimum size", encodePNGForTest(t, smallFace), ErrFaceTooSmall},
		{"not an image", []byte("this is plain text, not a picture"), ErrUnreadableImage},
		{"empty", nil, ErrUnreadableImage},
		{"truncated jpeg", readFace(t, "obama@1.jpg")[:2000], ErrUnreadableImage},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := e.Extract(context.Background(), tc.input)
			require.Error(t, err)
			assert.ErrorIs(t, err, tc.want)
			for _, other := range []error{ErrNoFace, ErrMultipleFaces, ErrFaceTooSmall, ErrUnreadableImage, ErrEngineUnavailable} {
				if other != tc.want {
					assert.False(t, errors.Is(err, other), "error must be distinct from %v", other)
				}
			}
		})
	}
}

// noiseImage is uniform random colour noise from a fixed seed.
func noiseImage(w, h int) *image.RGBA {
	rng := rand.New(rand.NewPCG(1, 2))
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for i := range img.Pix {
		img.Pix[i] = uint8(rng.IntN(256))
		if i%4 == 3 {
			img.Pix[i] = 255
		}
	}
	return img
}

func TestONNXVariantsMatchOriginal(t *testing.T) {
	e := onnxTestEngine(t)
	for _, name := range []string{"alex@1.jpg", "biden@2.jpg", "obama@1.jpg", "rose@2.jpg"} {
		src := scaledPhoto(t, name, 640)
		original, err := e.Extract(context.Background(), encodeJPEGForTest(t, src, 92))
		require.NoError(t, err, name)
		docScale := min(1, 90/original.Quality.FaceSize)
		variants := []struct {
			name  string
			data  []byte
			kind  CompareKind
			bound float64
		}{
			{"brighter", encodeJPEGForTest(t, brighten(src, 45), 92), SelfieSelfie, 0.8},
			{"darker", encodeJPEGForTest(t, brighten(src, -45), 92), SelfieSelfie, 0.8},
			{"mirrored", encodeJPEGForTest(t, mirror(src), 92), SelfieSelfie, 0.7},
			{"document-like", documentLike(t, src, docScale), SelfieDocument, 0.7},
		}
		for _, v := range variants {
			t.Run(name+"/"+v.name, func(t *testing.T) {
				tmpl, err := e.Extract(context.Background(), v.data)
				require.NoError(t, err)
				cmp, err := e.Compare(original, tmpl, v.kind)
				require.NoError(t, err)
				assert.True(t, cmp.Match, "cosine %.3f below threshold %.3f", cmp.Cosine, cmp.Threshold)
				assert.Greater(t, cmp.Cosine, v.bound)
			})
		}
	}
}

func TestONNXIsDeterministicUnderConcurrency(t *testing.T) {
	e := onnxTestEngine(t)
	data := readFace(t, "rose@1.jpg")
	first, err := e.Extract(context.Background(), data)
	require.NoError(t, err)

	const workers = 4
	results := make([]Template, workers)
	errs := make([]error, workers)
	var wg sync.WaitGroup
	for i := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			results[i], errs[i] = e.Extract(context.Background(), data)
		}()
	}
	wg.Wait()
	for i := range workers {
		require.NoError(t, errs[i])
		assert.Equal(t, first.Vector, results[i].Vector, "same bytes must give the same template")
		assert.Equal(t, first.Box, results[i].Box)
	}
}

func TestONNXCompareRefusesOtherModels(t *testing.T) {
	e := onnxTestEngine(t)
	tmpl, err := e.Extract(context.Background(), readFace(t, "kit@1.jpg"))
	require.NoError(t, err)
	other := tmpl
	other.ModelID = "another-model"

	_, err = e.Compare(tmpl, other, SelfieSelfie)
	assert.ErrorIs(t, err, ErrModelMismatch)
	_, err = e.Compare(other, other, SelfieSelfie)
	assert.ErrorIs(t, err, ErrModelMismatch)
	_, err = e.Compare(tmpl, tmpl, CompareKind(99))
	assert.Error(t, err)

	cmp, err := e.Compare(tmpl, tmpl, SelfieDocument)
	require.NoError(t, err)
	assert.InDelta(t, 1, cmp.Cosine, 1e-6)
	assert.Greater(t, cmp.Score, 99.0)
	assert.True(t, cmp.Match)
	assert.Equal(t, SelfieDocument, cmp.Kind)
}

func TestONNXHonoursCancelledContext(t *testing.T) {
	e := onnxTestEngine(t)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := e.Extract(ctx, readFace(t, "kit@1.jpg"))
	assert.ErrorIs(t, err, context.Canceled)
}
