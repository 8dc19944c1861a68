package fuzzy

// Jaro-Winkler parameters, as defined by Winkler (1990).
const (
	// winklerScale is the weight given to each character of the common
	// prefix.
	winklerScale = 0.1
	// winklerMaxPrefix caps the common prefix taken into account.
	winklerMaxPrefix = 4
)

// stackRunes is the length up to which the comparison works on stack
// buffers instead of allocating.
const stackRunes = 64

// JaroWinkler returns the Jaro-Winkler similarity of a and b, from 0 (no
// character in common) to 1 (identical), comparing runes, not bytes.
//
// It is the standard definition: with j the Jaro similarity and l the
// length of the common prefix, at most four characters, the result is
// j + 0.1·l·(1−j), whatever j is (no boost threshold). Two empty strings are identical
// and score 1; an empty string against a non-empty one scores 0.
//
// The comparison is case- and accent-sensitive; callers compare the
// output of Normalize or NormalizeKana.
func JaroWinkler(a, b string) float64 {
	if a == b {
		return 1
	}
	var aBuf, bBuf [stackRunes]rune
	ra := appendRunes(aBuf[:0], a)
	rb := appendRunes(bBuf[:0], b)
	if len(ra) == 0 || len(rb) == 0 {
		return 0
	}
	j := jaro(ra, rb)
	l := float64(commonPrefix(ra, rb, winklerMaxPrefix))
	return j + l*winklerScale*(1-j)
}

// appendRunes appends the runes of s to dst.
func appendRunes(dst []rune, s string) []rune {
	for _, r := range s {
		dst = append(dst, r)
	}
	return dst
}

// jaro returns the Jaro similarity of two non-empty rune slices.
func jaro(a, b []rune) float64 {
	window := max(len(a), len(b))/2 - 1
	if window < 0 {
		window = 0
	}
	var aBuf, bBuf [stackRunes]bool
	aMatched := flags(aBuf[:], len(a))
	bMatched := flags(bBuf[:], len(b))

	matches := 0
	for i, r := range a {
		lo, hi := max(0, i-window), min(len(b), i+window+1)
		for k := lo; k < hi; k++ {
			if !bMatched[k] && b[k] == r {
				aMatched[i], bMatched[k] = true, true
				matches++
				break
			}
		}
	}
	if matches == 0 {
		return 0
	}

	halfTranspositions, k := 0, 0
	for i, r := range a {
		if !aMatched[i] {
			continue
		}
		for !bMatched[k] {
			k++
		}
		if r != b[k] {
			halfTranspositions++
		}
		k++
	}

	m := float64(matches)
	// Winkler counts a transposition per pair of out-of-order matches,
	// rounding down.
	t := float64(halfTranspositions / 2)
	return (m/float64(len(a)) + m/float64(len(b)) + (m-t)/m) / 3
}

// flags returns n cleared flags, taken from buf when it is long enough.
func flags(buf []bool, n int) []bool {
	if n <= len(buf) {
		return buf[:n]
	}
	return make([]bool, n)
}

// commonPrefix returns the length of the common prefix of a and b, at most
// limit.
func commonPrefix(a, b []rune, limit int) int {
	n := min(len(a), len(b), limit)
	for i := range n {
		if a[i] != b[i] {
			return i
		}
	}
	return n
}
