package gateway

import (
	"bytes"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestReadAllReadsADeclaredBodyWithoutGrowing(t *testing.T) {
	for _, n := range []int{1, 511, 512, 1000, 4000} {
		body := strings.Repeat("x", n)
		got, err := readAll(strings.NewReader(body), int64(n), 1<<20)
		require.NoError(t, err)
		assert.Equal(t, body, string(got))
		assert.Equal(t, n+bytes.MinRead, cap(got), "%d bytes: the first buffer was enough", n)
	}
	got, err := readAll(strings.NewReader("abc"), -1, 1<<20)
	require.NoError(t, err)
	assert.Equal(t, "abc", string(got), "without a Content-Length")
}
