package testassets

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestSkipOrFailFailsUnderCIAndSkipsElsewhere(t *testing.T) {
	guard := func(tb testing.TB) { SkipOrFail(tb, "models missing at %s", "/nowhere") }
	t.Setenv("CI", "true")
	failed, skipped := Outcome(t, guard)
	assert.True(t, failed)
	assert.False(t, skipped)

	t.Setenv("CI", "")
	failed, skipped = Outcome(t, guard)
	assert.False(t, failed)
	assert.True(t, skipped)
}

func TestOutcomeOfAHelperThatFindsItsAsset(t *testing.T) {
	failed, skipped := Outcome(t, func(testing.TB) {})
	assert.False(t, failed)
	assert.False(t, skipped)
}
