package fuzzy

import (
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// NormalizeKana reduces a Kana reading of a name to the form in which its
// half-width (Hankaku) and full-width (Zenkaku) spellings compare equal.
//
// The value is first put in compatibility composition (NFKC), which turns
// half-width Katakana into full-width Katakana and joins a half-width
// voiced mark to its letter (ﾀﾞ becomes ダ). Compatibility decomposition
// would do the opposite and split ダ into タ and a combining mark, which is
// why Kana values are not passed through Normalize.
//
// After composition:
//   - Hiragana letters become the Katakana letters with the same reading,
//     so a reading typed in Hiragana still matches;
//   - Katakana letters, the long-vowel mark ー and the iteration marks are
//     kept as they are: ー lengthens a vowel and is part of the spelling
//     (コーノ and コノ are different names);
//   - small letters (ァ, ッ, ャ) stay distinct from their full-size forms;
//   - every other rune goes through the same folding as Normalize (accents
//     removed, lower-cased), so Latin text in a Kana field compares as it
//     would in any other name field;
//   - spaces, the middle dot ・ between name parts and all other
//     punctuation are removed.
func NormalizeKana(s string) string {
	var composed, folded [128]byte
	c, ok := appendComposedKana(composed[:0], s)
	if !ok {
		c = appendNormalized(composed[:0], norm.NFKC, s)
	}
	return string(appendKanaSegment(folded[:0], c))
}

// appendKanaSegment appends the folded form of every rune of a composed
// string: Kana as they are, other runes decomposed and folded like
// Normalize does.
func appendKanaSegment(dst, segment []byte) []byte {
	for len(segment) > 0 {
		r, size := utf8.DecodeRune(segment)
		encoded := segment[:size]
		segment = segment[size:]
		if isKana(r) {
			dst = utf8.AppendRune(dst, hiraganaToKatakana(r))
			continue
		}
		if r < utf8.RuneSelf { // NFKD leaves ASCII as it is
			dst = appendFoldedRune(dst, r)
			continue
		}
		var decomposed [32]byte
		dst = appendFoldedSegment(dst, appendNormalizedBytes(decomposed[:0], norm.NFKD, encoded))
	}
	return dst
}

// isKana reports whether r is a Hiragana or Katakana letter, the long-vowel
// mark or a Kana iteration mark. Combining voiced marks that could not be
// joined to a letter are not Kana letters and are dropped later.
func isKana(r rune) bool {
	switch {
	case r >= 'ァ' && r <= 'ヺ', r >= 'ぁ' && r <= 'ゖ': // the common letters, answered without table lookups
		return true
	case r == 'ー', r == 'ヽ', r == 'ヾ', r == 'ゝ', r == 'ゞ':
		return true
	}
	return unicode.IsLetter(r) && unicode.In(r, unicode.Hiragana, unicode.Katakana)
}

// hiraganaToKatakana maps a Hiragana letter or iteration mark to its
// Katakana counterpart, which sits 0x60 code points higher.
func hiraganaToKatakana(r rune) rune {
	if (r >= 'ぁ' && r <= 'ゖ') || r == 'ゝ' || r == 'ゞ' {
		return r + 0x60
	}
	return r
}
