package local

import (
	"bytes"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kycgate/kycgate/kycmatch"
)

func TestDemoSubscribersCoverTheDemoCases(t *testing.T) {
	subs, err := ParseImport(bytes.NewReader(DemoSubscribers))
	require.NoError(t, err)
	byPhone := map[string]kycmatch.Subscriber{}
	for _, s := range subs {
		byPhone[s.PhoneNumber] = s
	}
	has := func(pred func(kycmatch.Subscriber) bool) bool {
		for _, s := range subs {
			if pred(s) {
				return true
			}
		}
		return false
	}

	fede, ok := byPhone["+34629255833"]
	require.True(t, ok, "the CAMARA example person")
	assert.Equal(t, "Federica Sanchez Arjona", fede.Attributes["name"])
	assert.Equal(t, "66666666q", fede.Attributes["idDocument"])

	assert.True(t, has(func(s kycmatch.Subscriber) bool {
		return s.Attributes["nameKanaHankaku"] != "" && s.Attributes["nameKanaZenkaku"] != ""
	}), "a Japanese subscriber with Kana names")
	assert.True(t, has(func(s kycmatch.Subscriber) bool {
		return strings.ContainsAny(s.Attributes["familyName"]+s.Attributes["streetName"], "ßäöüÄÖÜ")
	}), "a German subscriber with ß or umlauts")
	assert.True(t, has(func(s kycmatch.Subscriber) bool { return s.Attributes["houseNumberExtension"] != "" }),
		"a Dutch subscriber with a house number extension")
	assert.True(t, has(func(s kycmatch.Subscriber) bool { return s.LineType == kycmatch.LineIoT }), "an IoT line")
	assert.True(t, has(func(s kycmatch.Subscriber) bool { return s.LineType == kycmatch.LineBusiness }), "a business line")
	assert.True(t, has(func(s kycmatch.Subscriber) bool {
		return s.LineType == kycmatch.LineMobile && len(s.Attributes) <= 3
	}), "a sparse mobile record")
}
