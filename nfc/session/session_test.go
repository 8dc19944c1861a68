package session

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestTransitionsGoForwardOnly(t *testing.T) {
	order := map[State]int{}
	for i, s := range States() {
		order[s] = i
	}
	for _, from := range States() {
		for _, to := range States() {
			if CanTransition(from, to) {
				assert.Greater(t, order[to], order[from], "%s → %s goes backwards", from, to)
				assert.False(t, from.Terminal(), "%s is terminal but has an exit", from)
			}
		}
	}
}

func TestTransitionTable(t *testing.T) {
	tests := []struct {
		from, to State
		ok       bool
	}{
		{Created, Redeemed, true},
		{Created, Uploaded, false},
		{Created, Expired, true},
		{Redeemed, Redeemed, false},
		{Redeemed, Uploaded, true},
		{Uploaded, Verified, true},
		{Verified, Delivered, true},
		{Verified, Confirmed, true},
		{Delivered, Confirmed, true},
		{Delivered, Expired, false},
		{Delivered, Errored, true},
		{Confirmed, Errored, false},
		{Expired, Created, false},
		{Errored, Redeemed, false},
		{State("bogus"), Redeemed, false},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.ok, CanTransition(tt.from, tt.to), "%s → %s", tt.from, tt.to)
	}
	assert.ElementsMatch(t, []State{Verified, Delivered}, Sources(Confirmed))
	assert.True(t, Created.Live())
	assert.False(t, Expired.Live())
	assert.False(t, State("bogus").Live())
	assert.Equal(t, "session: cannot move from confirmed to errored", (&TransitionError{From: Confirmed, To: Errored}).Error())
}

func TestNewCodeUsesOnlyTheAlphabet(t *testing.T) {
	seen := map[string]bool{}
	counts := map[rune]int{}
	const n = 4000
	for range n {
		code, err := NewCode()
		require.NoError(t, err)
		require.True(t, ValidCode(code), "code %q", code)
		seen[code] = true
		for _, r := range code {
			counts[r]++
		}
	}
	assert.Greater(t, len(seen), n-50, "codes are random")
	assert.Len(t, counts, len(CodeAlphabet), "every character occurs")
	for r, c := range counts {
		// Each of the 32 characters is expected 500 times in 16000 draws.
		assert.InDelta(t, 500, c, 150, "character %q", r)
	}
}

func TestAlphabetAvoidsLookAlikes(t *testing.T) {
	assert.Len(t, CodeAlphabet, 32)
	// Of each look-alike group one character at most is kept (9 of 9/g/q,
	// 6 of 6/b/G); the others are left out.
	for _, r := range "0OoQD1Iilj2Zz5Ss8BgqbGckpuvwxy" {
		assert.NotContains(t, CodeAlphabet, string(r))
	}
	for _, r := range CodeAlphabet {
		assert.Equal(t, 1, strings.Count(CodeAlphabet, string(r)), "%q is listed once", r)
	}
}

func TestValidCode(t *testing.T) {
	for code, ok := range map[string]bool{"E4mY": true, "AAAA": true, "E4zY": false, "ABC": false, "ABCDE": false, "AB0D": false, "": false, "AB D": false, "ÄBCD": false} {
		assert.Equal(t, ok, ValidCode(code), "%q", code)
	}
}

func TestOptionsSends(t *testing.T) {
	o := Options{SendScan: []Scan{ScanSelfie}}
	assert.True(t, o.Sends(ScanSelfie))
	assert.False(t, o.Sends(ScanDocFace))
}
