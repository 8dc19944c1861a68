package fuzzy

import (
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// The half-width Katakana block and the two combining marks that its sound
// marks become under compatibility composition.
const (
	halfwidthFirst = '\uFF61'
	halfwidthLast  = '\uFF9F'
	voicedMark     = '\u3099'
	semiVoicedMark = '\u309A'
)

// halfwidthToFull holds NFKC of every rune of the half-width Katakana
// block, each a single rune; the sound marks ﾞ and ﾟ become the combining
// marks voicedMark and semiVoicedMark.
var halfwidthToFull = func() [halfwidthLast - halfwidthFirst + 1]rune {
	var t [halfwidthLast - halfwidthFirst + 1]rune
	for r := rune(halfwidthFirst); r <= halfwidthLast; r++ {
		t[r-halfwidthFirst], _ = utf8.DecodeRuneInString(norm.NFKC.String(string(r)))
	}
	return t
}()

// kanaCompositions maps a Kana letter followed by a combining sound mark
// to the precomposed letter canonical composition makes of the pair
// (カ and U+3099 to ガ), for every letter the fast path lets through.
var kanaCompositions = func() map[[2]rune]rune {
	m := map[[2]rune]rune{}
	add := func(base rune) {
		for _, mark := range []rune{voicedMark, semiVoicedMark} {
			composed := []rune(norm.NFC.String(string([]rune{base, mark})))
			if len(composed) == 1 {
				m[[2]rune{base, mark}] = composed[0]
			}
		}
	}
	for r := rune(halfwidthFirst); r <= halfwidthLast; r++ {
		add(halfwidthToFull[r-halfwidthFirst])
	}
	for r := 'ァ'; r <= 'ヺ'; r++ {
		add(r)
	}
	for r := 'ぁ'; r <= 'ゖ'; r++ {
		add(r)
	}
	return m
}()

// appendComposedKana appends NFKC of s to dst when s holds only ASCII,
// the common full-width Kana letters, the long-vowel mark and half-width
// Katakana, which is how Kana readings are written; it reports false,
// having appended part of s, otherwise. Within those runes NFKC is a
// rune-by-rune mapping followed by the composition of a letter with the
// sound mark that follows it, which is what it does, from tables computed
// by norm itself.
func appendComposedKana(dst []byte, s string) ([]byte, bool) {
	prev, prevAt := rune(-1), 0
	for _, r := range s {
		switch {
		case r < utf8.RuneSelf, r >= 'ァ' && r <= 'ヺ', r >= 'ぁ' && r <= 'ゖ', r == 'ー':
		case r >= halfwidthFirst && r <= halfwidthLast:
			r = halfwidthToFull[r-halfwidthFirst]
		default:
			return dst, false
		}
		if composed, ok := kanaCompositions[[2]rune{prev, r}]; ok {
			dst = utf8.AppendRune(dst[:prevAt], composed)
			prev = composed
			continue
		}
		prevAt = len(dst)
		dst = utf8.AppendRune(dst, r)
		prev = r
	}
	return dst, true
}
