package fuzzy

import (
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// Normalize reduces s to the form in which two spellings of the same name
// compare equal.
//
// The steps are, in order:
//   - Unicode compatibility decomposition (NFKD), which also turns
//     full-width Latin letters and digits into their ASCII forms and splits
//     ligatures such as "ﬁ" and "ĳ";
//   - removal of non-spacing and enclosing combining marks, so that "José"
//     becomes "jose" and "Müller" becomes "muller" (not "mueller": the
//     German ü→ue transliteration is a spelling choice that a fold cannot
//     guess, and the Jaro-Winkler score still rates the two as close);
//   - lower-casing;
//   - the folds that decomposition does not perform: ß→ss, ø→o, æ→ae,
//     œ→oe, đ/ð→d, ł→l, þ→th, ı→i, ħ→h, ŧ→t (upper-case forms included);
//   - removal of everything that is not a letter or a digit, including
//     spaces, hyphens, apostrophes and the apostrophe-like modifier letters
//     of the Spacing Modifier Letters block (U+02B0–U+02FF).
//
// Spacing combining marks (the vowel signs of Indic scripts) are kept:
// they spell the word rather than decorate it.
func Normalize(s string) string {
	if isPlainASCII(s) {
		return normalizeASCII(s)
	}
	var decomposed, folded [128]byte
	if latin, ok := appendLatin(folded[:0], s); ok {
		return string(latin)
	}
	d := appendNormalized(decomposed[:0], norm.NFKD, s)
	return string(appendFoldedSegment(folded[:0], d))
}

// isPlainASCII reports whether s holds only ASCII bytes, for which no
// Unicode decomposition is needed.
func isPlainASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

// normalizeASCII is the fast path of Normalize for ASCII input: lower-case
// letters and digits only.
func normalizeASCII(s string) string {
	var buf [64]byte
	out := buf[:0]
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case 'a' <= c && c <= 'z', '0' <= c && c <= '9':
			out = append(out, c)
		case 'A' <= c && c <= 'Z':
			out = append(out, c+('a'-'A'))
		}
	}
	return string(out)
}

// appendFoldedSegment appends the folded form of every rune of an already
// decomposed segment.
func appendFoldedSegment(dst, segment []byte) []byte {
	for len(segment) > 0 {
		r, size := utf8.DecodeRune(segment)
		segment = segment[size:]
		dst = appendFoldedRune(dst, r)
	}
	return dst
}

// appendFoldedRune appends the folded form of one decomposed rune: nothing
// for marks, punctuation, symbols, spaces and modifier letters, the fold
// for the letters listed in letterFolds, the lower-case rune otherwise.
func appendFoldedRune(dst []byte, r rune) []byte {
	if unicode.In(r, unicode.Mn, unicode.Me) || isSpacingModifier(r) {
		return dst
	}
	if unicode.Is(unicode.Mc, r) {
		return utf8.AppendRune(dst, r)
	}
	if !unicode.IsLetter(r) && !unicode.IsDigit(r) {
		return dst
	}
	r = unicode.ToLower(r)
	if fold, ok := letterFolds[r]; ok {
		return append(dst, fold...)
	}
	return utf8.AppendRune(dst, r)
}

// isSpacingModifier reports whether r is in the Spacing Modifier Letters
// block, which holds apostrophe-like letters (ʼ, ʻ, ʹ) and tone letters
// that do not distinguish one name from another.
func isSpacingModifier(r rune) bool {
	return r >= 0x02B0 && r <= 0x02FF
}

// letterFolds holds the lower-case letters that NFKD leaves whole but that
// are written with plain Latin letters in names.
var letterFolds = map[rune]string{
	'ß': "ss",
	'ø': "o",
	'æ': "ae",
	'œ': "oe",
	'đ': "d",
	'ð': "d",
	'ł': "l",
	'þ': "th",
	'ı': "i",
	'ħ': "h",
	'ŧ': "t",
}
