package syncio

import (
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
)

// byteWriter writes a byte at a time and holds no lock of its own, so
// that only Writer's lock keeps a write whole (and -race sees any gap).
type byteWriter struct{ buf []byte }

func (b *byteWriter) Write(p []byte) (int, error) {
	for _, c := range p {
		b.buf = append(b.buf, c)
	}
	return len(p), nil
}

func TestConcurrentWritesArriveWhole(t *testing.T) {
	var buf byteWriter
	w := &Writer{W: &buf}
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			for range 100 {
				_, _ = w.Write([]byte("0123456789\n"))
			}
		})
	}
	wg.Wait()
	lines := strings.Split(strings.TrimSuffix(string(buf.buf), "\n"), "\n")
	assert.Len(t, lines, 800)
	for _, l := range lines {
		assert.Equal(t, "0123456789", l)
	}
}
