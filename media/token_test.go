package media_test

import (
	"bytes"
	"encoding/base64"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kycgate/kycgate/media"
)

func newSigner(t *testing.T, fill byte) *media.Signer {
	t.Helper()
	s, err := media.NewSigner(bytes.Repeat([]byte{fill}, media.KeySize))
	require.NoError(t, err)
	return s
}

func TestNewSignerNeedsAFullKey(t *testing.T) {
	_, err := media.NewSigner(make([]byte, 16))
	require.Error(t, err)
}

func TestTokenRoundtrip(t *testing.T) {
	s := newSigner(t, 1)
	now := time.Unix(1_750_000_000, 0)
	token := s.Sign(media.Location{Key: "ver1/selfie.jpg", MerchantID: "merchant-a", Expiry: now.Add(time.Hour)})
	assert.True(t, strings.HasPrefix(token, "eyJhbGciOiJ"), "a compact JWS like the seed's URLs")

	loc, err := s.Verify(token, now)
	require.NoError(t, err)
	assert.Equal(t, "ver1/selfie.jpg", loc.Key)
	assert.Equal(t, "merchant-a", loc.MerchantID)
	assert.True(t, now.Add(time.Hour).Equal(loc.Expiry))
}

// reencode replaces a token's payload, keeping its signature.
func reencode(token, payload string) string {
	parts := strings.Split(token, ".")
	parts[1] = base64.RawURLEncoding.EncodeToString([]byte(payload))
	return strings.Join(parts, ".")
}

func TestTokenRefusals(t *testing.T) {
	s := newSigner(t, 1)
	now := time.Unix(1_750_000_000, 0)
	valid := s.Sign(media.Location{Key: "ver1/selfie.jpg", MerchantID: "merchant-a", Expiry: now.Add(time.Minute)})
	flipped := []byte(valid)
	flipped[len(flipped)-3] ^= 0x01
	tests := []struct {
		name  string
		token string
		at    time.Time
		want  error
	}{
		{"expired", valid, now.Add(time.Minute), media.ErrExpiredToken},
		{"long expired", valid, now.Add(48 * time.Hour), media.ErrExpiredToken},
		{"signature changed", string(flipped), now, media.ErrInvalidToken},
		{"other key", newSigner(t, 2).Sign(media.Location{Key: "ver1/selfie.jpg", MerchantID: "merchant-a", Expiry: now.Add(time.Minute)}), now, media.ErrInvalidToken},
		{"other merchant in payload", reencode(valid, `{"loc":"ver1/selfie.jpg","sub":"merchant-b","exp":1750000060}`), now, media.ErrInvalidToken},
		{"other file in payload", reencode(valid, `{"loc":"ver2/selfie.jpg","sub":"merchant-a","exp":1750000060}`), now, media.ErrInvalidToken},
		{"later expiry in payload", reencode(valid, `{"loc":"ver1/selfie.jpg","sub":"merchant-a","exp":1850000060}`), now, media.ErrInvalidToken},
		{"alg none", "eyJhbGciOiJub25lIn0." + strings.Split(valid, ".")[1] + ".", now, media.ErrInvalidToken},
		{"two parts", strings.Join(strings.Split(valid, ".")[:2], "."), now, media.ErrInvalidToken},
		{"empty", "", now, media.ErrInvalidToken},
		{"garbage", "not-a-token", now, media.ErrInvalidToken},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := s.Verify(tt.token, tt.at)
			assert.ErrorIs(t, err, tt.want)
		})
	}
}

func TestURLsCarryASignedLocation(t *testing.T) {
	s := newSigner(t, 3)
	urls := media.NewURLs("https://kyc.example.com/", s, time.Hour)
	raw := urls.URL("merchant-a", "ver1/sprite.jpg")
	u, err := url.Parse(raw)
	require.NoError(t, err)
	assert.Equal(t, "https", u.Scheme)
	assert.Equal(t, "kyc.example.com", u.Host)
	assert.Equal(t, media.FilePath, u.Path)
	loc, err := s.Verify(u.Query().Get("location"), time.Now())
	require.NoError(t, err)
	assert.Equal(t, "ver1/sprite.jpg", loc.Key)
	assert.Equal(t, "merchant-a", loc.MerchantID)
	assert.WithinDuration(t, time.Now().Add(time.Hour), loc.Expiry, 2*time.Second)
}
