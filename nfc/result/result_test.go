package result

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kycgate/kycgate/nfc/icao"
	"github.com/kycgate/kycgate/nfc/icao/lds"
)

func TestEveryVerdictHasItsOwnCode(t *testing.T) {
	codes := map[int]string{}
	for _, o := range Outcomes() {
		other, dup := codes[o.Code]
		require.False(t, dup, "%s and %s share code %d", o.Name, other, o.Code)
		codes[o.Code] = o.Name
		assert.NotEmpty(t, o.Meaning)
	}
	for _, v := range icao.Verdicts() {
		o := Lookup(string(v))
		assert.Equal(t, string(v), o.Name, "verdict %s is in the table", v)
		if v == icao.Authentic {
			assert.Zero(t, o.Code)
			assert.Empty(t, o.Message)
		} else {
			assert.NotZero(t, o.Code, v)
			assert.NotEmpty(t, o.Message, v)
		}
	}
	assert.Equal(t, VerificationFailed, Lookup("SOMETHING_NEW").Name, "unknown verdicts never leak an unlisted code")
	assert.Equal(t, MsgExpired, Lookup(SessionExpired).Message)
	assert.Equal(t, MsgTampered, Lookup(string(icao.DGHashMismatch)).Message)
	assert.Equal(t, MsgNotSupported, Lookup(string(icao.CSCAUnknown)).Message)
}

func TestPayloadShape(t *testing.T) {
	p := New(string(icao.Authentic), "order-7")
	p.Flag(FlagNoActiveAuthentication)
	p.Flag(FlagNoActiveAuthentication)
	raw, err := p.Marshal()
	require.NoError(t, err)
	assert.JSONEq(t, `{"result":"Ok","code":0,"message":"","ref":"order-7","data":{},
		"face_match":null,"face_match_confidence":null,"liveness_confidence":null,"liveness_confidence_array":[],
		"verdict":"AUTHENTIC","flags":["ACTIVE_AUTHENTICATION_NOT_SUPPORTED"]}`, string(raw))

	e := New(string(icao.DGHashMismatch), "")
	assert.Equal(t, Err, e.Result)
	assert.Equal(t, 204, e.Code)
	assert.Equal(t, "Invalid or tampered data", e.Message)
}

func TestNewDataMapsDG1AndDG11(t *testing.T) {
	now := time.Date(2025, 6, 1, 0, 0, 0, 0, time.UTC)
	doc := &icao.Document{DocumentCode: "P", IssuingState: "UTO", DocumentNumber: "L898902C3", Surname: "ERIKSSON",
		GivenNames: "ANNA MARIA", Nationality: "UTO", DateOfBirth: "740812", Sex: "F", DateOfExpiry: "350415",
		OptionalData1: "ZE184226B", MRZFormat: "TD3"}
	d := NewData(doc, nil, now)
	raw, err := json.Marshal(d)
	require.NoError(t, err)
	assert.JSONEq(t, `{"name":"ANNA MARIA ERIKSSON","surname":"ERIKSSON","given_names":"ANNA MARIA","nationality":"UTO",
		"document_number":"L898902C3","document_type":"passport","document_code":"P","issuing_state":"UTO",
		"date_of_birth":"1974-08-12","date_of_expiry":"2035-04-15","sex":"F","optional_data":"ZE184226B","mrz_format":"TD3"}`, string(raw))

	d = NewData(&icao.Document{DocumentCode: "ID", DateOfBirth: "200229", DateOfExpiry: "bad", Sex: "<"},
		&lds.DG11{FullName: "ERIKSSON, ANNA MARIA", FullDateOfBirth: "19740812", PlaceOfBirth: "ZENITH"}, now)
	assert.Equal(t, "id_card", d.DocumentType)
	assert.Equal(t, "1974-08-12", d.DateOfBirth, "DG11's full date wins")
	assert.Equal(t, "bad", d.DateOfExpiry, "unreadable dates are kept as found")
	assert.Equal(t, "X", d.Sex)
	assert.Equal(t, "ZENITH", d.PlaceOfBirth)

	assert.Equal(t, "2020-02-29", birthDate("200229", now), "a recent birth stays in this century")
	assert.Equal(t, "1930-01-01", birthDate("300101", now), "a future date moves to the last century")
	assert.Equal(t, "visa", documentType("V"))
	assert.Equal(t, "other", documentType("X"))
	assert.Equal(t, Data{}, NewData(nil, nil, now))
}
