package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"

	"github.com/kycgate/kycgate/config"
	"github.com/kycgate/kycgate/kycmatch"
)

// matchPath is the KYC Match 0.4 route every kycgate target is called on.
const matchPath = "/kyc-match/v0.4/match"

// bench is the set of running targets.
type bench struct {
	rows  []*row
	stops []func()
}

// close stops every target, last started first.
func (b *bench) close() {
	for i := len(b.stops) - 1; i >= 0; i-- {
		b.stops[i]()
	}
}

// setupOptions choose the targets.
type setupOptions struct {
	selected    map[string]bool
	subscribers int
	postgresEnv string
	conns       int
	// dir holds the SQLite files and the gateways' logs.
	dir string
}

// setUp starts the servers and returns one row per target, in table
// order. The SQLite gateway always runs: its answer sizes the bare
// handler's and it is the proxy's upstream.
func setUp(ctx context.Context, o setupOptions) (*bench, error) {
	b := &bench{}
	subs := syntheticSubscribers(o.subscribers)
	bodies, err := matchBodies(subs)
	if err != nil {
		return b, err
	}
	upstream, err := b.startKYCGate(ctx, o, "sqlite", sqliteOptions(o.dir, "upstream.db"), localOperator(), subs)
	if err != nil {
		return b, fmt.Errorf("kycgate on SQLite: %w", err)
	}
	direct, err := b.newTarget(upstream, bodies, o.conns)
	if err != nil {
		return b, err
	}
	answer, err := direct.answer(ctx)
	if err != nil {
		return b, fmt.Errorf("kycgate on SQLite: %w", err)
	}
	bare, err := b.startBare(answer, direct.token, bodies, o.conns)
	if err != nil {
		return b, err
	}
	b.add(o, keyBare, "bare net/http handler, same answer size", bare, "")
	b.add(o, keySQLite, "kycgate KYC Match, SQLite", direct, "")
	pg, note, err := b.startPostgres(ctx, o, subs, bodies)
	if err != nil {
		return b, fmt.Errorf("kycgate on PostgreSQL: %w", err)
	}
	b.add(o, keyPostgres, "kycgate KYC Match, PostgreSQL", pg, note)
	if o.selected[keyProxy] {
		return b, b.startProxy(ctx, o, upstream, bodies)
	}
	b.add(o, keyProxy, "kycgate → camara adapter → kycgate", nil, "")
	return b, nil
}

// add appends a row; targets left out of -targets are skipped.
func (b *bench) add(o setupOptions, key, name string, t *target, skipped string) *row {
	if !o.selected[key] {
		skipped = "not selected (-targets)"
	}
	r := &row{key: key, name: name, target: t, skipped: skipped}
	b.rows = append(b.rows, r)
	return r
}

// startKYCGate starts an in-process gateway whose log goes to a file.
func (b *bench) startKYCGate(ctx context.Context, o setupOptions, storeType string, storeOptions json.RawMessage, ops []config.Operator, subs []kycmatch.Subscriber) (*instance, error) {
	logFile, err := os.CreateTemp(o.dir, storeType+"-*.log")
	if err != nil {
		return nil, err
	}
	b.stops = append(b.stops, func() { _ = logFile.Close() })
	in, err := startInstance(ctx, instanceOptions{
		storeType: storeType, storeOptions: storeOptions, operators: ops, subscribers: subs, log: logFile,
	})
	b.stops = append(b.stops, in.stop)
	return in, err
}

// newTarget mints a token of the instance's issuer and aims at its KYC
// Match route.
func (b *bench) newTarget(in *instance, bodies [][]byte, conns int) (*target, error) {
	tok, err := in.token()
	if err != nil {
		return nil, err
	}
	t := newTarget(in.url+matchPath, tok, bodies, conns)
	b.stops = append(b.stops, t.close)
	return t, nil
}

// startBare serves the bare handler, called with the same requests as the
// gateways.
func (b *bench) startBare(answer []byte, token string, bodies [][]byte, conns int) (*target, error) {
	url, stop, err := serveLoopback(bareHandler(answer))
	if err != nil {
		return nil, err
	}
	b.stops = append(b.stops, stop)
	t := newTarget(url+matchPath, token, bodies, conns)
	b.stops = append(b.stops, t.close)
	return t, nil
}

// bareHandler reads the request body and answers the fixed JSON answer:
// the cost of HTTP on loopback alone, the machine's limit.
func bareHandler(answer []byte) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Cache-Control", "no-store")
		_, _ = w.Write(answer)
	})
}

// startPostgres starts a gateway on PostgreSQL when the DSN variable is
// set; otherwise it returns the note of the skipped row.
func (b *bench) startPostgres(ctx context.Context, o setupOptions, subs []kycmatch.Subscriber, bodies [][]byte) (*target, string, error) {
	if !o.selected[keyPostgres] {
		return nil, "", nil
	}
	if os.Getenv(o.postgresEnv) == "" {
		return nil, o.postgresEnv + " is not set", nil
	}
	opts, err := json.Marshal(map[string]string{"dsn_env": o.postgresEnv})
	if err != nil {
		return nil, "", err
	}
	in, err := b.startKYCGate(ctx, o, "postgres", opts, localOperator(), subs)
	if err != nil {
		return nil, "", err
	}
	t, err := b.newTarget(in, bodies, o.conns)
	if err != nil {
		return nil, "", err
	}
	if _, err := t.answer(ctx); err != nil {
		return nil, "", err
	}
	return t, "", nil
}

// startProxy starts an aggregator gateway whose only operator is the
// camara adapter aimed at upstream, and adds the proxy row and the row of
// the upstream called directly at the proxy's rate.
func (b *bench) startProxy(ctx context.Context, o setupOptions, upstream *instance, bodies [][]byte) error {
	op, err := camaraOperator(upstream)
	if err != nil {
		return err
	}
	agg, err := b.startKYCGate(ctx, o, "sqlite", sqliteOptions(o.dir, "aggregator.db"), []config.Operator{op}, nil)
	if err != nil {
		return fmt.Errorf("aggregator: %w", err)
	}
	proxied, err := b.newTarget(agg, bodies, o.conns)
	if err != nil {
		return err
	}
	if _, err := proxied.answer(ctx); err != nil {
		return fmt.Errorf("aggregator: %w", err)
	}
	direct, err := b.newTarget(upstream, bodies, o.conns)
	if err != nil {
		return err
	}
	proxy := b.add(o, keyProxy, "kycgate → camara adapter → kycgate", proxied, "")
	up := &row{key: keyUpstream, name: "its upstream called directly, same rate", target: direct, rateFrom: proxy}
	b.rows = append(b.rows, up)
	return nil
}

// localOperator is the reference operator serving the synthetic numbers.
func localOperator() []config.Operator {
	return []config.Operator{{Name: "reference", Type: "local", Prefixes: []string{"+34"}, Options: json.RawMessage(`{}`)}}
}

// camaraOperator is an operator of type camara calling upstream with the
// bench client's credentials at upstream's issuer.
func camaraOperator(upstream *instance) (config.Operator, error) {
	opts, err := json.Marshal(map[string]any{
		"baseUrl":      upstream.url,
		"tokenUrl":     upstream.issuer.TokenURL(),
		"clientId":     benchClientID,
		"clientSecret": upstream.clientSecret,
		"scopes":       []string{matchScope},
	})
	if err != nil {
		return config.Operator{}, err
	}
	return config.Operator{Name: "upstream", Type: "camara", Prefixes: []string{"+34"}, Options: opts}, nil
}

// sqliteOptions are the options of a SQLite store file in dir.
func sqliteOptions(dir, name string) json.RawMessage {
	raw, _ := json.Marshal(map[string]string{"path": filepath.Join(dir, name)})
	return raw
}
