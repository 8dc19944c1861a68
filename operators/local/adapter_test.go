package local

import (
	"bytes"
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kycgate/kycgate/camara"
	"github.com/kycgate/kycgate/kycmatch"
	"github.com/kycgate/kycgate/operators"
	"github.com/kycgate/kycgate/store"
)

// demoStore is a real SQLite store loaded with DemoSubscribers.
func demoStore(t *testing.T) store.Store {
	t.Helper()
	st := openStore(t)
	_, err := Import(context.Background(), st, bytes.NewReader(DemoSubscribers))
	require.NoError(t, err)
	return st
}

func call(v kycmatch.Version, phone string, values map[string]string) operators.Call {
	return operators.Call{Version: v, Request: kycmatch.Request{PhoneNumber: phone, Values: values}}
}

const federica = "+34629255833"

func TestMatchErrors(t *testing.T) {
	st := demoStore(t)
	tests := []struct {
		name    string
		opts    Options
		call    operators.Call
		wantErr *camara.Error
	}{
		{
			name:    "unknown phone number",
			opts:    DefaultOptions(),
			call:    call(kycmatch.V04, "+34600000000", map[string]string{"givenName": "Federica"}),
			wantErr: camara.ErrIdentifierNotFound,
		},
		{
			name:    "iot line not applicable",
			opts:    DefaultOptions(),
			call:    call(kycmatch.V04, "+491520000042", map[string]string{"name": "Beispiel Energie GmbH"}),
			wantErr: camara.ErrServiceNotApplicable,
		},
		{
			name:    "business line not applicable",
			opts:    DefaultOptions(),
			call:    call(kycmatch.V03, "+34910000001", map[string]string{"name": "Comercial Ejemplo S.L."}),
			wantErr: camara.ErrServiceNotApplicable,
		},
		{
			name:    "idDocument required",
			opts:    Options{RequireIDDocument: true},
			call:    call(kycmatch.V04, federica, map[string]string{"givenName": "Federica"}),
			wantErr: camara.ErrIDDocumentRequired,
		},
		{
			name:    "idDocument mismatch",
			opts:    Options{RequireIDDocument: true},
			call:    call(kycmatch.V04, federica, map[string]string{"idDocument": "77777777R", "givenName": "Federica"}),
			wantErr: camara.ErrIDDocumentMismatch,
		},
		{
			name:    "idDocument required by a record without one",
			opts:    Options{RequireIDDocument: true},
			call:    call(kycmatch.V04, "+447700900123", map[string]string{"idDocument": "X1", "givenName": "Alex"}),
			wantErr: camara.ErrIDDocumentMismatch,
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			resp, err := NewAdapter("demo", st, tc.opts).Match(context.Background(), tc.call)
			require.ErrorIs(t, err, tc.wantErr)
			assert.Nil(t, resp)
		})
	}
}

func TestMatchAnswers(t *testing.T) {
	st := demoStore(t)
	tests := []struct {
		name string
		opts Options
		call operators.Call
		want map[string]kycmatch.Result
	}{
		{
			name: "CAMARA example person",
			opts: DefaultOptions(),
			call: call(kycmatch.V04, federica, map[string]string{
				"idDocument": "66666666q", "idDocumentType": "passport", "givenName": "Federica",
				"familyName": "Garcia Lopez", "birthdate": "1978-08-22", "country": "es",
				"nameKanaHankaku": "federica",
			}),
			want: map[string]kycmatch.Result{
				"idDocument": kycmatch.True, "idDocumentType": kycmatch.True, "givenName": kycmatch.True,
				"familyName": kycmatch.False, "birthdate": kycmatch.True, "country": kycmatch.True,
				"nameKanaHankaku": kycmatch.NotAvailable,
			},
		},
		{
			name: "idDocument required and matching",
			opts: Options{RequireIDDocument: true},
			call: call(kycmatch.V04, federica, map[string]string{"idDocument": "66666666Q", "birthdate": "1978-08-23"}),
			want: map[string]kycmatch.Result{"idDocument": kycmatch.True, "birthdate": kycmatch.False},
		},
		{
			name: "v0.3 ignores attributes it does not know",
			opts: DefaultOptions(),
			call: call(kycmatch.V03, federica, map[string]string{"givenName": "Federica", "nationality": "ES"}),
			want: map[string]kycmatch.Result{"givenName": kycmatch.True},
		},
		{
			name: "Japanese Kana names",
			opts: DefaultOptions(),
			call: call(kycmatch.V04, "+819012345678", map[string]string{"nameKanaZenkaku": "ヤマダ　ハナコ", "familyName": "山田"}),
			want: map[string]kycmatch.Result{"nameKanaZenkaku": kycmatch.True, "familyName": kycmatch.True},
		},
		{
			name: "sparse record",
			opts: DefaultOptions(),
			call: call(kycmatch.V04, "+447700900123", map[string]string{"givenName": "Alex", "birthdate": "1990-01-01"}),
			want: map[string]kycmatch.Result{"givenName": kycmatch.True, "birthdate": kycmatch.NotAvailable},
		},
		{
			name: "iot line served when no line type is excluded",
			opts: Options{UnsupportedLineTypes: []kycmatch.LineType{}},
			call: call(kycmatch.V04, "+491520000042", map[string]string{"postalCode": "20457"}),
			want: map[string]kycmatch.Result{"postalCode": kycmatch.True},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			resp, err := NewAdapter("demo", st, tc.opts).Match(context.Background(), tc.call)
			require.NoError(t, err)
			got := make(map[string]kycmatch.Result, len(resp))
			for name, outcome := range resp {
				got[name] = outcome.Result
			}
			assert.Equal(t, tc.want, got)
		})
	}
}

func TestMatchStoreFailure(t *testing.T) {
	t.Run("closed store is unavailable", func(t *testing.T) {
		st := openStore(t)
		require.NoError(t, st.Close())
		_, err := NewAdapter("demo", st, DefaultOptions()).Match(context.Background(), call(kycmatch.V04, federica, nil))
		require.ErrorIs(t, err, camara.ErrUnavailable)
		cerr := camara.From(err)
		assert.Equal(t, camara.ErrUnavailable.Message, cerr.Message, "the client sees the generic message only")
		assert.ErrorContains(t, cerr.Unwrap(), "subscriber lookup", "the store error is kept as the cause")
		assert.NotContains(t, cerr.Unwrap().Error(), "629255833")
	})
	t.Run("expired deadline is a timeout", func(t *testing.T) {
		st := demoStore(t)
		ctx, cancel := context.WithDeadline(context.Background(), time.Now().Add(-time.Second))
		defer cancel()
		_, err := NewAdapter("demo", st, DefaultOptions()).Match(ctx, call(kycmatch.V04, federica, nil))
		require.ErrorIs(t, err, camara.ErrTimeout)
		assert.ErrorIs(t, err, context.DeadlineExceeded)
	})
}

func TestParseOptions(t *testing.T) {
	tests := []struct {
		name    string
		raw     string
		want    Options
		wantErr string
	}{
		{name: "absent", raw: "", want: DefaultOptions()},
		{name: "null", raw: "null", want: DefaultOptions()},
		{name: "empty object", raw: "{}", want: DefaultOptions()},
		{
			name: "require idDocument",
			raw:  `{"requireIdDocument": true}`,
			want: Options{RequireIDDocument: true, UnsupportedLineTypes: DefaultOptions().UnsupportedLineTypes},
		},
		{name: "serve every line", raw: `{"unsupportedLineTypes": []}`, want: Options{UnsupportedLineTypes: []kycmatch.LineType{}}},
		{name: "only iot excluded", raw: `{"unsupportedLineTypes": ["iot"]}`, want: Options{UnsupportedLineTypes: []kycmatch.LineType{kycmatch.LineIoT}}},
		{name: "unknown key", raw: `{"requireIDDocument": true}`, wantErr: `unknown option "requireIDDocument"`},
		{name: "unknown line type", raw: `{"unsupportedLineTypes": ["landline"]}`, wantErr: `unknown line type "landline"`},
		{name: "wrong type", raw: `{"requireIdDocument": "yes"}`, wantErr: "local operator options"},
		{name: "misspelled key", raw: `{"unsupportedLineType": ["iot"]}`, wantErr: `unknown option "unsupportedLineType"`},
		{name: "trailing content", raw: `{} {}`, wantErr: "local operator options"},
		{name: "not json", raw: `requireIdDocument`, wantErr: "local operator options"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := ParseOptions(json.RawMessage(tc.raw))
			if tc.wantErr != "" {
				require.ErrorContains(t, err, tc.wantErr)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tc.want, got)
		})
	}
}

func TestRegisteredFactory(t *testing.T) {
	assert.Contains(t, operators.Types(), TypeName)
	st := demoStore(t)

	a, err := operators.New(TypeName, "demo", json.RawMessage(`{"requireIdDocument": true}`), operators.Deps{Store: st})
	require.NoError(t, err)
	_, err = a.Match(context.Background(), call(kycmatch.V04, federica, map[string]string{"givenName": "Federica"}))
	require.ErrorIs(t, err, camara.ErrIDDocumentRequired, "the options reach the adapter")

	_, err = operators.New(TypeName, "demo", nil, operators.Deps{})
	require.ErrorContains(t, err, "a store is required")
	_, err = operators.New(TypeName, "demo", json.RawMessage(`{"x": 1}`), operators.Deps{Store: st})
	require.ErrorContains(t, err, `unknown option "x"`)
}
