package main

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kycgate/kycgate/internal/sealed"
	"github.com/kycgate/kycgate/internal/syncio"
	"github.com/kycgate/kycgate/store"
	"github.com/kycgate/kycgate/store/sqlite"
)

// writeConfig writes a configuration with the store in dir and listening on
// an ephemeral loopback port.
func writeConfig(t *testing.T, dir, listen string) string {
	t.Helper()
	path := filepath.Join(dir, "kycgate.yaml")
	cfg := "server:\n  listen: " + listen + "\nstore:\n  type: sqlite\n  options:\n    path: " + filepath.Join(dir, "kycgate.db") + "\n"
	require.NoError(t, os.WriteFile(path, []byte(cfg), 0o600))
	return path
}

var listenPattern = regexp.MustCompile(`"msg":"kycgate started".*?"listen":"([^"]+)"`)

// startServe runs `kycgate serve` in the background and returns its
// address once it logs that it started, and a function that stops it and
// returns serve's error.
func startServe(t *testing.T, args ...string) (string, func() error) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	logs := &syncio.Buffer{}
	done := make(chan error, 1)
	go func() { done <- run(ctx, append([]string{"serve"}, args...), io.Discard, logs) }()
	var addr string
	require.Eventually(t, func() bool {
		if m := listenPattern.FindStringSubmatch(logs.String()); m != nil {
			addr = m[1]
			return true
		}
		select {
		case err := <-done:
			t.Fatalf("serve stopped early: %v\n%s", err, logs.String())
		default:
		}
		return false
	}, 20*time.Second, 20*time.Millisecond)
	var once sync.Once
	var stopErr error
	stop := func() error {
		once.Do(func() {
			cancel()
			select {
			case stopErr = <-done:
			case <-time.After(30 * time.Second):
				stopErr = errors.New("serve did not stop")
			}
		})
		return stopErr
	}
	t.Cleanup(func() { _ = stop() })
	return addr, stop
}

func TestServeDemoAnswersAMatchAndShutsDownGracefully(t *testing.T) {
	dir := t.TempDir()
	t.Chdir(dir)
	addr, stop := startServe(t, "-demo", "-config", writeConfig(t, dir, "127.0.0.1:0"))
	base := "http://" + addr

	awaitReady(t, base)
	info, err := os.Stat(filepath.Join(dir, "data", "demo-client-secret"))
	require.NoError(t, err)
	assert.Equal(t, os.FileMode(0o600), info.Mode().Perm())
	token := demoToken(t, base, dir, "kyc-match:match")
	require.NotEmpty(t, token)

	req, err := http.NewRequest(http.MethodPost, base+"/kyc-match/v0.4/match",
		strings.NewReader(`{"phoneNumber":"+34629255833","givenName":"Federica","birthdate":"1978-08-22"}`))
	require.NoError(t, err)
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Content-Type", "application/json")
	res, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	require.Equal(t, http.StatusOK, res.StatusCode, "body: %s", body)
	assert.JSONEq(t, `{"givenNameMatch":"true","birthdateMatch":"true"}`, string(body))

	require.NoError(t, stop(), "SIGTERM-style cancellation shuts down cleanly")
	requireDemoFlowSecretsSealed(t, dir)
}

// requireDemoFlowSecretsSealed checks, in a stopped demo's store, that the
// demo flows' webhook secrets are sealed with the demo's generated
// webhooks.secret_key.
func requireDemoFlowSecretsSealed(t *testing.T, dir string) {
	t.Helper()
	key, err := os.ReadFile(filepath.Join(dir, "data", demoWebhookKeyFile))
	require.NoError(t, err, "the demo keeps a generated webhooks.secret_key")
	assert.NotEmpty(t, key)
	secret, err := os.ReadFile(filepath.Join(dir, "data", demoWebhookSecret))
	require.NoError(t, err)
	st, err := sqlite.Open(context.Background(), filepath.Join(dir, "kycgate.db"))
	require.NoError(t, err)
	defer st.Close()
	flows, err := st.ListFlows(context.Background(), demoClientID)
	require.NoError(t, err)
	require.NotEmpty(t, flows)
	for _, f := range flows {
		assert.NotContains(t, string(f.Document), strings.TrimSpace(string(secret)), "flow %s", f.ID)
		assert.Contains(t, string(f.Document), sealed.Prefix, "flow %s", f.ID)
	}
}

func TestServeDemoRefusesNonLoopback(t *testing.T) {
	dir := t.TempDir()
	t.Chdir(dir)
	err := run(context.Background(), []string{"serve", "-demo", "-config", writeConfig(t, dir, "0.0.0.0:0")}, io.Discard, io.Discard)
	require.ErrorContains(t, err, "loopback")
}

func TestServeRefusesInvalidConfigListingEveryProblem(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "bad.yaml")
	require.NoError(t, os.WriteFile(path, []byte(`server:
  listen: nowhere
log:
  level: loud
store:
  type: mysql
operators:
  - name: x
    type: nosuch
    prefixes: ["+34"]
`), 0o600))
	err := run(context.Background(), []string{"serve", "-config", path}, io.Discard, io.Discard)
	require.ErrorContains(t, err, "server.listen")
	require.ErrorContains(t, err, "log.level")
	require.ErrorContains(t, err, `store.type: "mysql" is not one of`, "unknown types are listed with the rest")
	require.ErrorContains(t, err, `operators[0].type: "nosuch" is not one of`)
}

func TestSubscribersImport(t *testing.T) {
	dir := t.TempDir()
	cfg := writeConfig(t, dir, "127.0.0.1:0")

	good := filepath.Join(dir, "good.json")
	require.NoError(t, os.WriteFile(good, []byte(`{"subscribers":[
 {"phoneNumber":"+34600000001","lineType":"mobile","givenName":"Ana"},
 {"phoneNumber":"+34600000002","lineType":"iot"}
]}`), 0o600))
	var out bytes.Buffer
	require.NoError(t, run(context.Background(), []string{"subscribers", "import", "-config", cfg, good}, &out, io.Discard))
	assert.Equal(t, "imported 2 subscribers\n", out.String())

	bad := filepath.Join(dir, "bad.json")
	require.NoError(t, os.WriteFile(bad, []byte(`{"subscribers":[
 {"phoneNumber":"+34600000003","lineType":"mobile","givenName":"Berta"},
 {"phoneNumber":"0034","lineType":"mobile"},
 {"phoneNumber":"+34600000005","lineType":"satellite","birthdate":"31/12/1990"}
]}`), 0o600))
	err := run(context.Background(), []string{"subscribers", "import", "-config", cfg, bad}, io.Discard, io.Discard)
	require.Error(t, err)
	for _, want := range []string{"line 3", "phoneNumber", "line 4", "lineType", "birthdate"} {
		assert.ErrorContains(t, err, want)
	}
	assert.NotContains(t, err.Error(), "Berta")
	assert.NotContains(t, err.Error(), "0034")

	// Nothing of the bad file was written, not even its valid record.
	st, err := sqlite.Open(context.Background(), filepath.Join(dir, "kycgate.db"))
	require.NoError(t, err)
	defer st.Close()
	_, err = st.GetSubscriber(context.Background(), "+34600000003")
	require.ErrorIs(t, err, store.ErrNotFound)
	_, err = st.GetSubscriber(context.Background(), "+34600000001")
	require.NoError(t, err)

	require.ErrorContains(t, run(context.Background(), []string{"subscribers", "import", "-config", cfg}, io.Discard, io.Discard), "usage")
}

func TestUnknownCommand(t *testing.T) {
	require.ErrorContains(t, run(context.Background(), nil, io.Discard, io.Discard), "usage")
	require.ErrorContains(t, run(context.Background(), []string{"fly"}, io.Discard, io.Discard), "usage")
	var out bytes.Buffer
	require.NoError(t, run(context.Background(), []string{"version"}, &out, io.Discard))
	assert.Contains(t, out.String(), "kycgate")
}

// TestArgumentsAreNeverIgnored checks that every command refuses an
// argument it does not take, instead of running without it (a
// configuration file named without -config would otherwise leave the
// defaults in force).
func TestArgumentsAreNeverIgnored(t *testing.T) {
	for _, args := range [][]string{
		{"serve", "-demo", "my.yaml"},
		{"serve", "my.yaml"},
		{"profiles", "lists", "extra"},
		{"nfc", "specimen", "extra"},
		{"nfc", "partner-key", "extra"},
		{"nfc", "upload-key", "extra"},
		{"nfc", "lost-stolen-key", "extra"},
		{"nfc", "lost-stolen-import", "-in", "a.csv", "-out", "b.json", "extra"},
		{"version", "extra"},
	} {
		err := run(context.Background(), args, io.Discard, io.Discard)
		require.Error(t, err, "%v", args)
		assert.Contains(t, err.Error(), "unexpected argument", "%v", args)
	}
}

func TestSpecimenRefusesAnEmptyPhoto(t *testing.T) {
	empty := filepath.Join(t.TempDir(), "empty.jpg")
	require.NoError(t, os.WriteFile(empty, nil, 0o600))
	err := run(context.Background(), []string{"nfc", "specimen", "-photo", empty, "-out", t.TempDir()}, io.Discard, io.Discard)
	require.ErrorContains(t, err, "is empty")
}

func TestHelpIsNoFailure(t *testing.T) {
	var out bytes.Buffer
	require.NoError(t, run(context.Background(), []string{"help"}, &out, io.Discard))
	assert.Contains(t, out.String(), "kycgate serve")
	assert.Contains(t, out.String(), "kycgate nfc")
	assert.ErrorIs(t, run(context.Background(), []string{"serve", "-h"}, io.Discard, io.Discard), flag.ErrHelp,
		"main exits 0 on flag.ErrHelp")
}
