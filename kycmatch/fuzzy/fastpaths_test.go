package fuzzy

import (
	"testing"
	"unicode"

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
