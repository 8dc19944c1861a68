package loststolen

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"

	"github.com/kycgate/kycgate/nfc/icao/mrz"
)

// ErrImport means a line of the plain list is not "issuing state, document
// number"; the error names the line, never its values.
var ErrImport = errors.New("loststolen: import")

// Import reads a plain CSV of issuing state (the MRZ's three-letter code,
// e.g. UTO or D) and document number, one document per line, an optional
// header line "issuing_state,document_number" and lines starting with '#'
// ignored, and adds every document to l. It returns the number of lines
// read. On an error nothing is added.
func (l *List) Import(r io.Reader) (int, error) {
	cr := csv.NewReader(r)
	cr.Comment = '#'
	cr.FieldsPerRecord = -1
	cr.TrimLeadingSpace = true
	var pending [][2]string
	for {
		record, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return 0, readError(err)
		}
		line, _ := cr.FieldPos(0)
		if len(pending) == 0 && isHeader(record) {
			continue
		}
		var state string
		if len(record) == 2 {
			state = mrz.NormalizeValue(record[0])
		}
		if state == "" || mrz.NormalizeValue(record[1]) == "" {
			return 0, fmt.Errorf("%w: line %d needs an issuing state and a document number", ErrImport, line)
		}
		if !utf8.ValidString(record[0]) || !utf8.ValidString(record[1]) {
			return 0, fmt.Errorf("%w: line %d is not UTF-8 text", ErrImport, line)
		}
		if n := len(state); n > 3 {
			return 0, fmt.Errorf("%w: line %d: the issuing state is the MRZ's code of 1 to 3 letters", ErrImport, line)
		}
		pending = append(pending, [2]string{record[0], record[1]})
	}
	for _, p := range pending {
		l.Add(p[0], p[1])
	}
	return len(pending), nil
}

// readError words an error of the CSV reader: a malformed line by its
// number (the reader's field positions are not set when the line's first
// field is malformed, so the line is taken from the error), anything else
// (the file cannot be read) as it is.
func readError(err error) error {
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		return fmt.Errorf("%w: line %d is not CSV", ErrImport, pe.StartLine)
	}
	return fmt.Errorf("%w: the file cannot be read: %v", ErrImport, err)
}

// isHeader recognises the optional header line.
func isHeader(record []string) bool {
	return len(record) == 2 && strings.EqualFold(strings.TrimSpace(record[0]), "issuing_state") &&
		strings.EqualFold(strings.TrimSpace(record[1]), "document_number")
}
