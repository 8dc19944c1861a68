package biometric

import (
	"bytes"
	"crypto/rand"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func sealKey(t *testing.T) []byte {
	t.Helper()
	key := make([]byte, SealKeySize)
	_, err := rand.Read(key)
	require.NoError(t, err)
	return key
}

func TestSealRoundTrip(t *testing.T) {
	key := sealKey(t)
	tmpl := Template{
		ModelID: FacepluginModelID, ModelVersion: "0.0.1", Vector: []float32{0.6, 0.8},
		Box: Box{X: 1, Y: 2, Width: 3, Height: 4}, Landmarks: []Point{{X: 5, Y: 6}},
		Quality: Quality{DetectionScore: 0.99, FaceCount: 1},
	}
	blob, err := SealTemplate(key, tmpl)
	require.NoError(t, err)
	assert.False(t, bytes.Contains(blob, []byte("0.6")), "the vector is not readable in the blob")
	modelID, err := SealedModelID(blob)
	require.NoError(t, err)
	assert.Equal(t, FacepluginModelID, modelID)

	opened, err := OpenTemplate(key, blob)
	require.NoError(t, err)
	assert.Equal(t, tmpl.Vector, opened.Vector)
	assert.Equal(t, tmpl.Box, opened.Box)
	assert.Equal(t, tmpl.Landmarks, opened.Landmarks)
	assert.Equal(t, tmpl.Quality, opened.Quality)
	assert.Equal(t, tmpl.ModelVersion, opened.ModelVersion)

	again, err := SealTemplate(key, tmpl)
	require.NoError(t, err)
	assert.NotEqual(t, blob, again, "a random nonce makes every blob different")
}

func TestSealRejectsTampering(t *testing.T) {
	key := sealKey(t)
	blob, err := SealTemplate(key, Template{ModelID: "model-a", Vector: []float32{1}})
	require.NoError(t, err)

	flip := func(i int) []byte {
		b := append([]byte(nil), blob...)
		b[i] ^= 1
		return b
	}
	renamed := append([]byte(nil), blob...)
	copy(renamed[2:], "model-b")

	tests := []struct {
		name string
		key  []byte
		blob []byte
	}{
		{"wrong key", sealKey(t), blob},
		{"short key", key[:16], blob},
		{"unknown version", key, flip(0)},
		{"model id changed", key, renamed},
		{"ciphertext changed", key, flip(len(blob) - 1)},
		{"nonce changed", key, flip(2 + len("model-a"))},
		{"truncated", key, blob[:12]},
		{"empty", key, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := OpenTemplate(tc.key, tc.blob)
			assert.ErrorIs(t, err, ErrSealing)
		})
	}
	_, err = SealTemplate(key, Template{Vector: []float32{1}})
	assert.ErrorIs(t, err, ErrSealing, "a template without model id cannot be sealed")
}
