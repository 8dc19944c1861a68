package gateway_test

import (
	"encoding/json"
	"net/http"
	"testing"

	"github.com/kycgate/kycgate/kycmatch"
)

// FuzzKYCMatchAnswersEveryBody posts arbitrary bodies, with a valid token,
// to every served KYC Match version through the whole chain on a loopback
// server, and checks what a client may rely on whatever it sends: never a
// 5xx (every operator is up, so any failure is the client's), an answer
// that conforms to the official CAMARA document of its version (checked by
// env.do), the CAMARA error shape with its own status for every refusal, and
// the x-correlator echoed. Run longer with
//
//	go test -run '^$' -fuzz FuzzKYCMatchAnswersEveryBody -fuzztime 60s -fuzzminimizetime 5s ./gateway/
//
// (each input is a real HTTP call, so minimising a new input with the
// default budget of 60 s of calls leaves the progress line at 0/sec).
func FuzzKYCMatchAnswersEveryBody(f *testing.F) {
	e := newEnv(f, envOptions{})
	tok := e.token(matchScope)
	for _, body := range []string{
		fullBody04,
		`{"phoneNumber":"+34629255833","givenName":"Federica","familyName":"Sanchez","birthdate":"1978-08-22"}`,
		`{"phoneNumber":"+44700000004","givenName":"Oliver"}`,
		`{"phoneNumber":"+81312345678","givenName":"Taro"}`,
		`{"phoneNumber":"+34699999999","name":"x"}`,
		`{"phoneNumber":"+34629255833","idDocument":"66666666Q"}`,
		`{"phoneNumber":"+34629255833","birthdate":"1978-02-30"}`,
		`{"phoneNumber":"+34629255833","country":"zz","nationality":""}`,
		`{"phoneNumber":"+34629255833","givenName":"\u0000\ud800"}`,
		`{"phoneNumber":"+34629255833","givenName":"Federica"} trailing`,
		`{"phoneNumber":"+34629255833","givenName":"Federica","givenName":"Maria"}`,
		`{"phoneNumber":34629255833}`,
		`{"phoneNumber":"+34629255833","unknown":{"a":[1,2,{}]}}`,
		"{\"phoneNumber\":\"+34629255833\",\"givenName\":\"\xff\xfe\"}",
		`{}`, `[]`, `null`, `"x"`, `{`, ``, `   `,
	} {
		for i := range kycmatch.Versions {
			f.Add(uint8(i), body)
		}
	}
	f.Fuzz(func(t *testing.T, version uint8, body string) {
		v := kycmatch.Versions[int(version)%len(kycmatch.Versions)]
		te := *e
		te.t = t
		r := te.do(request{path: matchPath(v), token: tok, body: body, correlator: "fuzz-1"})
		if r.status >= 500 {
			t.Fatalf("%s answered %d to a client's body: %s", v, r.status, r.body)
		}
		if got := r.header.Get("x-correlator"); got != "fuzz-1" {
			t.Fatalf("x-correlator %q, want it echoed", got)
		}
		if r.status == http.StatusOK {
			return
		}
		var refusal struct {
			Status  int    `json:"status"`
			Code    string `json:"code"`
			Message string `json:"message"`
		}
		if err := json.Unmarshal(r.body, &refusal); err != nil || refusal.Status != r.status || refusal.Code == "" || refusal.Message == "" {
			t.Fatalf("%d answered with a body that is not a CAMARA error of that status: %s", r.status, r.body)
		}
	})
}
