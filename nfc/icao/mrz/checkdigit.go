package mrz

// charValue maps an MRZ character to its check digit value: digits are
// themselves, A–Z are 10–35 and the filler '<' is 0. ok is false for any
// other character.
func charValue(c byte) (int, bool) {
	switch {
	case c >= '0' && c <= '9':
		return int(c - '0'), true
	case c >= 'A' && c <= 'Z':
		return int(c-'A') + 10, true
	case c == '<':
		return 0, true
	default:
		return 0, false
	}
}

// CheckDigit computes the ICAO 9303 check digit of s (weights 7, 3, 1
// repeating, sum modulo 10). ok is false when s holds a character outside
// the MRZ alphabet.
func CheckDigit(s string) (digit byte, ok bool) {
	weights := [3]int{7, 3, 1}
	sum := 0
	for i := 0; i < len(s); i++ {
		v, valid := charValue(s[i])
		if !valid {
			return 0, false
		}
		sum += v * weights[i%3]
	}
	return byte('0' + sum%10), true
}

// checkDigitMatches reports whether digit is the check digit of field. When
// allowFiller is set, an all-filler field may carry '<' as its check digit.
func checkDigitMatches(field string, digit byte, allowFiller bool) bool {
	if allowFiller && digit == '<' && isFiller(field) {
		return true
	}
	want, ok := CheckDigit(field)
	return ok && want == digit
}

// isFiller reports whether s consists only of '<'.
func isFiller(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] != '<' {
			return false
		}
	}
	return true
}
