package fuzzy

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestNormalize(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"ascii lower-cased", "Federica", "federica"},
		{"spaces removed", "Federica Sanchez Arjona", "federicasanchezarjona"},
		{"acute accent", "José", "jose"},
		{"decomposed input", "Jose\u0301", "jose"},
		{"umlaut folds to the base letter", "Müller", "muller"},
		{"tilde and cedilla", "Peña Gonçalves", "penagoncalves"},
		{"hyphen and apostrophe", "O'Brien-Smith", "obriensmith"},
		{"modifier letter apostrophe", "Oʼahu", "oahu"},
		{"sharp s", "Straße", "strasse"},
		{"capital sharp s", "STRAẞE", "strasse"},
		{"o with stroke", "Søren Ødegård", "sorenodegard"},
		{"ash", "Ærø", "aero"},
		{"oe ligature", "Œuvre", "oeuvre"},
		{"d with stroke and eth", "Đorđević Guðrún", "dordevicgudrun"},
		{"l with stroke", "Łukasz Wałęsa", "lukaszwalesa"},
		{"thorn", "Þórunn", "thorunn"},
		{"dotless and dotted i", "Işık İnce", "isikince"},
		{"ligatures split", "ﬁnn Ĳssel", "finnijssel"},
		{"full-width latin", "Ｆｅｄｅｒｉｃａ", "federica"},
		{"full-width digits", "３-１０-１０", "31010"},
		{"digits kept", "Calle 4, 2ºB", "calle42ob"},
		{"greek accents", "Σωκράτης", "σωκρατης"},
		{"cyrillic", "Йосиф", "иосиф"},
		{"empty", "", ""},
		{"only punctuation", " -.,/ ", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, Normalize(tt.in))
		})
	}
}

func TestNormalizeMakesSpellingsEqual(t *testing.T) {
	pairs := [][2]string{
		{"José María", "JOSE MARIA"},
		{"Sánchez-Arjona", "Sanchez Arjona"},
		{"Ｆｅｄｅｒｉｃａ", "federica"},
		{"Weiß", "WEISS"},
	}
	for _, p := range pairs {
		assert.Equal(t, Normalize(p[0]), Normalize(p[1]), "%s / %s", p[0], p[1])
		assert.Equal(t, 1.0, JaroWinkler(Normalize(p[0]), Normalize(p[1])))
	}
}

func TestNormalizeKeepsIndicVowelSigns(t *testing.T) {
	// U+093E DEVANAGARI VOWEL SIGN AA is a spacing mark that spells the
	// vowel: dropping it would make कमल and कमाल equal.
	assert.NotEqual(t, Normalize("कमल"), Normalize("कमाल"))
}

func TestNormalizeMuellerIsCloseButNotEqual(t *testing.T) {
	// ü folds to u, not ue: the transliterated spelling is a different
	// string that still scores high.
	a, b := Normalize("Müller"), Normalize("Mueller")
	assert.NotEqual(t, a, b)
	assert.Greater(t, JaroWinkler(a, b), 0.9)
}

func BenchmarkNormalize(b *testing.B) {
	b.Run("ascii", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			Normalize("Federica Sanchez Arjona")
		}
	})
	b.Run("accented", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			Normalize("Federica Sánchez Peña")
		}
	})
}
