package attempts

import (
	"context"
	"errors"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kycgate/kycgate/store"
	"github.com/kycgate/kycgate/store/sqlite"
)

// t0 is the tests' clock: the start of a fixed window of every length
// used below.
var t0 = time.Date(2025, 1, 1, 12, 0, 0, 0, time.UTC)

// openSQLite opens a fresh SQLite store, closed when the test ends.
func openSQLite(t *testing.T) *sqlite.Store {
	t.Helper()
	s, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "kycgate.db"))
	require.NoError(t, err)
	t.Cleanup(func() { _ = s.Close() })
	return s
}

// fail records one failed attempt of key at now, which must be allowed.
func fail(t *testing.T, l *Limiter, key string, now time.Time) {
	t.Helper()
	_, wait, err := l.Reserve(context.Background(), key, now)
	require.NoError(t, err)
	require.Zero(t, wait, "attempt at %s is allowed", now.Sub(t0))
}

// blocked reports whether an attempt of key at now is refused, and the wait.
func blocked(t *testing.T, l *Limiter, key string, now time.Time) (bool, time.Duration) {
	t.Helper()
	slot, wait, err := l.Reserve(context.Background(), key, now)
	require.NoError(t, err)
	if wait == 0 {
		require.NoError(t, slot.Release(context.Background()), "a probe leaves no trace")
	}
	return wait > 0, wait
}

func TestLimiterBlocksAfterMaxFailuresInWindow(t *testing.T) {
	l, err := New(openSQLite(t), "test", 3, time.Minute)
	require.NoError(t, err)
	for i := range 3 {
		fail(t, l, "addr", t0.Add(time.Duration(i)*time.Second))
	}
	isBlocked, wait := blocked(t, l, "addr", t0.Add(10*time.Second))
	assert.True(t, isBlocked, "the fourth failure within the window is refused")
	assert.InDelta(t, 70*time.Second, wait, float64(time.Millisecond),
		"until, a third into the next window, the three failures weigh two")
	isBlocked, _ = blocked(t, l, "other", t0.Add(10*time.Second))
	assert.False(t, isBlocked, "keys are separate")

	isBlocked, _ = blocked(t, l, "addr", t0.Add(time.Minute+10*time.Second))
	assert.True(t, isBlocked, "the failures still weigh 5/6 of 3 at 10s into the next window")
	isBlocked, _ = blocked(t, l, "addr", t0.Add(time.Minute+25*time.Second))
	assert.False(t, isBlocked, "at 25s in, 3 × 35/60 + 1 fits the limit")
	isBlocked, _ = blocked(t, l, "addr", t0.Add(2*time.Minute))
	assert.False(t, isBlocked, "two windows later nothing is left")
}

func TestLimiterWaitIsWhenTheNextAttemptFits(t *testing.T) {
	l, err := New(openSQLite(t), "test", 3, time.Minute)
	require.NoError(t, err)
	for range 3 {
		fail(t, l, "addr", t0.Add(50*time.Second))
	}
	now := t0.Add(time.Minute + 5*time.Second)
	isBlocked, wait := blocked(t, l, "addr", now)
	require.True(t, isBlocked)
	isBlocked, _ = blocked(t, l, "addr", now.Add(wait-time.Second))
	assert.True(t, isBlocked, "a second before the wait ends the attempt is still refused")
	isBlocked, _ = blocked(t, l, "addr", now.Add(wait))
	assert.False(t, isBlocked, "when the wait ends the attempt is allowed")
}

func TestLimiterRefusedAttemptsDoNotCount(t *testing.T) {
	l, err := New(openSQLite(t), "test", 2, time.Minute)
	require.NoError(t, err)
	fail(t, l, "k", t0)
	fail(t, l, "k", t0)
	for range 20 {
		isBlocked, _ := blocked(t, l, "k", t0.Add(time.Second))
		require.True(t, isBlocked)
	}
	isBlocked, _ := blocked(t, l, "k", t0.Add(2*time.Minute))
	assert.False(t, isBlocked, "refused attempts did not extend the block")
}

func TestNewRefusesBadLimits(t *testing.T) {
	s := openSQLite(t)
	for _, tc := range []struct {
		name     string
		counters store.Counters
		key      string
		max      int
		window   time.Duration
	}{
		{"no store", nil, "n", 1, time.Minute},
		{"no name", s, "", 1, time.Minute},
		{"zero limit", s, "n", 0, time.Minute},
		{"zero window", s, "n", 1, 0},
	} {
		_, err := New(tc.counters, tc.key, tc.max, tc.window)
		assert.Error(t, err, tc.name)
	}
}

// errWrongCode stands for a failed attempt, errDown for an error that is
// no failure of the client's.
var errWrongCode, errDown = errors.New("wrong code"), errors.New("database down")

// attempt runs one guarded attempt whose outcome is result, and reports
// whether try ran and the error.
func attempt(g *Guard, addr, code string, now time.Time, result error) (ran bool, err error) {
	err = g.Do(context.Background(), addr, code, now, func() error { ran = true; return result },
		func(err error) bool { return errors.Is(err, errWrongCode) })
	return ran, err
}

// isBlocked reports whether err is a *BlockedError with a wait.
func isBlocked(err error) bool {
	b, ok := errors.AsType[*BlockedError](err)
	return ok && b.RetryAfter > 0
}

func TestGuardPerCodeLimitFiresOnItsOwn(t *testing.T) {
	g, err := NewGuard(openSQLite(t), "redeem", 100, 3, time.Minute)
	require.NoError(t, err)
	addrs := []string{"192.0.2.1", "192.0.2.2", "2001:db8:1::1", "198.51.100.7"}
	for _, addr := range addrs[:3] {
		ran, err := attempt(g, addr, "AAAA", t0, errWrongCode)
		require.True(t, ran)
		require.ErrorIs(t, err, errWrongCode)
	}
	ran, err := attempt(g, addrs[3], "AAAA", t0, nil)
	assert.False(t, ran, "the code is blocked even for an address that never failed")
	assert.True(t, isBlocked(err), "got %v", err)
	ran, err = attempt(g, addrs[0], "BBBB", t0, nil)
	assert.True(t, ran, "the addresses that failed are not blocked themselves")
	assert.NoError(t, err)
}

func TestGuardPerAddressLimitFiresOnItsOwn(t *testing.T) {
	g, err := NewGuard(openSQLite(t), "redeem", 3, 100, time.Minute)
	require.NoError(t, err)
	for _, code := range []string{"AAAA", "AAAE", "AAAF"} {
		ran, err := attempt(g, "2001:db8:aa:bb::1", code, t0, errWrongCode)
		require.True(t, ran)
		require.ErrorIs(t, err, errWrongCode)
	}
	tests := []struct {
		addr    string
		blocked bool
	}{
		{"2001:db8:aa:bb::1", true},
		{"2001:db8:aa:bb:ffff:1:2:3", true}, // same /64
		{"2001:db8:aa:bc::1", false},        // next /64
		{"192.0.2.1", false},                // IPv4 addresses are limited one by one
		{"fe80::1%eth0", false},             // another prefix, zone ignored
		{"2001:db8:aa:bb::9%eth1", true},    // zone ignored
		{"[2001:db8:aa:bb::2]:443", true},   // with a port
		{"2001:0db8:00aa:00bb:0::7", true},  // another spelling
		{"::ffff:192.0.2.1", false},         // IPv4-mapped
		{"2001:db8:aa:ba:ffff::1", false},   // a /64 below
		{"2001:db8:aa:bb:0:0:0:0", true},    // the prefix itself
		{"2001:db8:aa:bb::1/64", false},     // no address: its own key
		{"", false},                         // no address: its own key
		{"2001:db8:aa:bb::1", true},         // still
		{"2001:db8:aa:bb:8000::", true},     // the top of the /64
		{"2001:db8:aa:bb:7fff:ffff:ffff:ffff", true},
	}
	for _, tc := range tests {
		ran, err := attempt(g, tc.addr, "CCCC", t0, nil)
		assert.Equal(t, tc.blocked, isBlocked(err), "%q: blocked", tc.addr)
		assert.Equal(t, !tc.blocked, ran, "%q: ran", tc.addr)
	}
}

func TestGuardSuccessesAndOtherErrorsLeaveNoTrace(t *testing.T) {
	g, err := NewGuard(openSQLite(t), "redeem", 2, 2, time.Minute)
	require.NoError(t, err)
	for range 10 {
		ran, err := attempt(g, "192.0.2.1", "AAAA", t0, nil)
		require.True(t, ran)
		require.NoError(t, err)
		ran, err = attempt(g, "192.0.2.1", "AAAA", t0, errDown)
		require.True(t, ran)
		require.ErrorIs(t, err, errDown, "an error that is no failure is returned as it is")
	}
}

func TestAddressKey(t *testing.T) {
	for in, want := range map[string]string{
		"192.0.2.1":                  "192.0.2.1",
		"::ffff:192.0.2.1":           "192.0.2.1",
		"192.0.2.1:8080":             "192.0.2.1",
		"2001:db8:1:2:3:4:5:6":       "2001:db8:1:2::/64",
		"[2001:db8:1:2::9%en0]:1234": "2001:db8:1:2::/64",
		"::1":                        "::/64",
		"not an address":             "not an address",
	} {
		assert.Equal(t, want, AddressKey(in), in)
	}
}

// TestGuardSharedAcrossReplicas runs the guards of two replicas, each with
// its own connection to one database, and many attempts at once: together
// they run exactly as many failing attempts as the limit allows.
func TestGuardSharedAcrossReplicas(t *testing.T) {
	for name, open := range map[string]func(t *testing.T) [2]store.Counters{
		"sqlite":   sqliteReplicas,
		"postgres": postgresReplicas,
	} {
		t.Run(name, func(t *testing.T) {
			const limit = 5
			stores := open(t)
			var guards [2]*Guard
			for i, s := range stores {
				g, err := NewGuard(s, "redeem", 1000, limit, time.Minute)
				require.NoError(t, err)
				guards[i] = g
			}
			var ran, refused atomic.Int64
			var wg sync.WaitGroup
			for i := range 40 {
				wg.Go(func() {
					did, err := attempt(guards[i%2], "192.0.2.1", "ZZZZ", t0.Add(time.Second), errWrongCode)
					if did {
						ran.Add(1)
					}
					if isBlocked(err) {
						refused.Add(1)
					}
				})
			}
			wg.Wait()
			assert.Equal(t, int64(limit), ran.Load(), "attempts that ran on either replica")
			assert.Equal(t, int64(40-limit), refused.Load())
		})
	}
}

// sqliteReplicas opens one SQLite file twice.
func sqliteReplicas(t *testing.T) [2]store.Counters {
	path := filepath.Join(t.TempDir(), "kycgate.db")
	var out [2]store.Counters
	for i := range out {
		s, err := sqlite.Open(context.Background(), path)
		require.NoError(t, err)
		t.Cleanup(func() { _ = s.Close() })
		out[i] = s
	}
	return out
}
