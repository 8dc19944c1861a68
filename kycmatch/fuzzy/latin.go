package fuzzy

import "golang.org/x/text/unicode/norm"

// latinEnd is the first rune after the Latin-1 Supplement and the Latin
// Extended-A and -B blocks, which spell most names written in Latin
// letters.
const latinEnd = 0x0250

// latinFolds holds, for every rune below latinEnd, what Normalize makes of
// it alone. It is computed from the general path itself, so the two can
// only differ on how runes combine, and below latinEnd they do not: every
// such rune decomposes to a starter followed by combining marks, which
// the fold removes, so decomposing rune by rune gives the same letters as
// decomposing the whole string.
var latinFolds = func() [latinEnd]string {
	var folds [latinEnd]string
	for r := rune(0); r < latinEnd; r++ {
		folds[r] = string(appendFoldedSegment(nil, norm.NFKD.AppendString(nil, string(r))))
	}
	return folds
}()

// appendLatin appends the normalised form of s, whose runes are all below
// latinEnd, and reports false, having appended part of it, when s holds
// any other rune.
func appendLatin(dst []byte, s string) ([]byte, bool) {
	for _, r := range s {
		if r >= latinEnd {
			return dst, false
		}
		dst = append(dst, latinFolds[r]...)
	}
	return dst, true
}
