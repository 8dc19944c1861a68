package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"sync/atomic"
	"time"
)

// target is one endpoint under load: every request is a POST of the next
// body, round robin, with the same bearer token.
type target struct {
	url    string
	token  string
	bodies [][]byte
	client *http.Client
	next   atomic.Uint64
}

// newTarget returns a target with its own keep-alive connection pool, sized
// so that connections are reused rather than re-dialled under load.
func newTarget(url, token string, bodies [][]byte, conns int) *target {
	transport := &http.Transport{
		DialContext:         (&net.Dialer{Timeout: 5 * time.Second, KeepAlive: 30 * time.Second}).DialContext,
		MaxIdleConns:        conns,
		MaxIdleConnsPerHost: conns,
		IdleConnTimeout:     90 * time.Second,
		DisableCompression:  true,
	}
	return &target{url: url, token: token, bodies: bodies, client: &http.Client{Transport: transport, Timeout: 30 * time.Second}}
}

// hit sends one request and expects 200 with a body.
func (t *target) hit(ctx context.Context) error {
	body := t.bodies[t.next.Add(1)%uint64(len(t.bodies))]
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, t.url, bytes.NewReader(body))
	if err != nil {
		return err
	}
	req.Header.Set("Authorization", "Bearer "+t.token)
	req.Header.Set("Content-Type", "application/json")
	res, err := t.client.Do(req)
	if err != nil {
		return err
	}
	n, err := io.Copy(io.Discard, res.Body)
	_ = res.Body.Close()
	if err != nil {
		return err
	}
	if res.StatusCode != http.StatusOK || n == 0 {
		return fmt.Errorf("%s answered %d with %d bytes", t.url, res.StatusCode, n)
	}
	return nil
}

// answer sends the first body once and returns the answer, to check a
// target before measuring it.
func (t *target) answer(ctx context.Context) ([]byte, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, t.url, bytes.NewReader(t.bodies[0]))
	if err != nil {
		return nil, err
	}
	req.Header.Set("Authorization", "Bearer "+t.token)
	req.Header.Set("Content-Type", "application/json")
	res, err := t.client.Do(req)
	if err != nil {
		return nil, err
	}
	defer res.Body.Close()
	raw, err := io.ReadAll(res.Body)
	if err != nil {
		return nil, err
	}
	if res.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("%s answered %d: %s", t.url, res.StatusCode, raw)
	}
	return raw, nil
}

// close releases the target's idle connections.
func (t *target) close() { t.client.CloseIdleConnections() }
