package fuzzy

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestNormalizeKana(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"half-width becomes full-width", "ｶﾀｶﾅ", "カタカナ"},
		{"full-width unchanged", "カタカナ", "カタカナ"},
		{"half-width voiced mark joins its letter", "ﾀﾞ", "ダ"},
		{"half-width semi-voiced mark joins its letter", "ﾊﾟ", "パ"},
		{"long-vowel mark kept, half-width mapped", "ｺｰﾉ", "コーノ"},
		{"spaces removed", "ヤマダ　タロウ", "ヤマダタロウ"},
		{"middle dot removed", "ｼﾞｮﾝ･ｽﾐｽ", "ジョンスミス"},
		{"small letters kept", "ｷｬｯﾄ", "キャット"},
		{"hiragana read as katakana", "やまだ たろう", "ヤマダタロウ"},
		{"latin folded like other names", "Ｆéｄｅｒｉｃａ", "federica"},
		{"empty", "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, NormalizeKana(tt.in))
		})
	}
}

func TestNormalizeKanaWidthsCompareEqual(t *testing.T) {
	pairs := [][2]string{
		{"ﾔﾏﾀﾞ ﾀﾛｳ", "ヤマダ　タロウ"},
		{"ｻﾄｳ ｺｰｲﾁ", "サトウ コーイチ"},
		{"ﾀﾞ", "ダ"},
	}
	for _, p := range pairs {
		assert.Equal(t, NormalizeKana(p[0]), NormalizeKana(p[1]), "%s / %s", p[0], p[1])
	}
}

func TestNormalizeKanaKeepsMeaningfulDifferences(t *testing.T) {
	assert.NotEqual(t, NormalizeKana("タ"), NormalizeKana("ダ"), "voiced mark is part of the letter")
	assert.NotEqual(t, NormalizeKana("コーノ"), NormalizeKana("コノ"), "long-vowel mark is part of the name")
	assert.NotEqual(t, NormalizeKana("ツ"), NormalizeKana("ッ"), "small tsu differs from tsu")
}

func TestNormalizeWouldSplitVoicedKana(t *testing.T) {
	// The reason Kana has its own normalisation: decomposition separates
	// the voiced mark and the mark removal then erases it.
	assert.Equal(t, Normalize("タ"), Normalize("ダ"))
	assert.NotEqual(t, NormalizeKana("タ"), NormalizeKana("ダ"))
}
