package fuzzy

import (
	"testing"
	"unicode"
	"unicode/utf8"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/text/unicode/norm"
)

// normalizeGenerally is Normalize without its fast paths.
func normalizeGenerally(s string) string {
	return string(appendFoldedSegment(nil, norm.NFKD.AppendString(nil, s)))
}

// normalizeKanaGenerally is NormalizeKana with norm's own Append, without
// the pooled iterators.
func normalizeKanaGenerally(s string) string {
	return string(appendKanaSegment(nil, norm.NFKC.AppendString(nil, s)))
}

func TestLatinFastPathAgreesOnEveryPairOfLatinRunes(t *testing.T) {
	for a := rune(0); a < latinEnd; a++ {
		for b := rune(0); b < latinEnd; b++ {
			s := string([]rune{a, b})
			if got, want := Normalize(s), normalizeGenerally(s); got != want {
				t.Fatalf("Normalize(%q) = %q, the general path gives %q", s, got, want)
			}
		}
	}
}

// fastPathSamples seed the fuzz tests with Latin, Kana and mixed names.
var fastPathSamples = []string{
	"José Müller", "Ærøskøbing", "ŁUKASZ Żółć", "Ǆemal", "ĳsselmeer", "e\u0301", "¨a", "ŉ",
	"ｱﾙﾊﾞ ｱﾊﾞﾄﾞ", "アルバ アバド", "ハﾞ", "ｶﾞｶﾞ", "ﾊﾟﾟ", "ひらがな", "コーノ", "ヽヾゝゞ", "Ｆｅｄｅｒｉｃａ", "\xff", "ａ゛",
}

func FuzzNormalizeFastPathsAgree(f *testing.F) {
	for _, s := range fastPathSamples {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if !utf8.ValidString(s) {
			// Names reach the matcher decoded from JSON, always valid
			// UTF-8; on invalid input norm's Append and its Iter differ
			// (the Iter still decomposes what follows an invalid byte).
			t.Skip()
		}
		require.Equal(t, normalizeGenerally(s), Normalize(s), "Normalize(%q)", s)
		require.Equal(t, normalizeKanaGenerally(s), NormalizeKana(s), "NormalizeKana(%q)", s)
	})
}

func BenchmarkNormalizeNames(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		_ = NormalizeKana("ｱﾙﾊﾞ ｱﾊﾞﾄﾞ")
		_ = NormalizeKana("アルバ アバド")
		_ = Normalize("Esteban Gil")
		_ = Normalize("José Müller")
	}
}

func TestIsKanaQuickRangesAgreeWithTheUnicodeTables(t *testing.T) {
	for _, block := range [][2]rune{{'ァ', 'ヺ'}, {'ぁ', 'ゖ'}} {
		for r := block[0]; r <= block[1]; r++ {
			require.True(t, unicode.IsLetter(r) && unicode.In(r, unicode.Hiragana, unicode.Katakana), "%U", r)
		}
	}
}

// kanaAlphabet is every rune the Kana fast path reads, but only a sample
// of ASCII and of the full-width letters, to keep the exhaustive test
// short.
func kanaAlphabet(fullWidth []rune) []rune {
	runes := []rune{'a', 'Z', ' ', '1', '-'}
	for r := rune(halfwidthFirst); r <= halfwidthLast; r++ {
		runes = append(runes, r)
	}
	return append(runes, fullWidth...)
}

func TestComposedKanaAgreesOnEveryPair(t *testing.T) {
	var fullWidth []rune
	for r := 'ァ'; r <= 'ヺ'; r++ {
		fullWidth = append(fullWidth, r)
	}
	for r := 'ぁ'; r <= 'ゖ'; r++ {
		fullWidth = append(fullWidth, r)
	}
	alphabet := kanaAlphabet(append(fullWidth, 'ー'))
	for _, a := range alphabet {
		for _, b := range alphabet {
			s := string([]rune{a, b})
			if got, want := NormalizeKana(s), normalizeKanaGenerally(s); got != want {
				t.Fatalf("NormalizeKana(%q) = %q, the general path gives %q", s, got, want)
			}
		}
	}
}

func TestComposedKanaAgreesOnEveryTriple(t *testing.T) {
	alphabet := kanaAlphabet([]rune("カガハバパウヴワヷかがはぱうゔーァ"))
	for _, a := range alphabet {
		for _, b := range alphabet {
			for _, c := range alphabet {
				s := string([]rune{a, b, c})
				if got, want := NormalizeKana(s), normalizeKanaGenerally(s); got != want {
					t.Fatalf("NormalizeKana(%q) = %q, the general path gives %q", s, got, want)
				}
			}
		}
	}
}

func TestHalfwidthTableHoldsSingleRunes(t *testing.T) {
	for r := rune(halfwidthFirst); r <= halfwidthLast; r++ {
		require.Equal(t, []rune(norm.NFKC.String(string(r))), []rune{halfwidthToFull[r-halfwidthFirst]}, "%U", r)
	}
	assert.Equal(t, 'ガ', kanaCompositions[[2]rune{'カ', voicedMark}])
	assert.Equal(t, 'パ', kanaCompositions[[2]rune{'ハ', semiVoicedMark}])
}
