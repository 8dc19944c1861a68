package local

import (
	"fmt"
	"strings"
)

// Problem is one thing wrong with a subscriber import file. Its message
// never repeats a value from the file, which holds personal data.
type Problem struct {
	// Line is the 1-based line of the file the problem is on.
	Line int
	// Subscriber is the 1-based position of the subscriber in the
	// "subscribers" array, or 0 when the problem is outside any subscriber.
	Subscriber int
	// Field is the key concerned, or "" when the problem is not about one
	// field (or the key itself is not fit to be shown).
	Field string
	// Message says what is wrong and what is expected.
	Message string
}

// String renders the problem as "line 7: subscriber 2: birthdate: must be a
// date YYYY-MM-DD".
func (p Problem) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "line %d: ", p.Line)
	if p.Subscriber > 0 {
		fmt.Fprintf(&b, "subscriber %d: ", p.Subscriber)
	}
	if p.Field != "" {
		b.WriteString(p.Field + ": ")
	}
	b.WriteString(p.Message)
	return b.String()
}

// ImportError lists every problem found in a subscriber import file.
type ImportError struct {
	// Problems are ordered by line.
	Problems []Problem
}

// Error lists the problems, one per line.
func (e *ImportError) Error() string {
	var b strings.Builder
	noun := "problems"
	if len(e.Problems) == 1 {
		noun = "problem"
	}
	fmt.Fprintf(&b, "subscriber import file has %d %s:", len(e.Problems), noun)
	for _, p := range e.Problems {
		b.WriteString("\n  " + p.String())
	}
	return b.String()
}
