package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestRunMeasuresEveryTargetAndRewritesTheDocument runs the tool end to
// end, briefly: real gateways on loopback, the camara adapter in between,
// the table printed and written between the markers of a document.
func TestRunMeasuresEveryTargetAndRewritesTheDocument(t *testing.T) {
	doc := filepath.Join(t.TempDir(), "PERFORMANCE.md")
	require.NoError(t, os.WriteFile(doc, []byte("# Performance\n\n"+beginMarker+"\nold\n"+endMarker+"\n\nNotes.\n"), 0o644))
	t.Setenv("KYCBENCH_TEST_UNSET_DSN", "")
	var out, progress bytes.Buffer
	err := run(context.Background(), []string{
		"-runs", "1", "-duration", "150ms", "-warmup", "0s", "-workers", "2", "-subscribers", "5",
		"-postgres-env", "KYCBENCH_TEST_UNSET_DSN", "-write", doc,
	}, &out, &progress)
	require.NoError(t, err, "progress:\n%s", progress.String())

	table := out.String()
	for _, name := range []string{"bare net/http handler", "kycgate KYC Match, SQLite", "kycgate → camara adapter → kycgate", "its upstream called directly"} {
		line := lineWith(table, name)
		require.NotEmpty(t, line, "row %q in:\n%s", name, table)
		assert.NotContains(t, line, "skipped", line)
		assert.Contains(t, line, " 0 of ", "no request failed: %s", line)
	}
	assert.Contains(t, lineWith(table, "PostgreSQL"), "skipped: KYCBENCH_TEST_UNSET_DSN is not set")
	assert.Contains(t, table, "proxying through the camara adapter adds")

	written, err := os.ReadFile(doc)
	require.NoError(t, err)
	assert.Contains(t, string(written), beginMarker+"\n"+strings.TrimRight(table, "\n")+"\n"+endMarker+"\n\nNotes.\n")
	assert.NotContains(t, string(written), "\nold\n")
}

// lineWith returns the first line of s that contains part.
func lineWith(s, part string) string {
	for _, l := range strings.Split(s, "\n") {
		if strings.Contains(l, part) {
			return l
		}
	}
	return ""
}
