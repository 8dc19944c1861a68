package fuzzy

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestJaroWinklerPublishedValues(t *testing.T) {
	// Reference values from Winkler (1990) and the usual textbook examples,
	// given to three decimals.
	tests := []struct {
		a, b string
		want float64
	}{
		{"MARTHA", "MARHTA", 0.961},
		{"DWAYNE", "DUANE", 0.840},
		{"DIXON", "DICKSONX", 0.813},
		{"JELLYFISH", "SMELLYFISH", 0.896},
	}
	for _, tt := range tests {
		t.Run(tt.a+"/"+tt.b, func(t *testing.T) {
			assert.InDelta(t, tt.want, JaroWinkler(tt.a, tt.b), 0.0005)
			assert.InDelta(t, tt.want, JaroWinkler(tt.b, tt.a), 0.0005, "symmetric")
		})
	}
}

func TestJaroWinklerEdgeCases(t *testing.T) {
	tests := []struct {
		name string
		a, b string
		want float64
	}{
		{"identical", "federica", "federica", 1},
		{"both empty are identical", "", "", 1},
		{"empty against non-empty", "", "federica", 0},
		{"non-empty against empty", "federica", "", 0},
		{"nothing in common", "abc", "xyz", 0},
		{"single different runes", "a", "b", 0},
		{"case-sensitive", "a", "A", 0},
		// Runes, not bytes: one differing rune out of four. Byte-wise the
		// accented letter would count as two characters.
		{"multi-byte runes", "joée", "joee", 0.8667},
		{"kana", "タナカ", "タナベ", 0.8222},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.InDelta(t, tt.want, JaroWinkler(tt.a, tt.b), 0.0005)
		})
	}
}

func TestJaroWinklerPrefixBoostIsCapped(t *testing.T) {
	// A common prefix longer than four characters gets no more than the
	// four-character boost: jaro + 4*0.1*(1-jaro).
	a, b := "abcdefgh", "abcdefxy"
	j := 6.0/8*2/3 + 1.0/3 // six matches out of eight, no transposition
	assert.InDelta(t, j+0.4*(1-j), JaroWinkler(a, b), 1e-9)
}

func TestJaroWinklerLongInputsUseHeapBuffers(t *testing.T) {
	long := strings.Repeat("abcdefghij", 20)
	assert.InDelta(t, 1.0, JaroWinkler(long, long+""), 1e-9)
	score := JaroWinkler(long, long[:199]+"z")
	assert.Greater(t, score, 0.99)
	assert.Less(t, score, 1.0)
}

func BenchmarkJaroWinkler(b *testing.B) {
	x, y := Normalize("Federica Sanchez Arjona"), Normalize("Frederica Sánchez Arjona")
	b.ReportAllocs()
	for b.Loop() {
		JaroWinkler(x, y)
	}
}
