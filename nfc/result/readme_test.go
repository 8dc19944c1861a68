package result

import (
	"os"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// readmeSection returns the text of nfc/README.md from the heading to the
// next heading of the same level.
func readmeSection(t *testing.T, heading string) string {
	t.Helper()
	data, err := os.ReadFile("../README.md")
	require.NoError(t, err)
	text := string(data)
	start := strings.Index(text, "\n"+heading+"\n")
	require.NotEqual(t, -1, start, "nfc/README.md has no %q", heading)
	rest := text[start+len(heading)+2:]
	if end := strings.Index(rest, "\n## "); end >= 0 {
		rest = rest[:end]
	}
	return rest
}

// documentedRow is one row of the README's result code table.
type documentedRow struct {
	code             int
	verdict, message string
}

// readmeCodeTable parses the rows "| code | verdict | message | meaning |"
// of the README's "## Result codes" section.
func readmeCodeTable(t *testing.T) []documentedRow {
	t.Helper()
	var rows []documentedRow
	for _, line := range strings.Split(readmeSection(t, "## Result codes"), "\n") {
		cells := strings.Split(strings.Trim(strings.TrimSpace(line), "|"), "|")
		if len(cells) != 4 {
			continue
		}
		code, err := strconv.Atoi(strings.TrimSpace(cells[0]))
		if err != nil {
			continue // the header and separator rows
		}
		rows = append(rows, documentedRow{code, strings.TrimSpace(cells[1]), strings.TrimSpace(cells[2])})
	}
	return rows
}

// TestReadmeCodeTableMatchesOutcomes ties the table of nfc/README.md to
// Outcomes(): every outcome documented with its code and message, in the
// same order, and no row that the code does not produce.
func TestReadmeCodeTableMatchesOutcomes(t *testing.T) {
	rows := readmeCodeTable(t)
	require.NotEmpty(t, rows, "the README's result code table was not found")
	var want []documentedRow
	for _, o := range Outcomes() {
		want = append(want, documentedRow{o.Code, o.Name, o.Message})
	}
	assert.Equal(t, want, rows)
}

// flagPattern finds the flag names quoted in the README.
var flagPattern = regexp.MustCompile("`([A-Z][A-Z_]+[A-Z])`")

// TestReadmeFlagsMatchFlags checks that the README's flag paragraph names
// every flag of the payload and no other.
func TestReadmeFlagsMatchFlags(t *testing.T) {
	section := readmeSection(t, "## Result codes")
	start := strings.Index(section, "Flags:")
	require.NotEqual(t, -1, start, "no Flags: paragraph")
	paragraph := section[start:]
	if end := strings.Index(paragraph, "\n\n"); end >= 0 {
		paragraph = paragraph[:end]
	}
	documented := map[string]bool{}
	for _, m := range flagPattern.FindAllStringSubmatch(paragraph, -1) {
		documented[m[1]] = true
	}
	for _, f := range Flags() {
		assert.True(t, documented[f], "flag %s is not documented", f)
		delete(documented, f)
	}
	assert.Empty(t, documented, "documented flags the code does not set")
}
