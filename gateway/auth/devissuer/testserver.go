package devissuer

import (
	"net/http/httptest"
	"testing"
)

// NewTestServer starts an issuer on a loopback httptest server, sets its URL
// and stops the server when the test ends. It fails the test when opts are
// invalid.
func NewTestServer(t testing.TB, opts Options) *Issuer {
	t.Helper()
	issuer, err := New(opts)
	if err != nil {
		t.Fatalf("devissuer: %v", err)
	}
	server := httptest.NewServer(issuer.Handler())
	t.Cleanup(server.Close)
	issuer.SetURL(server.URL)
	return issuer
}
