package kycmatch

import (
	"bytes"
	"strconv"

	"github.com/kycgate/kycgate/internal/flatjson"
)

// flatAnswer is what decodeFlatResponse has read of one attribute.
type flatAnswer struct {
	result             []byte
	score              []byte
	hasResult          bool
	hasScore           bool
	scoreIsInteger     bool
	resultIsJSONString bool
}

// decodeFlatResponse is DecodeResponse's fast path for the common answer:
// one JSON object of string results and integer scores, each property sent
// once. It reports false, and leaves the answer to the general path (which
// also words any error), for anything else and for every answer the
// general path would refuse, so the two never disagree.
func decodeFlatResponse(v Version, body []byte) (Response, bool) {
	var answers [64]flatAnswer
	if len(Attributes) > len(answers) {
		return nil, false
	}
	ok := flatjson.Members(body, func(name, value []byte, kind flatjson.Kind) bool {
		return readFlatMember(answers[:len(Attributes)], name, value, kind)
	})
	if !ok {
		return nil, false
	}
	resp := make(Response, 8)
	for i, a := range Attributes {
		ans := answers[i]
		if !ans.hasResult || !v.Has(a) {
			continue
		}
		o, ok := flatOutcome(a, ans)
		if !ok {
			return nil, false
		}
		resp[a.Name] = o
	}
	return resp, true
}

// readFlatMember records one member of the answer; false for a property
// sent twice, which the general path reads differently (the last one
// wins).
func readFlatMember(answers []flatAnswer, name, value []byte, kind flatjson.Kind) bool {
	if attr, found := bytes.CutSuffix(name, []byte("MatchScore")); found {
		i, known := attributeIndex[string(attr)]
		if !known {
			return true
		}
		if answers[i].hasScore {
			return false
		}
		answers[i].score, answers[i].hasScore, answers[i].scoreIsInteger = value, true, kind == flatjson.Integer
		return true
	}
	if attr, found := bytes.CutSuffix(name, []byte("Match")); found {
		i, known := attributeIndex[string(attr)]
		if !known {
			return true
		}
		if answers[i].hasResult {
			return false
		}
		answers[i].result, answers[i].hasResult, answers[i].resultIsJSONString = value, true, kind == flatjson.String
	}
	return true
}

// flatOutcome is decodeOutcome for what the fast path read; false where
// decodeOutcome would report an error.
func flatOutcome(a Attribute, ans flatAnswer) (Outcome, bool) {
	r := Result(ans.result)
	if !ans.resultIsJSONString || validResult(r) != r {
		return Outcome{}, false
	}
	o := Outcome{Result: r}
	if !ans.hasScore || !a.Scored || o.Result != False {
		return o, true
	}
	if !ans.scoreIsInteger {
		return Outcome{}, false
	}
	score, err := strconv.Atoi(string(ans.score))
	if err != nil || score < 0 || score > maxUpstreamScore {
		return Outcome{}, false
	}
	o.Score, o.HasScore = score, true
	return o, true
}
