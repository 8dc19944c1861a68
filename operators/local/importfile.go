package local

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"sort"
	"unicode/utf8"

	"github.com/kycgate/kycgate/kycmatch"
	"github.com/kycgate/kycgate/store"
)

// Import parses a whole subscriber import file and, only when it has no
// problem at all, writes its records to st in one transaction. It returns
// the number of records written. A file with problems yields an
// *ImportError and writes nothing.
func Import(ctx context.Context, st store.Subscribers, r io.Reader) (int, error) {
	subs, err := ParseImport(r)
	if err != nil {
		return 0, err
	}
	if err := st.UpsertSubscribers(ctx, subs); err != nil {
		return 0, fmt.Errorf("import subscribers: %w", err)
	}
	return len(subs), nil
}

// ParseImport reads and validates a whole subscriber import file (the format
// is described in the package documentation). When anything is wrong it
// returns an *ImportError listing every problem with its line number.
func ParseImport(r io.Reader) ([]kycmatch.Subscriber, error) {
	data, err := io.ReadAll(r)
	if err != nil {
		return nil, fmt.Errorf("read subscriber import file: %w", err)
	}
	p := newParser(data)
	p.parseFile()
	if len(p.problems) > 0 {
		sort.SliceStable(p.problems, func(i, j int) bool { return p.problems[i].Line < p.problems[j].Line })
		return nil, &ImportError{Problems: p.problems}
	}
	return p.subs, nil
}

// parser walks an import file token by token, so that every problem can be
// pinned to its line and parsing can go on after a bad record.
type parser struct {
	dec      *json.Decoder
	lines    lineIndex
	problems []Problem
	subs     []kycmatch.Subscriber
	// phoneLines maps each phone number seen to the line it was first on.
	phoneLines map[string]int
}

func newParser(data []byte) *parser {
	data = bytes.TrimPrefix(data, []byte("\uFEFF"))
	p := &parser{lines: newLineIndex(data), phoneLines: map[string]int{}}
	if !utf8.Valid(data) {
		p.addProblem(p.lines.lineAt(int64(firstInvalidUTF8(data))), 0, "", "the file is not valid UTF-8")
	}
	p.dec = json.NewDecoder(bytes.NewReader(data))
	p.dec.UseNumber()
	return p
}

func (p *parser) addProblem(line, subscriber int, field, message string) {
	p.problems = append(p.problems, Problem{Line: line, Subscriber: subscriber, Field: field, Message: message})
}

// errStop ends the walk after a problem that makes the rest unreadable.
var errStop = errors.New("stop")

// next returns the next token and the line it ends on. A syntax error is
// recorded as a problem and reported as errStop.
func (p *parser) next() (json.Token, int, error) {
	tok, err := p.dec.Token()
	if err == nil {
		return tok, p.lines.lineAt(p.dec.InputOffset() - 1), nil
	}
	var syntax *json.SyntaxError
	switch {
	case errors.As(err, &syntax):
		// The decoder's own message may quote a character of the file.
		p.addProblem(p.lines.lineAt(max(syntax.Offset-1, 0)), 0, "", "invalid JSON syntax")
	case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
		p.addProblem(p.lines.lineAt(p.dec.InputOffset()), 0, "", "the file ends before its JSON is complete")
	default:
		p.addProblem(p.lines.lineAt(p.dec.InputOffset()), 0, "", "unreadable JSON")
	}
	return nil, 0, errStop
}

// skipRest consumes the remainder of a value whose first token was tok.
func (p *parser) skipRest(tok json.Token) error {
	if d, ok := tok.(json.Delim); !ok || (d != '{' && d != '[') {
		return nil
	}
	for depth := 1; depth > 0; {
		tok, _, err := p.next()
		if err != nil {
			return err
		}
		switch tok {
		case json.Delim('{'), json.Delim('['):
			depth++
		case json.Delim('}'), json.Delim(']'):
			depth--
		}
	}
	return nil
}

// parseFile walks the top-level object and reports what it lacks.
func (p *parser) parseFile() {
	tok, line, err := p.next()
	if err != nil {
		return
	}
	if tok != json.Delim('{') {
		p.addProblem(line, 0, "", `the file must hold one JSON object with a "subscribers" array`)
		return
	}
	subscribersLine := 0
	for p.dec.More() {
		if subscribersLine, err = p.parseTopLevelMember(subscribersLine); err != nil {
			return
		}
	}
	if _, line, err = p.next(); err != nil {
		return
	}
	if subscribersLine == 0 {
		p.addProblem(line, 0, "subscribers", "is required: an array of subscriber objects")
	}
	if _, err := p.dec.Token(); !errors.Is(err, io.EOF) {
		p.addProblem(p.lines.lineAt(p.dec.InputOffset()), 0, "", "unexpected content after the top-level object")
	}
}

// parseTopLevelMember reads one key and value of the top-level object. It
// takes and returns the line of the "subscribers" key, 0 until seen.
func (p *parser) parseTopLevelMember(subscribersLine int) (int, error) {
	tok, line, err := p.next()
	if err != nil {
		return 0, err
	}
	key, _ := tok.(string)
	switch {
	case key != "subscribers":
		field, message := describeUnknownKey(key)
		p.addProblem(line, 0, field, message+` (the top level holds only "subscribers")`)
	case subscribersLine != 0:
		p.addProblem(line, 0, key, fmt.Sprintf("given twice (first on line %d)", subscribersLine))
	default:
		return line, p.parseSubscribers()
	}
	tok, _, err = p.next()
	if err != nil {
		return 0, err
	}
	return subscribersLine, p.skipRest(tok)
}

// parseSubscribers reads the "subscribers" array.
func (p *parser) parseSubscribers() error {
	tok, line, err := p.next()
	if err != nil {
		return err
	}
	if tok != json.Delim('[') {
		p.addProblem(line, 0, "subscribers", "must be an array of subscriber objects")
		return p.skipRest(tok)
	}
	for n := 1; p.dec.More(); n++ {
		if err := p.parseSubscriber(n); err != nil {
			return err
		}
	}
	_, _, err = p.next()
	return err
}
