package local

import (
	"bytes"
	"context"
	"errors"
	"path/filepath"
	"strings"
	"testing"
	"testing/iotest"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kycgate/kycgate/kycmatch"
	"github.com/kycgate/kycgate/store"
	"github.com/kycgate/kycgate/store/sqlite"
)

// subscriberFile wraps subscriber object lines in the file envelope. The
// envelope takes two lines, so the first line given is line 3 of the file.
func subscriberFile(lines ...string) string {
	return "{\n\"subscribers\": [\n" + strings.Join(lines, "\n") + "\n]\n}\n"
}

// problemsOf returns the problems of a file that must fail to parse.
func problemsOf(t *testing.T, file string) []Problem {
	t.Helper()
	subs, err := ParseImport(strings.NewReader(file))
	require.Error(t, err)
	assert.Nil(t, subs)
	var ie *ImportError
	require.ErrorAs(t, err, &ie)
	return ie.Problems
}

func TestParseImportValid(t *testing.T) {
	file := subscriberFile(
		`{"phoneNumber": "+34629255833", "lineType": "mobile", "givenName": "Federica",`,
		` "birthdate": "1978-08-22", "country": "es", "gender": "OTHER", "idDocumentType": "passport"},`,
		`{"phoneNumber": "+819012345678", "lineType": "iot"}`,
	)
	subs, err := ParseImport(strings.NewReader("\uFEFF" + file))
	require.NoError(t, err)
	require.Len(t, subs, 2)
	assert.Equal(t, kycmatch.Subscriber{
		PhoneNumber: "+34629255833",
		LineType:    kycmatch.LineMobile,
		Attributes: map[string]string{
			"givenName": "Federica", "birthdate": "1978-08-22", "country": "es",
			"gender": "OTHER", "idDocumentType": "passport",
		},
	}, subs[0])
	assert.Equal(t, kycmatch.LineIoT, subs[1].LineType)
	assert.Empty(t, subs[1].Attributes)

	subs, err = ParseImport(strings.NewReader(`{"subscribers": []}`))
	require.NoError(t, err)
	assert.Empty(t, subs)
}

func TestParseImportEveryAttribute(t *testing.T) {
	values := map[string]string{}
	var fields []string
	for _, a := range kycmatch.Attributes {
		v := "Some value"
		switch {
		case a.Kind == kycmatch.Date:
			v = "2030-01-31"
		case a.Kind == kycmatch.Country:
			v = "NL"
		case a.Name == "gender":
			v = "FEMALE"
		case a.Name == "idDocumentType":
			v = "residence_permit"
		}
		values[a.Name] = v
		fields = append(fields, `"`+a.Name+`": "`+v+`"`)
	}
	file := subscriberFile(`{"phoneNumber": "+31612345678", "lineType": "business", ` + strings.Join(fields, ", ") + `}`)
	subs, err := ParseImport(strings.NewReader(file))
	require.NoError(t, err)
	require.Len(t, subs, 1)
	assert.Equal(t, values, subs[0].Attributes)
}

func TestParseImportProblems(t *testing.T) {
	const ok = `"phoneNumber": "+34600000001", "lineType": "mobile"`
	tests := []struct {
		name string
		file string
		want []Problem // Message is matched as a substring
	}{
		{
			name: "phone without plus",
			file: subscriberFile(`{"phoneNumber": "34600000001", "lineType": "mobile"}`),
			want: []Problem{{Line: 3, Subscriber: 1, Field: "phoneNumber", Message: "E.164"}},
		},
		{
			name: "phone too short",
			file: subscriberFile(`{"phoneNumber": "+3460", "lineType": "mobile"}`),
			want: []Problem{{Line: 3, Subscriber: 1, Field: "phoneNumber", Message: "E.164"}},
		},
		{
			name: "phone with leading zero",
			file: subscriberFile(`{"phoneNumber": "+0346000000", "lineType": "mobile"}`),
			want: []Problem{{Line: 3, Subscriber: 1, Field: "phoneNumber", Message: "E.164"}},
		},
		{
			name: "duplicate phone",
			file: subscriberFile(`{`+ok+`},`, `{"lineType": "iot",`, ` "phoneNumber": "+34600000001"}`),
			want: []Problem{{Line: 5, Subscriber: 2, Field: "phoneNumber", Message: "already given on line 3"}},
		},
		{
			name: "unknown key",
			file: subscriberFile(`{`+ok+`,`, `"nickname": "Fede"}`),
			want: []Problem{{Line: 4, Subscriber: 1, Field: "nickname", Message: "unknown field"}},
		},
		{
			name: "key with wrong case",
			file: subscriberFile(`{` + ok + `, "givenname": "Fede"}`),
			want: []Problem{{Line: 3, Subscriber: 1, Field: "givenname", Message: `did you mean "givenName"`}},
		},
		{
			name: "unknown key that is not a property name is not shown",
			file: subscriberFile(`{` + ok + `, "Federica Sanchez": "x"}`),
			want: []Problem{{Line: 3, Subscriber: 1, Field: "", Message: "name not shown"}},
		},
		{
			name: "unknown line type",
			file: subscriberFile(`{"phoneNumber": "+34600000001", "lineType": "landline"}`),
			want: []Problem{{Line: 3, Subscriber: 1, Field: "lineType", Message: "must be one of mobile, iot, business"}},
		},
		{
			name: "non-string values",
			file: subscriberFile(`{`+ok+`,`, `"streetNumber": 4,`, `"email": null,`, `"address": {"street": "x"},`, `"name": ["a"]}`),
			want: []Problem{
				{Line: 4, Subscriber: 1, Field: "streetNumber", Message: "must be a JSON string"},
				{Line: 5, Subscriber: 1, Field: "email", Message: "must be a JSON string"},
				{Line: 6, Subscriber: 1, Field: "address", Message: "must be a JSON string"},
				{Line: 7, Subscriber: 1, Field: "name", Message: "must be a JSON string"},
			},
		},
		{
			name: "bad dates",
			file: subscriberFile(`{`+ok+`,`, `"birthdate": "22/08/1978",`, `"idDocumentExpiryDate": "2027-02-30"}`),
			want: []Problem{
				{Line: 4, Subscriber: 1, Field: "birthdate", Message: "YYYY-MM-DD"},
				{Line: 5, Subscriber: 1, Field: "idDocumentExpiryDate", Message: "YYYY-MM-DD"},
			},
		},
		{
			name: "bad countries",
			file: subscriberFile(`{`+ok+`,`, `"country": "ESP",`, `"countryOfBirth": "E1",`, `"nationality": "Ñ"}`),
			want: []Problem{
				{Line: 4, Subscriber: 1, Field: "country", Message: "two letters"},
				{Line: 5, Subscriber: 1, Field: "countryOfBirth", Message: "two letters"},
				{Line: 6, Subscriber: 1, Field: "nationality", Message: "two letters"},
			},
		},
		{
			name: "bad gender",
			file: subscriberFile(`{` + ok + `, "gender": "female"}`),
			want: []Problem{{Line: 3, Subscriber: 1, Field: "gender", Message: "MALE, FEMALE, OTHER"}},
		},
		{
			name: "bad idDocumentType",
			file: subscriberFile(`{` + ok + `, "idDocumentType": "id_card"}`),
			want: []Problem{{Line: 3, Subscriber: 1, Field: "idDocumentType", Message: "passport, national_id_card"}},
		},
		{
			name: "empty value",
			file: subscriberFile(`{` + ok + `, "givenName": "  "}`),
			want: []Problem{{Line: 3, Subscriber: 1, Field: "givenName", Message: "must not be empty"}},
		},
		{
			name: "key given twice",
			file: subscriberFile(`{`+ok+`,`, `"givenName": "A",`, `"givenName": "B"}`),
			want: []Problem{{Line: 5, Subscriber: 1, Field: "givenName", Message: "given twice (first on line 4)"}},
		},
		{
			name: "missing required keys",
			file: subscriberFile(`{`, `"givenName": "A"}`),
			want: []Problem{
				{Line: 3, Subscriber: 1, Field: "phoneNumber", Message: "is required"},
				{Line: 3, Subscriber: 1, Field: "lineType", Message: "is required"},
			},
		},
		{
			name: "subscriber not an object",
			file: subscriberFile(`"+34600000001",`, `["+34600000002"]`),
			want: []Problem{
				{Line: 3, Subscriber: 1, Message: "must be a JSON object"},
				{Line: 4, Subscriber: 2, Message: "must be a JSON object"},
			},
		},
		{
			name: "syntax error",
			file: subscriberFile(`{`+ok+`},`, `{"phoneNumber": "+34600000002" "lineType": "mobile"}`),
			want: []Problem{{Line: 4, Message: "invalid JSON syntax"}},
		},
		{
			name: "problems before a syntax error are kept",
			file: subscriberFile(`{"phoneNumber": "bad", "lineType": "mobile"},`, `{,}`),
			want: []Problem{
				{Line: 3, Subscriber: 1, Field: "phoneNumber", Message: "E.164"},
				{Line: 4, Message: "invalid JSON syntax"},
			},
		},
		{
			name: "truncated file",
			file: "{\n\"subscribers\": [\n{" + ok + "}\n",
			want: []Problem{{Line: 3, Message: "ends before its JSON is complete"}},
		},
		{
			name: "empty file",
			file: "",
			want: []Problem{{Line: 1, Message: "ends before its JSON is complete"}},
		},
		{
			name: "top level is an array",
			file: "[\n]\n",
			want: []Problem{{Line: 1, Message: `one JSON object with a "subscribers" array`}},
		},
		{
			name: "missing subscribers",
			file: "{\n\"version\": 1\n}\n",
			want: []Problem{
				{Line: 2, Field: "version", Message: "the top level holds only"},
				{Line: 3, Field: "subscribers", Message: "is required"},
			},
		},
		{
			name: "subscribers not an array",
			file: "{\n\"subscribers\": {\"a\": [1, {}]}\n}\n",
			want: []Problem{{Line: 2, Field: "subscribers", Message: "must be an array"}},
		},
		{
			name: "subscribers twice",
			file: "{\n\"subscribers\": [],\n\"subscribers\": []\n}\n",
			want: []Problem{{Line: 3, Field: "subscribers", Message: "given twice (first on line 2)"}},
		},
		{
			name: "content after the object",
			file: "{\"subscribers\": []}\n\n{}\n",
			want: []Problem{{Line: 3, Message: "unexpected content after the top-level object"}},
		},
		{
			name: "invalid UTF-8",
			file: subscriberFile(`{`+ok+`,`, "\"givenName\": \"F\xffe\"}"),
			want: []Problem{{Line: 4, Message: "not valid UTF-8"}},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := problemsOf(t, tc.file)
			require.Len(t, got, len(tc.want), "problems: %v", got)
			for i, want := range tc.want {
				assert.Equal(t, want.Line, got[i].Line, "line of %v", got[i])
				assert.Equal(t, want.Subscriber, got[i].Subscriber, "subscriber of %v", got[i])
				assert.Equal(t, want.Field, got[i].Field, "field of %v", got[i])
				assert.Contains(t, got[i].Message, want.Message)
			}
		})
	}
}

func TestParseImportReportsEveryProblemTogether(t *testing.T) {
	file := strings.Join([]string{
		`{`,                  // 1
		`  "subscribers": [`, // 2
		`    {"phoneNumber": "+34629255833", "lineType": "mobile", "birthdate": "1978-13-01"},`, // 3
		`    {"phoneNumber": "+34629255833", "lineType": "fixed"},`,                             // 4
		`    {`,                             // 5
		`      "phoneNumber": "629255835",`, // 6
		`      "lineType": "mobile",`,       // 7
		`      "gender": "F",`,              // 8
		`      "shoeSize": "42"`,            // 9
		`    },`,                            // 10
		`    {"phoneNumber": "+34629255836", "lineType": "mobile", "givenName": "Good"}`, // 11
		`  ]`, // 12
		`}`,   // 13
	}, "\n")
	_, err := ParseImport(strings.NewReader(file))
	require.Error(t, err)
	assert.Equal(t, strings.Join([]string{
		"subscriber import file has 6 problems:",
		"  line 3: subscriber 1: birthdate: must be a calendar date written YYYY-MM-DD",
		"  line 4: subscriber 2: lineType: must be one of mobile, iot, business",
		"  line 4: subscriber 2: phoneNumber: the same phone number is already given on line 3",
		`  line 6: subscriber 3: phoneNumber: must be an E.164 number with a leading '+' (pattern ^\+[1-9][0-9]{4,14}$)`,
		"  line 8: subscriber 3: gender: must be one of MALE, FEMALE, OTHER",
		"  line 9: subscriber 3: shoeSize: unknown field; expected phoneNumber, lineType or a CAMARA KYC Match request property",
	}, "\n"), err.Error())
}

func TestParseImportNeverRevealsValues(t *testing.T) {
	secrets := []string{
		"29255833", "Federica", "19780822", "1978-8-22", "Espana", "female", "id-card",
		"mobile phone", "Salmeron", "66666666q",
	}
	file := subscriberFile(
		`{"phoneNumber": "+3462925583x", "lineType": "mobile"},`,
		`{"phoneNumber": "+34629255833", "lineType": "mobile phone", "birthdate": "19780822",`,
		` "idDocumentExpiryDate": "1978-8-22", "country": "Espana", "gender": "female",`,
		` "idDocumentType": "id-card", "Federica Sanchez": "Salmeron", "idDocument": 66666666},`,
		`{"phoneNumber": "+34629255833", "lineType": "iot", "idDocument": "66666666q", "idDocument": "66666666q"},`,
		`{"phoneNumber": "+34629255834" "Federica Sanchez": "x"}`,
	)
	_, err := ParseImport(strings.NewReader(file))
	require.Error(t, err)
	msg := err.Error()
	assert.Contains(t, msg, "problems:")
	for _, s := range secrets {
		assert.NotContains(t, msg, s)
	}
}

func TestParseImportReadError(t *testing.T) {
	boom := errors.New("disk on fire")
	_, err := ParseImport(iotest.ErrReader(boom))
	require.ErrorIs(t, err, boom)
}

func TestLineIndex(t *testing.T) {
	idx := newLineIndex([]byte("ab\ncd\n\ne"))
	tests := []struct {
		offset int64
		line   int
	}{{0, 1}, {2, 1}, {3, 2}, {5, 2}, {6, 3}, {7, 4}, {100, 4}}
	for _, tc := range tests {
		assert.Equal(t, tc.line, idx.lineAt(tc.offset), "offset %d", tc.offset)
	}
}

// openStore opens a real SQLite store in a temporary directory.
func openStore(t *testing.T) store.Store {
	t.Helper()
	s, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "kycgate.db"))
	require.NoError(t, err)
	t.Cleanup(func() { _ = s.Close() })
	return s
}

func TestImport(t *testing.T) {
	ctx := context.Background()
	st := openStore(t)
	good := subscriberFile(
		`{"phoneNumber": "+34629255833", "lineType": "mobile", "givenName": "Federica"},`,
		`{"phoneNumber": "+34629255834", "lineType": "iot"}`,
	)
	n, err := Import(ctx, st, strings.NewReader(good))
	require.NoError(t, err)
	assert.Equal(t, 2, n)
	got, err := st.GetSubscriber(ctx, "+34629255833")
	require.NoError(t, err)
	assert.Equal(t, map[string]string{"givenName": "Federica"}, got.Attributes)

	t.Run("a bad file writes nothing", func(t *testing.T) {
		bad := subscriberFile(
			`{"phoneNumber": "+34629255833", "lineType": "mobile", "givenName": "Changed"},`,
			`{"phoneNumber": "+34629255899", "lineType": "mobile"},`,
			`{"phoneNumber": "+34629255898", "lineType": "mobile", "birthdate": "yesterday"}`,
		)
		n, err := Import(ctx, st, strings.NewReader(bad))
		var ie *ImportError
		require.ErrorAs(t, err, &ie)
		assert.Zero(t, n)
		got, err := st.GetSubscriber(ctx, "+34629255833")
		require.NoError(t, err)
		assert.Equal(t, "Federica", got.Attributes["givenName"], "existing record untouched")
		_, err = st.GetSubscriber(ctx, "+34629255899")
		assert.ErrorIs(t, err, store.ErrNotFound, "valid new record of a bad file not written")
	})

	t.Run("a re-import replaces records", func(t *testing.T) {
		again := subscriberFile(`{"phoneNumber": "+34629255833", "lineType": "business", "familyName": "Sanchez"}`)
		n, err := Import(ctx, st, strings.NewReader(again))
		require.NoError(t, err)
		assert.Equal(t, 1, n)
		got, err := st.GetSubscriber(ctx, "+34629255833")
		require.NoError(t, err)
		assert.Equal(t, kycmatch.LineBusiness, got.LineType)
		assert.Equal(t, map[string]string{"familyName": "Sanchez"}, got.Attributes)
	})

	t.Run("a store failure is reported", func(t *testing.T) {
		closed := openStore(t)
		require.NoError(t, closed.Close())
		n, err := Import(ctx, closed, bytes.NewReader(DemoSubscribers))
		require.ErrorContains(t, err, "import subscribers")
		assert.Zero(t, n)
	})
}
