package local

import (
	"bytes"
	"fmt"
	"math/rand"
	"testing"
	"time"
)

func TestZZHang(t *testing.T) {
	seeds := [][]byte{DemoSubscribers, []byte(`{"subscribers": [1, [2], {"a": {"b": [3]}}]} x`), []byte("\uFEFF{\n\"subscribers\": [\n{,\n")}
	r := rand.New(rand.NewSource(1))
	for i := 0; i < 200000; i++ {
		s := append([]byte(nil), seeds[r.Intn(len(seeds))]...)
		for k := 0; k < 1+r.Intn(4); k++ {
			switch r.Intn(3) {
			case 0:
				if len(s) > 0 {
					s[r.Intn(len(s))] = byte(r.Intn(256))
				}
			case 1:
				if len(s) > 1 {
					p := r.Intn(len(s))
					s = append(s[:p], s[p+1:]...)
				}
			case 2:
				p := r.Intn(len(s) + 1)
				s = append(s[:p], append([]byte{"{}[],:\"x1 "[r.Intn(10)]}, s[p:]...)...)
			}
		}
		done := make(chan struct{})
		go func() { ParseImport(bytes.NewReader(s)); close(done) }()
		select {
		case <-done:
		case <-time.After(2 * time.Second):
			fmt.Printf("HANG %q\n", s)
			t.FailNow()
		}
	}
}
