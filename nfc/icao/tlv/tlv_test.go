package tlv

import (
	"bytes"
	"encoding/asn1"
	"math/big"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestDecodeTagsAndLengths(t *testing.T) {
	cases := []struct {
		name  string
		in    []byte
		tag   Tag
		value []byte
	}{
		{"short form", []byte{0x04, 0x02, 0xAA, 0xBB}, TagOctetString, []byte{0xAA, 0xBB}},
		{"long form", append([]byte{0x04, 0x81, 0x80}, make([]byte, 128)...), TagOctetString, make([]byte, 128)},
		{"non-minimal long form", []byte{0x04, 0x82, 0x00, 0x01, 0x07}, TagOctetString, []byte{0x07}},
		{"two-byte tag", []byte{0x5F, 0x1F, 0x01, 0x50}, 0x5F1F, []byte{0x50}},
		{"three-byte tag", []byte{0x5F, 0x81, 0x01, 0x00}, 0x5F8101, []byte{}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			n, rest, err := Decode(tc.in)
			require.NoError(t, err)
			assert.Equal(t, tc.tag, n.Tag)
			assert.Equal(t, tc.value, n.Value)
			assert.Equal(t, tc.in, n.Raw)
			assert.Empty(t, rest)
		})
	}
}

func TestDecodeErrors(t *testing.T) {
	cases := []struct {
		name string
		in   []byte
		err  error
	}{
		{"empty", nil, ErrTruncated},
		{"value cut", []byte{0x04, 0x05, 0x01}, ErrTruncated},
		{"length cut", []byte{0x04, 0x82, 0x01}, ErrTruncated},
		{"tag cut", []byte{0x5F}, ErrTruncated},
		{"indefinite", []byte{0x30, 0x80, 0x00, 0x00}, ErrIndefinite},
		{"length of five octets", []byte{0x04, 0x85, 1, 0, 0, 0, 0}, ErrTooLarge},
		{"tag too long", []byte{0x5F, 0x81, 0x81, 0x81, 0x01}, ErrMalformed},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, _, err := Decode(tc.in)
			assert.ErrorIs(t, err, tc.err)
		})
	}
	small := Limits{MaxLength: 4, MaxDepth: 2}
	_, _, err := small.Decode([]byte{0x04, 0x05, 1, 2, 3, 4, 5})
	assert.ErrorIs(t, err, ErrTooLarge)
}

func TestValidateDepthCap(t *testing.T) {
	nested := []byte{0x05, 0x00}
	for range 40 {
		nested = Encode(TagSequence, nested)
	}
	assert.ErrorIs(t, Validate(nested), ErrTooDeep)
	assert.NoError(t, Limits{MaxLength: 1 << 20, MaxDepth: 64}.Validate(nested))
	assert.ErrorIs(t, Validate(append(Encode(TagSequence, nil), 0)), ErrTrailingData)
	assert.Error(t, Validate([]byte{0x30, 0x03, 0x04, 0x05, 0x00}))
}

func TestNormalizeOuterIndefiniteLengths(t *testing.T) {
	inner := Encode(TagSequence, Encode(TagInteger, []byte{0x05}))
	// SEQUENCE(indef) { [0](indef) { inner } } — both outer layers indefinite.
	ber := append([]byte{0x30, 0x80, 0xA0, 0x80}, inner...)
	ber = append(ber, 0, 0, 0, 0)
	out, err := Normalize(ber, 2)
	require.NoError(t, err)
	want := Encode(TagSequence, Encode(ContextTag(0, true), inner))
	assert.Equal(t, want, out)
	assert.NoError(t, Validate(out))

	_, err = Normalize(ber, 1)
	assert.ErrorIs(t, err, ErrIndefinite, "inner layers must already be definite")

	definite := Encode(TagSequence, []byte{0x02, 0x81, 0x01, 0x80}) // non-minimal inner length kept
	out, err = Normalize(definite, 3)
	require.NoError(t, err)
	assert.Equal(t, definite, out, "unchanged elements are copied byte for byte")
}

func TestNormalizeRejectsBrokenInput(t *testing.T) {
	for _, in := range [][]byte{
		{0x30, 0x80, 0x02, 0x01, 0x01},         // no end-of-contents
		{0x04, 0x80, 0x00, 0x00},               // primitive indefinite
		{0x30, 0x02, 0x05, 0x00, 0x01},         // trailing data
		append(Encode(TagSequence, nil), 0x00), // trailing byte
	} {
		_, err := Normalize(in, 4)
		assert.Error(t, err, "%x", in)
	}
}

func TestReader(t *testing.T) {
	seq := EncodeConstructed(TagSequence, EncodeInt(1), Encode(ContextTag(0, false), []byte{9}), EncodeOID(asn1.ObjectIdentifier{1, 2, 840, 113549}))
	n, err := DecodeExact(seq)
	require.NoError(t, err)
	r, err := ReaderOf(n, TagSequence)
	require.NoError(t, err)
	v, err := r.Expect(TagInteger)
	require.NoError(t, err)
	i, err := v.Int()
	require.NoError(t, err)
	assert.Equal(t, 1, i)
	_, ok, err := r.Optional(ContextTag(1, false))
	assert.False(t, ok)
	assert.NoError(t, err)
	opt, ok, err := r.Optional(ContextTag(0, false))
	require.NoError(t, err)
	assert.True(t, ok)
	assert.Equal(t, []byte{9}, opt.Value)
	_, err = r.Expect(TagInteger)
	assert.ErrorIs(t, err, ErrUnexpectedTag)
	oidNode, err := r.Expect(TagOID)
	require.NoError(t, err)
	oid, err := oidNode.OID()
	require.NoError(t, err)
	assert.Equal(t, "1.2.840.113549", oid.String())
	assert.NoError(t, r.Done())
	_, err = r.Next()
	assert.ErrorIs(t, err, ErrTruncated)
}

func TestIntegersRoundTripIncludingNegatives(t *testing.T) {
	for _, v := range []int64{0, 1, 127, 128, 255, 256, -1, -128, -129, -256, -32768, -32769, 1 << 40, -(1 << 40)} {
		enc := EncodeBigInt(big.NewInt(v))
		stdEnc, err := asn1.Marshal(big.NewInt(v))
		require.NoError(t, err)
		assert.Equal(t, stdEnc, enc, "DER of %d", v)
		n, err := DecodeExact(enc)
		require.NoError(t, err)
		got, err := n.BigInt()
		require.NoError(t, err)
		assert.Equal(t, v, got.Int64())
	}
}

func TestOIDRoundTripAndErrors(t *testing.T) {
	for _, oid := range []asn1.ObjectIdentifier{{2, 23, 136, 1, 1, 1}, {1, 3, 36, 3, 3, 2, 8, 1, 1, 7}, {0, 4, 0, 127, 0, 7, 1, 1, 4, 1, 3}, {2, 999, 3}} {
		std, err := asn1.Marshal(oid)
		require.NoError(t, err)
		assert.Equal(t, std, EncodeOID(oid))
		n, err := DecodeExact(std)
		require.NoError(t, err)
		got, err := n.OID()
		require.NoError(t, err)
		assert.True(t, oid.Equal(got), "%s vs %s", oid, got)
	}
	for _, bad := range [][]byte{{}, {0x80, 0x01}, {0x2A, 0x86}} {
		_, err := ParseOID(bad)
		assert.ErrorIs(t, err, ErrMalformed)
	}
}

func TestTimesAndStrings(t *testing.T) {
	utc := Node{Tag: TagUTCTime, Value: []byte("490101000000Z")}
	got, err := utc.Time()
	require.NoError(t, err)
	assert.Equal(t, 2049, got.Year())
	utc.Value = []byte("500101000000Z")
	got, err = utc.Time()
	require.NoError(t, err)
	assert.Equal(t, 1950, got.Year())
	gen := Node{Tag: TagGeneralizedTime, Value: []byte("20510203040506Z")}
	got, err = gen.Time()
	require.NoError(t, err)
	assert.Equal(t, time.Date(2051, 2, 3, 4, 5, 6, 0, time.UTC), got)
	_, err = Node{Tag: TagUTCTime, Value: []byte("garbage")}.Time()
	assert.ErrorIs(t, err, ErrMalformed)

	bmp := Node{Tag: TagBMPString, Value: []byte{0x00, 'D', 0x00, 'E'}}
	s, err := bmp.String()
	require.NoError(t, err)
	assert.Equal(t, "DE", s)
	latin := Node{Tag: TagT61String, Value: []byte{'M', 0xFC, 'n'}}
	s, err = latin.String()
	require.NoError(t, err)
	assert.Equal(t, "Mün", s)
	_, err = Node{Tag: TagInteger}.String()
	assert.Error(t, err)
}

func TestEncodeLengths(t *testing.T) {
	for _, size := range []int{0, 127, 128, 255, 256, 65535, 65536} {
		enc := Encode(TagOctetString, make([]byte, size))
		n, rest, err := Decode(enc)
		require.NoError(t, err)
		assert.Empty(t, rest)
		assert.Len(t, n.Value, size)
		std, _ := asn1.Marshal(make([]byte, size))
		assert.True(t, bytes.Equal(std, enc), "size %d", size)
	}
}
