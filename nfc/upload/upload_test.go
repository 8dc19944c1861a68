package upload

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// validEdited returns the marshalled valid upload after edit.
func validEdited(t *testing.T, edit func(*Upload)) []byte {
	t.Helper()
	u := valid()
	edit(u)
	raw, err := u.Marshal()
	require.NoError(t, err)
	return raw
}

func valid() *Upload {
	return &Upload{
		SOD:         []byte{0x77, 0x01, 0x00},
		DataGroups:  NewDataGroups(map[int][]byte{1: {0x61}, 2: {0x75}, 15: {0x6f}}),
		AASignature: []byte{1, 2, 3},
		Consent:     Consent{DocumentNumber: "L898902C3", DateOfBirth: "740812", DateOfExpiry: "120415"},
		Selfies:     [][]byte{{0xff, 0xd8}, {0xff, 0xd8}},
	}
}

func TestParseRoundtrip(t *testing.T) {
	raw, err := valid().Marshal()
	require.NoError(t, err)
	u, err := Parse(raw, 2)
	require.NoError(t, err)
	assert.Equal(t, valid(), u)
	groups, err := u.Groups()
	require.NoError(t, err)
	assert.Equal(t, map[int][]byte{1: {0x61}, 2: {0x75}, 15: {0x6f}}, groups)
}

func TestParseRefuses(t *testing.T) {
	tests := []struct {
		name   string
		edit   func(u *Upload)
		selfie int
		want   error
	}{
		{"no sod", func(u *Upload) { u.SOD = nil }, 2, ErrNoSOD},
		{"no dg1", func(u *Upload) { delete(u.DataGroups, "1") }, 2, ErrNoDG1},
		{"no dg2", func(u *Upload) { delete(u.DataGroups, "2") }, 2, ErrNoDG2},
		{"empty dg2", func(u *Upload) { u.DataGroups["2"] = nil }, 2, ErrNoDG2},
		{"bad group number", func(u *Upload) { u.DataGroups["17"] = []byte{1} }, 2, ErrDataGroup},
		{"padded group number", func(u *Upload) { u.DataGroups["02"] = []byte{1} }, 2, ErrDataGroup},
		{"group name", func(u *Upload) { u.DataGroups["DG2"] = []byte{1} }, 2, ErrDataGroup},
		{"no document number", func(u *Upload) { u.Consent.DocumentNumber = "" }, 2, ErrConsent},
		{"short birth date", func(u *Upload) { u.Consent.DateOfBirth = "7408" }, 2, ErrConsent},
		{"too few selfies", func(u *Upload) {}, 3, ErrSelfieCount},
		{"empty selfie", func(u *Upload) { u.Selfies[1] = nil }, 2, ErrSelfieCount},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse(validEdited(t, tt.edit), tt.selfie)
			assert.ErrorIs(t, err, tt.want)
		})
	}
	_, err := Parse([]byte(`{"sod":"!!"}`), 1)
	assert.ErrorIs(t, err, ErrMalformed)
	_, err = Parse([]byte(`[`), 1)
	assert.ErrorIs(t, err, ErrMalformed)
}

func TestParseExpectingOptionalConsentAndNoSelfies(t *testing.T) {
	tests := []struct {
		name string
		edit func(u *Upload)
		want Expect
		err  error
	}{
		{"no consent, no selfies", func(u *Upload) { u.Consent, u.Selfies = Consent{}, nil }, Expect{ConsentOptional: true}, nil},
		{"complete consent still accepted", func(u *Upload) { u.Selfies = nil }, Expect{ConsentOptional: true}, nil},
		{"partial consent refused", func(u *Upload) { u.Consent.DateOfBirth, u.Selfies = "", nil }, Expect{ConsentOptional: true}, ErrConsent},
		{"consent required", func(u *Upload) { u.Consent, u.Selfies = Consent{}, nil }, Expect{}, ErrConsent},
		{"selfies sent when none are asked", func(u *Upload) {}, Expect{ConsentOptional: true}, ErrSelfieCount},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ParseExpecting(validEdited(t, tt.edit), tt.want)
			if tt.err == nil {
				assert.NoError(t, err)
			} else {
				assert.ErrorIs(t, err, tt.err)
			}
		})
	}
}
