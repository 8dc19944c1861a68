package local

import (
	"encoding/json"
	"fmt"

	"github.com/kycgate/kycgate/kycmatch"
)

// recordParse collects one subscriber object of an import file.
type recordParse struct {
	n         int // position in the subscribers array, from 1
	startLine int
	sub       kycmatch.Subscriber
	// keyLines maps each key seen to its line.
	keyLines map[string]int
	// failed is set when any field of the record has a problem.
	failed bool
}

// parseSubscriber reads the n-th element of the subscribers array.
func (p *parser) parseSubscriber(n int) error {
	tok, line, err := p.next()
	if err != nil {
		return err
	}
	if tok != json.Delim('{') {
		p.addProblem(line, n, "", "must be a JSON object")
		return p.skipRest(tok)
	}
	rec := &recordParse{n: n, startLine: line, keyLines: map[string]int{},
		sub: kycmatch.Subscriber{Attributes: map[string]string{}}}
	for p.dec.More() {
		if err := p.parseField(rec); err != nil {
			return err
		}
	}
	if _, _, err := p.next(); err != nil {
		return err
	}
	p.finishRecord(rec)
	return nil
}

// parseField reads one key and value of a subscriber object.
func (p *parser) parseField(rec *recordParse) error {
	tok, line, err := p.next()
	if err != nil {
		return err
	}
	key, _ := tok.(string)
	value, _, err := p.next()
	if err != nil {
		return err
	}
	if err := p.skipRest(value); err != nil {
		return err
	}
	if first, dup := rec.keyLines[key]; dup {
		p.fieldProblem(rec, line, key, fmt.Sprintf("given twice (first on line %d)", first))
		return nil
	}
	attr, isAttr := kycmatch.LookupAttribute(key)
	if !isAttr && key != keyPhoneNumber && key != keyLineType {
		field, message := describeUnknownKey(key)
		p.fieldProblem(rec, line, field, message)
		return nil
	}
	rec.keyLines[key] = line
	s, ok := value.(string)
	if !ok {
		p.fieldProblem(rec, line, key, "must be a JSON string")
		return nil
	}
	p.setField(rec, line, key, attr, s)
	return nil
}

// setField validates a string value and stores it in the record.
func (p *parser) setField(rec *recordParse, line int, key string, attr kycmatch.Attribute, value string) {
	switch key {
	case keyPhoneNumber:
		if !phonePattern.MatchString(value) {
			p.fieldProblem(rec, line, key, "must be an E.164 number with a leading '+' (pattern ^\\+[1-9][0-9]{4,14}$)")
			return
		}
		rec.sub.PhoneNumber = value
	case keyLineType:
		if !knownLineType(kycmatch.LineType(value)) {
			p.fieldProblem(rec, line, key, "must be one of "+lineTypeList())
			return
		}
		rec.sub.LineType = kycmatch.LineType(value)
	default:
		if message := checkAttribute(attr, value); message != "" {
			p.fieldProblem(rec, line, key, message)
			return
		}
		rec.sub.Attributes[key] = value
	}
}

func (p *parser) fieldProblem(rec *recordParse, line int, field, message string) {
	rec.failed = true
	p.addProblem(line, rec.n, field, message)
}

// finishRecord checks the required keys and the uniqueness of the phone
// number, and keeps the record when it is sound.
func (p *parser) finishRecord(rec *recordParse) {
	for _, key := range []string{keyPhoneNumber, keyLineType} {
		if _, seen := rec.keyLines[key]; !seen {
			p.fieldProblem(rec, rec.startLine, key, "is required")
		}
	}
	if phone := rec.sub.PhoneNumber; phone != "" {
		line := rec.keyLines[keyPhoneNumber]
		if first, dup := p.phoneLines[phone]; dup {
			p.fieldProblem(rec, line, keyPhoneNumber,
				fmt.Sprintf("the same phone number is already given on line %d", first))
		} else {
			p.phoneLines[phone] = line
		}
	}
	if !rec.failed {
		p.subs = append(p.subs, rec.sub)
	}
}
