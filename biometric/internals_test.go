package biometric

import (
	"bytes"
	"encoding/json"
	"image"
	"image/png"
	"math"
	"math/cmplx"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestDecodeImageLimits(t *testing.T) {
	img := noiseImage(100, 80)
	var buf bytes.Buffer
	require.NoError(t, png.Encode(&buf, img))
	data := buf.Bytes()

	tests := []struct {
		name      string
		data      []byte
		maxBytes  int64
		maxPixels int64
		wantErr   bool
	}{
		{"within limits", data, int64(len(data)), 8000, false},
		{"too many bytes", data, int64(len(data) - 1), 0, true},
		{"too many pixels", data, 0, 7999, true},
		{"garbage", []byte{0x89, 'P', 'N', 'G', 1, 2, 3}, 0, 0, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := decodeImage(tc.data, tc.maxBytes, tc.maxPixels)
			if tc.wantErr {
				assert.ErrorIs(t, err, ErrUnreadableImage)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, img.Pix, got.rgba.Pix)
			assert.Equal(t, "png", got.format)
		})
	}
}

func TestOrientationMapsEveryCorner(t *testing.T) {
	src := image.NewRGBA(image.Rect(0, 0, 3, 2))
	src.Pix[0] = 255 // top-left pixel marked
	tests := []struct {
		orientation int
		size        image.Point
		marked      image.Point
	}{
		{1, image.Pt(3, 2), image.Pt(0, 0)},
		{2, image.Pt(3, 2), image.Pt(2, 0)},
		{3, image.Pt(3, 2), image.Pt(2, 1)},
		{4, image.Pt(3, 2), image.Pt(0, 1)},
		{5, image.Pt(2, 3), image.Pt(0, 0)},
		{6, image.Pt(2, 3), image.Pt(1, 0)},
		{7, image.Pt(2, 3), image.Pt(1, 2)},
		{8, image.Pt(2, 3), image.Pt(0, 2)},
	}
	for _, tc := range tests {
		out := orient(src, tc.orientation)
		assert.Equal(t, tc.size, out.Bounds().Size(), "orientation %d", tc.orientation)
		assert.Equal(t, uint8(255), out.RGBAAt(tc.marked.X, tc.marked.Y).R, "orientation %d", tc.orientation)
	}
}

func TestMetadataParserSurvivesCorruptInput(t *testing.T) {
	valid := withEXIF([]byte{0xFF, 0xD8, 0xFF, 0xD9}, exifTIFF(6, "GIMP 2.10"))
	m := readJPEGMetadata(valid)
	assert.Equal(t, 6, m.orientation)
	assert.Equal(t, "GIMP 2.10", m.software)
	assert.Equal(t, []string{"editing software gimp"}, m.editingTraces())

	rng := rand.New(rand.NewPCG(3, 4))
	for i := 0; i < 2000; i++ {
		corrupt := append([]byte(nil), valid...)
		for k := 0; k < 1+rng.IntN(4); k++ {
			corrupt[2+rng.IntN(len(corrupt)-2)] = byte(rng.IntN(256))
		}
		corrupt = corrupt[:2+rng.IntN(len(corrupt)-1)]
		assert.NotPanics(t, func() { readJPEGMetadata(corrupt) })
		assert.NotPanics(t, func() { readPNGMetadata(corrupt) })
	}
}

func TestPNGSoftwareText(t *testing.T) {
	var buf bytes.Buffer
	require.NoError(t, png.Encode(&buf, noiseImage(4, 4)))
	data := buf.Bytes()
	chunk := pngChunk("tEXt", []byte("Software\x00Adobe Photoshop"))
	withText := append(append(append([]byte{}, data[:33]...), chunk...), data[33:]...)
	m := readPNGMetadata(withText)
	assert.Equal(t, "Adobe Photoshop", m.pngSoftwareText)
	assert.NotEmpty(t, m.editingTraces())
}

func pngChunk(kind string, payload []byte) []byte {
	out := make([]byte, 0, 12+len(payload))
	out = append(out, byte(len(payload)>>24), byte(len(payload)>>16), byte(len(payload)>>8), byte(len(payload)))
	out = append(out, kind...)
	out = append(out, payload...)
	return append(out, 0, 0, 0, 0) // CRC is not checked by the reader
}

func TestFFTMatchesDirectDFT(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	in := make([]complex128, 16)
	for i := range in {
		in[i] = complex(rng.Float64(), rng.Float64())
	}
	got := append([]complex128(nil), in...)
	fft(got)
	for k := range in {
		var want complex128
		for n, x := range in {
			want += x * cmplx.Exp(complex(0, -2*math.Pi*float64(k*n)/16))
		}
		assert.InDelta(t, real(want), real(got[k]), 1e-9)
		assert.InDelta(t, imag(want), imag(got[k]), 1e-9)
	}
}

func TestFitSimilarityRecoversTransform(t *testing.T) {
	want := similarity{a: 0.8 * math.Cos(0.3), b: 0.8 * math.Sin(0.3), tx: 12, ty: -7}
	var src, dst [5]Point
	for i, p := range arcFaceTemplate {
		src[i] = Point{X: p.X * 3, Y: p.Y*2 + 5}
		dst[i] = Point{X: want.a*src[i].X - want.b*src[i].Y + want.tx, Y: want.b*src[i].X + want.a*src[i].Y + want.ty}
	}
	got := fitSimilarity(src, dst)
	assert.InDelta(t, want.a, got.a, 1e-9)
	assert.InDelta(t, want.b, got.b, 1e-9)
	assert.InDelta(t, want.tx, got.tx, 1e-6)
	assert.InDelta(t, want.ty, got.ty, 1e-6)
}

func TestCalibration(t *testing.T) {
	cal, ok := BuiltinCalibration(FacepluginModelID)
	require.True(t, ok)
	require.NoError(t, cal.Validate())
	assert.InDelta(t, 50, cal.Score(cal.Midpoint), 1e-9)
	assert.Less(t, cal.Score(0.1), 10.0)
	assert.Greater(t, cal.Score(0.6), 90.0)
	assert.Less(t, cal.Score(-1), cal.Score(0))

	bad := []Calibration{
		{Slope: 1},
		{ModelID: "m", Slope: 0},
		{ModelID: "m", Slope: 1, Midpoint: 2},
		{ModelID: "m", Slope: math.Inf(1)},
	}
	for _, c := range bad {
		assert.Error(t, c.Validate())
	}
	_, err := cal.Threshold(CompareKind(0))
	assert.Error(t, err)
	assert.Equal(t, "selfie_document", SelfieDocument.String())
}

func TestPerceptualHash(t *testing.T) {
	a := noiseImage(64, 64)
	b := brighten(a, 10)
	c := noiseImage(64, 64)
	for i := range c.Pix {
		if i%4 != 3 {
			c.Pix[i] = 255 - c.Pix[i]
		}
	}
	ha, hb, hc := computePerceptualHash(a), computePerceptualHash(b), computePerceptualHash(c)
	assert.LessOrEqual(t, ha.Distance(hb), 4, "brightness barely changes the hash")
	assert.Greater(t, ha.Distance(hc), 32, "the negative has a very different hash")

	text, err := ha.MarshalText()
	require.NoError(t, err)
	var back PerceptualHash
	require.NoError(t, back.UnmarshalText(text))
	assert.Equal(t, ha, back)
	assert.Error(t, back.UnmarshalText([]byte("xyz")))
}

func TestConfigJSONAndValidation(t *testing.T) {
	var cfg Config
	require.NoError(t, json.Unmarshal([]byte(`{"engine":"onnx","models_dir":"/m","video":{"timeout":"5s"}}`), &cfg))
	assert.Equal(t, Duration(5*time.Second), cfg.Video.Timeout)
	require.NoError(t, cfg.Validate())
	full := cfg.withDefaults()
	assert.Equal(t, "/m/fr_detect.onnx", full.modelPath(full.Detector.Model))
	assert.Equal(t, "/abs/model.onnx", full.modelPath("/abs/model.onnx"))

	assert.Error(t, json.Unmarshal([]byte(`{"video":{"timeout":"soon"}}`), &cfg))
	assert.Error(t, Config{Engine: "gpu"}.Validate())
	assert.Error(t, Config{Engine: EngineVector}.Validate(), "vector needs a model id")
	assert.Error(t, Config{MaxInFlight: -1}.Validate())
	assert.Error(t, Config{Calibration: &Calibration{}}.Validate())

	for key, c := range map[string]Config{
		"detector.score_threshold": {Detector: DetectorConfig{ScoreThreshold: 7}},
		"detector.nms_threshold":   {Detector: DetectorConfig{NMSThreshold: -2}},
		"signals.min_liveness":     {Signals: SignalThresholds{MinLiveness: 5}},
		"signals.max_clipping":     {Signals: SignalThresholds{MaxClipping: -3}},
		"video.timeout":            {Video: VideoConfig{Timeout: Duration(-5 * time.Second)}},
		"video.max_duration":       {Video: VideoConfig{MaxDuration: Duration(-time.Second)}},
	} {
		err := c.Validate()
		require.Error(t, err, key)
		assert.Contains(t, err.Error(), key, "the message names the key")
	}
}

func TestSpriteLayout(t *testing.T) {
	frames := []*image.RGBA{noiseImage(64, 48), noiseImage(64, 48), noiseImage(64, 48)}
	s, err := renderSprite(frames, 2, 32)
	require.NoError(t, err)
	assert.Equal(t, 2, s.Columns)
	assert.Equal(t, 2, s.Rows)
	assert.Equal(t, 24, s.TileHeight)
	assert.Equal(t, 3, s.Frames)
	_, err = renderSprite(nil, 2, 32)
	assert.Error(t, err)
}

func TestSuppressOverlaps(t *testing.T) {
	faces := []faceDetection{
		{box: Box{X: 0, Y: 0, Width: 10, Height: 10}, score: 0.8},
		{box: Box{X: 1, Y: 1, Width: 10, Height: 10}, score: 0.9},
		{box: Box{X: 50, Y: 50, Width: 10, Height: 10}, score: 0.7},
	}
	kept := suppressOverlaps(faces, 0.4)
	require.Len(t, kept, 2)
	assert.Equal(t, 0.9, kept[0].score)
	assert.Equal(t, 0.7, kept[1].score)
}

func TestShrinkByAveragesBlocks(t *testing.T) {
	img := image.NewRGBA(image.Rect(0, 0, 5, 4))
	for i := range img.Pix {
		img.Pix[i] = uint8(i % 7 * 30)
	}
	out := shrinkBy(img, 2)
	require.Equal(t, image.Pt(2, 2), out.Bounds().Size())
	for oy := 0; oy < 2; oy++ {
		for ox := 0; ox < 2; ox++ {
			for c := 0; c < 4; c++ {
				var sum int
				for dy := 0; dy < 2; dy++ {
					for dx := 0; dx < 2; dx++ {
						sum += int(img.Pix[img.PixOffset(2*ox+dx, 2*oy+dy)+c])
					}
				}
				assert.Equal(t, uint8((sum+2)/4), out.Pix[out.PixOffset(ox, oy)+c])
			}
		}
	}
	assert.Same(t, img, shrinkToward(img, 2, 2), "small images are not shrunk")
}
