package biometric

import (
	"context"
	"fmt"
	"testing"
	"time"
)

func TestZZMeasure(t *testing.T) {
	e := onnxTestEngine(t)
	photos := singleFacePhotos(t)
	tm := make([]Template, len(photos))
	for i, p := range photos {
		start := time.Now()
		tt, err := e.Extract(context.Background(), p.data)
		if err != nil {
			t.Fatalf("%s: %v", p.name, err)
		}
		tm[i] = tt
		fmt.Printf("%s %v size=%.0f det=%.2f sharp=%.0f bright=%.0f pose=%+v faces=%d img=%dx%d\n", p.name, time.Since(start), tt.Quality.FaceSize, tt.Quality.DetectionScore, tt.Quality.Sharpness, tt.Quality.Brightness, tt.Quality.Pose, tt.Quality.FaceCount, tt.Quality.ImageWidth, tt.Quality.ImageHeight)
	}
	minSame, maxDiff := 2.0, -2.0
	for i := range photos {
		for j := i + 1; j < len(photos); j++ {
			c := cosineSimilarity(tm[i].Vector, tm[j].Vector)
			if photos[i].person == photos[j].person {
				fmt.Printf("same %s %s %.3f\n", photos[i].name, photos[j].name, c)
				minSame = min(minSame, c)
			} else {
				maxDiff = max(maxDiff, c)
			}
		}
	}
	fmt.Println("minSame", minSame, "maxDiff", maxDiff)
	_, err := e.Extract(context.Background(), readFace(t, "multi@two_people.jpg"))
	fmt.Println("multi:", err)
}

func TestZZDoc(t *testing.T) {
	e := onnxTestEngine(t)
	photos := singleFacePhotos(t)
	tm := make([]Template, len(photos))
	docs := make([]Template, len(photos))
	for i, p := range photos {
		tm[i], _ = e.Extract(context.Background(), p.data)
		d, err := e.Extract(context.Background(), documentLike(t, decodeForTest(t, p.data), 0.3))
		if err != nil { fmt.Println(p.name, err); continue }
		docs[i] = d
		fmt.Printf("%s doc-self %.3f size %.0f\n", p.name, cosineSimilarity(d.Vector, tm[i].Vector), d.Quality.FaceSize)
	}
	minSame, maxDiff := 2.0, -2.0
	for i := range photos {
		for j := range photos {
			if i == j || docs[i].Vector == nil { continue }
			c := cosineSimilarity(docs[i].Vector, tm[j].Vector)
			if photos[i].person == photos[j].person { minSame = min(minSame, c) } else { maxDiff = max(maxDiff, c) }
		}
	}
	fmt.Println("doc minSame", minSame, "maxDiff", maxDiff)
}

func TestZZSignals(t *testing.T) {
	e := onnxTestEngine(t)
	for _, p := range singleFacePhotos(t) {
		a, err := e.AssessSelfie(context.Background(), p.data, nil)
		if err != nil { t.Fatal(err) }
		fmt.Printf("%-12s", p.name)
		for _, s := range a.Signals.Items { fmt.Printf(" %s=%.3g%s", s.Name, s.Value, map[bool]string{true:"!",false:""}[s.Flagged]) }
		fmt.Println()
	}
}

func TestZZMoire(t *testing.T) {
	e := onnxTestEngine(t)
	for _, name := range []string{"alex@1.jpg", "kit@1.jpg", "obama@5.jpg", "rose@2.jpg"} {
		src := decodeForTest(t, readFace(t, name))
		for _, period := range []float64{4, 6, 9} {
			a, err := e.AssessSelfie(context.Background(), encodeJPEGForTest(t, moireOverlay(src, period, 0.25), 90), nil)
			if err != nil { t.Fatal(err) }
			m, _ := a.Signals.Get(SignalMoire)
			b, _ := e.AssessSelfie(context.Background(), encodeJPEGForTest(t, blurred(src, 3), 90), nil)
			s, _ := b.Signals.Get(SignalSharpness)
			fmt.Println(name, period, m.Value, "blur sharp", s.Value)
		}
		a, _ := e.AssessSelfie(context.Background(), readFace(t, name), nil)
		fmt.Println(a.Signals.Items[8].Reason)
	}
}
