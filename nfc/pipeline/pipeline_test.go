package pipeline

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kycgate/kycgate/nfc/icao"
	"github.com/kycgate/kycgate/nfc/icao/trust"
	"github.com/kycgate/kycgate/nfc/loststolen"
	"github.com/kycgate/kycgate/nfc/result"
)

func TestRunAuthenticDisclosesDataAndImages(t *testing.T) {
	f := newFixture(t, fixtureOptions{})
	out, err := f.pipeline.Run(context.Background(), f.sess, f.up, testNow)
	require.NoError(t, err)
	assert.Equal(t, icao.Authentic, out.Verdict)
	assert.NotEmpty(t, out.SODFingerprint)
	p := out.Payload
	assert.Equal(t, result.Ok, p.Result)
	assert.Equal(t, 0, p.Code)
	assert.Equal(t, "order-42", p.Ref)
	assert.Equal(t, "L898902C3", p.Data.DocumentNumber)
	assert.Equal(t, "ANNA MARIA ERIKSSON", p.Data.Name)
	assert.Equal(t, "1974-08-12", p.Data.DateOfBirth)
	assert.NotEmpty(t, p.DocFaceImage, "docface was asked for")
	assert.NotEmpty(t, p.SelfieImage, "selfie was asked for")
	assert.Contains(t, p.Flags, result.FlagRevocationNotChecked)
	assert.Contains(t, p.Flags, result.FlagFaceNotCompared, "no engine configured")
	assert.Contains(t, p.Flags, result.FlagLivenessNotMeasured)
	assert.NotContains(t, p.Flags, result.FlagNoActiveAuthentication)
}

// TestRunWithholdsDataUnlessDisclosable checks the withholding rule: a
// consent mismatch, a failed Active Authentication or any passive
// authentication failure sends empty data, no images, no vectors and no
// face results.
func TestRunWithholdsDataUnlessDisclosable(t *testing.T) {
	tests := []struct {
		name    string
		mutate  func(f *fixture)
		verdict icao.Verdict
	}{
		{"consent mismatch", func(f *fixture) { f.up.Consent.DateOfBirth = "740813" }, icao.ConsentMismatch},
		{"aa response for another challenge", func(f *fixture) { f.sess.Challenge = []byte{1, 2, 3, 4, 5, 6, 7, 8} }, icao.AAFailed},
		{"dg15 withheld", func(f *fixture) { delete(f.up.DataGroups, "15") }, icao.AAFailed},
		{"aa response withheld", func(f *fixture) { f.up.AASignature = nil }, icao.AAFailed},
		{"dg2 tampered", func(f *fixture) { f.up.DataGroups["2"][30] ^= 1 }, icao.DGHashMismatch},
		{"csca not trusted", func(f *fixture) { f.pipeline.Trust = trust.NewStore() }, icao.CSCAUnknown},
		{"document reported lost or stolen", func(f *fixture) { f.pipeline.LostOrStolen = lostStolen(t, "UTO,L898902C3") }, icao.DocumentLostOrStolen},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f := newFixture(t, fixtureOptions{})
			f.sess.Options.SendVectors = true
			tc.mutate(f)
			out, err := f.pipeline.Run(context.Background(), f.sess, f.up, testNow)
			require.NoError(t, err)
			require.Equal(t, tc.verdict, out.Verdict)
			p := out.Payload
			assert.Equal(t, result.Err, p.Result)
			assert.Equal(t, result.Lookup(string(tc.verdict)).Code, p.Code)
			assert.Equal(t, result.Lookup(string(tc.verdict)).Message, p.Message)
			assert.Equal(t, result.Data{}, p.Data)
			assert.Empty(t, p.DocFaceImage)
			assert.Empty(t, p.SelfieImage)
			assert.Empty(t, p.DocFaceVector)
			assert.Empty(t, p.SelfieVector)
			assert.Nil(t, p.FaceMatch)
			assert.Nil(t, p.LivenessConfidence)

			body, err := p.Marshal()
			require.NoError(t, err)
			var wire map[string]any
			require.NoError(t, json.Unmarshal(body, &wire))
			assert.Equal(t, map[string]any{}, wire["data"], "data is an empty object on the wire")
			for _, key := range []string{"doc_face_image", "selfie_image", "doc_face_vector", "selfie_vector"} {
				assert.NotContains(t, wire, key)
			}
			for _, secret := range []string{"L898902C3", "ERIKSSON", "740812"} {
				assert.NotContains(t, string(body), secret)
			}
		})
	}
}

// lostStolen returns a lost-and-stolen list of the CSV documents.
func lostStolen(t *testing.T, csv string) *loststolen.List {
	t.Helper()
	l, err := loststolen.New(bytes.Repeat([]byte{9}, loststolen.MinKeyBytes))
	require.NoError(t, err)
	_, err = l.Import(strings.NewReader(csv))
	require.NoError(t, err)
	return l
}

func TestDisclosable(t *testing.T) {
	tests := []struct {
		res  icao.Result
		want bool
	}{
		{icao.Result{PassiveAuthentication: true, Verdict: icao.Authentic}, true},
		{icao.Result{PassiveAuthentication: true, Verdict: icao.DocumentExpired}, true},
		{icao.Result{PassiveAuthentication: true, Verdict: icao.ConsentMismatch}, false},
		{icao.Result{PassiveAuthentication: true, Verdict: icao.AAFailed}, false},
		{icao.Result{PassiveAuthentication: true, Verdict: icao.DocumentLostOrStolen}, false},
		{icao.Result{PassiveAuthentication: false, Verdict: icao.DGHashMismatch}, false},
	}
	for _, tc := range tests {
		assert.Equal(t, tc.want, disclosable(tc.res), "%s", tc.res.Verdict)
	}
}

func TestRunFlags(t *testing.T) {
	t.Run("chip without active authentication", func(t *testing.T) {
		f := newFixture(t, fixtureOptions{noAA: true})
		out, err := f.pipeline.Run(context.Background(), f.sess, f.up, testNow)
		require.NoError(t, err)
		assert.Equal(t, icao.Authentic, out.Verdict)
		assert.Contains(t, out.Payload.Flags, result.FlagNoActiveAuthentication)
	})
	t.Run("sod seen in another session", func(t *testing.T) {
		f := newFixture(t, fixtureOptions{})
		var asked string
		f.pipeline.Seen = func(_ context.Context, fingerprint, sessionID string) (bool, error) {
			asked = sessionID
			return fingerprint != "", nil
		}
		out, err := f.pipeline.Run(context.Background(), f.sess, f.up, testNow)
		require.NoError(t, err)
		assert.Equal(t, f.sess.ID, asked)
		assert.Contains(t, out.Payload.Flags, result.FlagSODSeenElsewhere)
	})
	t.Run("sod lookup fails", func(t *testing.T) {
		f := newFixture(t, fixtureOptions{})
		f.pipeline.Seen = func(context.Context, string, string) (bool, error) { return false, errors.New("store down") }
		_, err := f.pipeline.Run(context.Background(), f.sess, f.up, testNow)
		assert.ErrorContains(t, err, "sod lookup")
	})
	t.Run("document not on the lost-and-stolen list", func(t *testing.T) {
		f := newFixture(t, fixtureOptions{})
		f.pipeline.LostOrStolen = lostStolen(t, "UTO,L898902C4\nD,L898902C3")
		out, err := f.pipeline.Run(context.Background(), f.sess, f.up, testNow)
		require.NoError(t, err)
		assert.Equal(t, icao.Authentic, out.Verdict)
	})
	t.Run("no trust store", func(t *testing.T) {
		f := newFixture(t, fixtureOptions{})
		f.pipeline.Trust = nil
		_, err := f.pipeline.Run(context.Background(), f.sess, f.up, testNow)
		assert.Error(t, err)
	})
	t.Run("images only as asked", func(t *testing.T) {
		f := newFixture(t, fixtureOptions{})
		f.sess.Options.SendScan = nil
		out, err := f.pipeline.Run(context.Background(), f.sess, f.up, testNow)
		require.NoError(t, err)
		assert.Equal(t, icao.Authentic, out.Verdict)
		assert.Empty(t, out.Payload.DocFaceImage)
		assert.Empty(t, out.Payload.SelfieImage)
	})
}
