package biometric

import (
	"context"
	"fmt"
	"log/slog"
	"sync"
	"sync/atomic"
	"testing"
)

// BenchmarkExtract measures the whole pipeline (decode, detect, landmarks,
// align, embed) for each shared photo.
func BenchmarkExtract(b *testing.B) {
	e := onnxTestEngine(b)
	for _, p := range singleFacePhotos(b) {
		b.Run(p.name, func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				if _, err := e.Extract(context.Background(), p.data); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkEmbed measures the embedding model alone on an aligned face.
func BenchmarkEmbed(b *testing.B) {
	e := onnxTestEngine(b).(*onnxEngine)
	photo := decodeForTest(b, readFace(b, "obama@1.jpg"))
	tmpl, err := e.Extract(context.Background(), readFace(b, "obama@1.jpg"))
	if err != nil {
		b.Fatal(err)
	}
	aligned := alignFace(photo, tmpl.Landmarks, e.cfg.Embedder.InputSize)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := e.embedder.embed(aligned); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkAssessSelfie measures extraction plus every still-image signal.
func BenchmarkAssessSelfie(b *testing.B) {
	e := onnxTestEngine(b)
	photos := singleFacePhotos(b)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := e.AssessSelfie(context.Background(), photos[i%len(photos)].data, nil); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkCompare measures one template comparison.
func BenchmarkCompare(b *testing.B) {
	e := onnxTestEngine(b)
	x, err := e.Extract(context.Background(), readFace(b, "kit@1.jpg"))
	if err != nil {
		b.Fatal(err)
	}
	y, err := e.Extract(context.Background(), readFace(b, "kit@2.jpg"))
	if err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := e.Compare(x, y, SelfieSelfie); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkExtractInFlight measures throughput with 1 and 2 images in
// flight (engine MaxInFlight and as many client goroutines).
func BenchmarkExtractInFlight(b *testing.B) {
	dir := testModelsDir(b)
	photos := singleFacePhotos(b)
	onnxTestEngine(b)
	for _, inFlight := range []int{1, 2} {
		b.Run(fmt.Sprintf("in_flight=%d", inFlight), func(b *testing.B) {
			cfg := DefaultConfig()
			cfg.Engine, cfg.ModelsDir, cfg.MaxInFlight = EngineONNX, dir, inFlight
			e, err := Open(cfg, slog.New(slog.DiscardHandler))
			if err != nil {
				b.Fatal(err)
			}
			defer func() { _ = e.Close() }()
			var next atomic.Int64
			var wg sync.WaitGroup
			b.ResetTimer()
			for w := 0; w < inFlight; w++ {
				wg.Add(1)
				go func() {
					defer wg.Done()
					for {
						i := next.Add(1) - 1
						if i >= int64(b.N) {
							return
						}
						if _, err := e.Extract(context.Background(), photos[int(i)%len(photos)].data); err != nil {
							b.Error(err)
							return
						}
					}
				}()
			}
			wg.Wait()
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "photos/s")
		})
	}
}
