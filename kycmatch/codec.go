package kycmatch

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
	"unicode/utf8"

	"github.com/kycgate/kycgate/camara"
	"github.com/kycgate/kycgate/internal/flatjson"
)

// DecodeRequest reads a KYC Match request body of version v.
//
// The gateway validates the body against the schema first; DecodeRequest
// still refuses, with INVALID_ARGUMENT, anything that is not a JSON object
// of string properties that v defines: other JSON values, non-string
// property values, unknown properties, properties of another version,
// repeated properties and trailing data. Messages name the property, never
// its value.
//
// The phone number is returned and also set in req.PhoneNumber; the
// attributes are in req.Values, which is never nil. A body without any
// attribute decodes without error: ValidateRequest refuses it.
func DecodeRequest(v Version, body []byte) (phoneNumber string, req Request, err *camara.Error) {
	if req, ok := decodeFlatRequest(v, body); ok {
		return req.PhoneNumber, req, nil
	}
	return decodeRequestTokens(v, body)
}

// decodeFlatRequest is DecodeRequest's fast path for the common body: one
// object of string properties, each known to v and sent once. It reports
// false for anything else, which decodeRequestTokens then reads and, when
// it must, refuses with the precise error.
func decodeFlatRequest(v Version, body []byte) (Request, bool) {
	req := Request{Values: make(map[string]string, len(Attributes))}
	seenPhoneNumber := false
	ok := flatjson.Object(body, func(name, value []byte) bool {
		if string(name) == phoneNumberProperty {
			if seenPhoneNumber {
				return false
			}
			seenPhoneNumber, req.PhoneNumber = true, string(value)
			return true
		}
		i, known := attributeIndex[string(name)]
		if !known || !v.Has(Attributes[i]) {
			return false
		}
		attr := Attributes[i].Name
		if _, dup := req.Values[attr]; dup {
			return false
		}
		req.Values[attr] = string(value)
		return true
	})
	return req, ok
}

// decodeRequestTokens reads the body token by token and refuses it with
// the error DecodeRequest documents.
func decodeRequestTokens(v Version, body []byte) (phoneNumber string, req Request, err *camara.Error) {
	dec := json.NewDecoder(bytes.NewReader(body))
	if tok, e := dec.Token(); e != nil || tok != json.Delim('{') {
		return "", Request{}, errNotAnObject
	}
	req.Values = map[string]string{}
	seenPhoneNumber := false
	for dec.More() {
		name, value, perr := nextStringProperty(dec)
		if perr != nil {
			return "", Request{}, perr
		}
		switch {
		case name == phoneNumberProperty:
			if seenPhoneNumber {
				return "", Request{}, repeatedPropertyError(name)
			}
			seenPhoneNumber, req.PhoneNumber = true, value
		case !definesAttribute(v, name):
			return "", Request{}, unknownPropertyError(v, name)
		default:
			if _, dup := req.Values[name]; dup {
				return "", Request{}, repeatedPropertyError(name)
			}
			req.Values[name] = value
		}
	}
	if err := expectEnd(dec); err != nil {
		return "", Request{}, err
	}
	return req.PhoneNumber, req, nil
}

// errNotAnObject refuses a body that is not one JSON object.
var errNotAnObject = camara.ErrInvalidArgument.WithMessage("The request body must be a JSON object")

// nextStringProperty reads one property of an object whose values must all
// be strings.
func nextStringProperty(dec *json.Decoder) (name, value string, err *camara.Error) {
	tok, e := dec.Token()
	if e != nil {
		return "", "", errNotAnObject
	}
	name, _ = tok.(string)
	tok, e = dec.Token()
	if e != nil {
		return "", "", errNotAnObject
	}
	value, ok := tok.(string)
	if !ok {
		return "", "", notAStringError(name)
	}
	return name, value, nil
}

// expectEnd consumes the closing brace and checks that nothing follows.
func expectEnd(dec *json.Decoder) *camara.Error {
	if tok, e := dec.Token(); e != nil || tok != json.Delim('}') {
		return errNotAnObject
	}
	if _, e := dec.Token(); !errors.Is(e, io.EOF) {
		return errNotAnObject
	}
	return nil
}

// definesAttribute reports whether name is an attribute of version v.
func definesAttribute(v Version, name string) bool {
	a, ok := LookupAttribute(name)
	return ok && v.Has(a)
}

func notAStringError(name string) *camara.Error {
	if isIdentifier(name) {
		return camara.ErrInvalidArgument.WithMessage("%s must be a string", name)
	}
	return camara.ErrInvalidArgument.WithMessage("Every property of the request body must be a string")
}

func repeatedPropertyError(name string) *camara.Error {
	return camara.ErrInvalidArgument.WithMessage("%s appears more than once", name)
}

// EncodeRequest writes the request body to send to an operator that serves
// version v: phoneNumber first when set, then the attributes v defines in
// schema order. Attributes v does not define are left out. A name that is
// no KYC Match attribute at all, or a value that is not valid UTF-8, is an
// error.
func EncodeRequest(v Version, req Request) ([]byte, error) {
	for name, value := range req.Values {
		if _, ok := LookupAttribute(name); !ok && name != phoneNumberProperty {
			return nil, fmt.Errorf("kycmatch: encode request: %q is not a KYC Match attribute", name)
		}
		if !utf8.ValidString(value) {
			return nil, fmt.Errorf("kycmatch: encode request: the value of %s is not valid UTF-8", name)
		}
	}
	if !utf8.ValidString(req.PhoneNumber) {
		return nil, errors.New("kycmatch: encode request: the phone number is not valid UTF-8")
	}
	out := append(make([]byte, 0, 512), '{')
	if req.PhoneNumber != "" {
		out = appendStringMember(out, phoneNumberProperty, req.PhoneNumber)
	}
	for _, a := range Attributes {
		if value, ok := req.Values[a.Name]; ok && v.Has(a) {
			out = appendStringMember(out, a.Name, value)
		}
	}
	return append(out, '}'), nil
}

// appendStringMember appends "name":"value" to an object being written,
// preceded by a comma unless it is the first member.
func appendStringMember(dst []byte, name, value string) []byte {
	if dst[len(dst)-1] != '{' {
		dst = append(dst, ',')
	}
	dst = appendJSONString(dst, name)
	dst = append(dst, ':')
	return appendJSONString(dst, value)
}

// responseKey holds the property names of one attribute in a response,
// quoted and followed by a colon, ready to be appended.
type responseKey struct {
	match []byte // "<attr>Match":
	score []byte // "<attr>MatchScore":
}

// responseKeys is indexed like Attributes.
var responseKeys = func() []responseKey {
	keys := make([]responseKey, len(Attributes))
	for i, a := range Attributes {
		keys[i] = responseKey{
			match: []byte(`"` + a.Name + `Match":`),
			score: []byte(`"` + a.Name + `MatchScore":`),
		}
	}
	return keys
}()

// AppendResponseJSON appends the JSON response body of version v to dst:
// for every attribute of resp that v defines, in schema order,
// "<attr>Match" as a string and, for a scored attribute answered false with
// a score, "<attr>MatchScore" as an integer clamped to 0..v.MaxScore.
// A Result that is not one of the three API values is written as
// not_available.
func AppendResponseJSON(dst []byte, v Version, resp Response) []byte {
	dst = append(dst, '{')
	first := true
	for i, a := range Attributes {
		o, ok := resp[a.Name]
		if !ok || !v.Has(a) {
			continue
		}
		if !first {
			dst = append(dst, ',')
		}
		first = false
		dst = append(dst, responseKeys[i].match...)
		dst = append(dst, '"')
		dst = append(dst, validResult(o.Result)...)
		dst = append(dst, '"')
		if score, ok := scoreFor(a, o, v); ok {
			dst = append(dst, ',')
			dst = append(dst, responseKeys[i].score...)
			dst = strconv.AppendInt(dst, int64(score), 10)
		}
	}
	return append(dst, '}')
}

// validResult returns r when it is one of the API's values, and
// not_available otherwise.
func validResult(r Result) Result {
	switch r {
	case True, False, NotAvailable:
		return r
	}
	return NotAvailable
}

// scoreFor returns the score to send for an outcome, if any: only scored
// attributes answered false carry one, clamped to the version's range.
func scoreFor(a Attribute, o Outcome, v Version) (int, bool) {
	if !a.Scored || o.Result != False || !o.HasScore {
		return 0, false
	}
	return clampScore(o.Score, v.MaxScore), true
}

// maxUpstreamScore is the largest score accepted from an operator of any
// version; scores are clamped to the caller's version afterwards.
const maxUpstreamScore = 100

// DecodeResponse reads an operator's KYC Match response of version v.
//
// Properties v does not define are ignored, so that an operator may add
// its own. A "<attr>Match" that is not one of "true", "false" and
// "not_available", or a "<attr>MatchScore" that is not an integer from 0 to
// 100, is an error. A score is kept only for a scored attribute answered
// false; a null score counts as absent.
func DecodeResponse(v Version, body []byte) (Response, error) {
	if resp, ok := decodeFlatResponse(v, body); ok {
		return resp, nil
	}
	return decodeResponseGenerally(v, body)
}

// decodeResponseGenerally is DecodeResponse through encoding/json, for
// every answer.
func decodeResponseGenerally(v Version, body []byte) (Response, error) {
	var props map[string]json.RawMessage
	if err := json.Unmarshal(body, &props); err != nil || props == nil {
		return nil, errors.New("kycmatch: decode response: the body is not a JSON object")
	}
	resp := make(Response, len(props))
	for _, a := range Attributes {
		raw, ok := props[a.Name+"Match"]
		if !ok || !v.Has(a) {
			continue
		}
		o, err := decodeOutcome(a, raw, props[a.Name+"MatchScore"])
		if err != nil {
			return nil, fmt.Errorf("kycmatch: decode response: %w", err)
		}
		resp[a.Name] = o
	}
	return resp, nil
}

// decodeOutcome reads one attribute's result and optional score.
func decodeOutcome(a Attribute, rawResult, rawScore json.RawMessage) (Outcome, error) {
	var s string
	if err := json.Unmarshal(rawResult, &s); err != nil || validResult(Result(s)) != Result(s) {
		return Outcome{}, fmt.Errorf("%sMatch is not one of true, false, not_available", a.Name)
	}
	o := Outcome{Result: Result(s)}
	if rawScore == nil || string(rawScore) == "null" || !a.Scored || o.Result != False {
		return o, nil
	}
	var score int
	if err := json.Unmarshal(rawScore, &score); err != nil || score < 0 || score > maxUpstreamScore {
		return Outcome{}, fmt.Errorf("%sMatchScore is not an integer from 0 to %d", a.Name, maxUpstreamScore)
	}
	o.Score, o.HasScore = score, true
	return o, nil
}

// TranslateResponse fits an answer from an operator of version from to a
// caller of version to who sent the request sent. It holds exactly the
// attributes the caller sent that version to defines: those version from
// lacks, or that the operator left unanswered, are not_available; scores
// are clamped to to.MaxScore, and dropped where the caller's schema allows
// none.
func TranslateResponse(from, to Version, sent Request, resp Response) Response {
	out := make(Response, len(sent.Values))
	for _, a := range Attributes {
		if _, ok := sent.Values[a.Name]; !ok || !to.Has(a) {
			continue
		}
		o, ok := resp[a.Name]
		if !ok || !from.Has(a) {
			out[a.Name] = Outcome{Result: NotAvailable}
			continue
		}
		out[a.Name] = fitOutcome(a, o, to)
	}
	return out
}

// fitOutcome makes an outcome valid for the attribute in version v.
func fitOutcome(a Attribute, o Outcome, v Version) Outcome {
	fitted := Outcome{Result: validResult(o.Result)}
	if score, ok := scoreFor(a, o, v); ok && fitted.Result == False {
		fitted.Score, fitted.HasScore = score, true
	}
	return fitted
}
