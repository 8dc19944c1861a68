package attempts

import (
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
)

func TestLimiterBlocksAfterMaxFailuresInWindow(t *testing.T) {
	t0 := time.Date(2025, 1, 1, 12, 0, 0, 0, time.UTC)
	l := New(3, time.Minute)
	for i := range 3 {
		blocked, _ := l.Blocked("addr", t0.Add(time.Duration(i)*time.Second))
		assert.False(t, blocked, "failure %d", i)
		l.Fail("addr", t0.Add(time.Duration(i)*time.Second))
	}
	blocked, wait := l.Blocked("addr", t0.Add(10*time.Second))
	assert.True(t, blocked)
	assert.Equal(t, 50*time.Second, wait, "until the oldest counted failure leaves the window")
	blocked, _ = l.Blocked("other", t0.Add(10*time.Second))
	assert.False(t, blocked, "keys are separate")

	blocked, _ = l.Blocked("addr", t0.Add(time.Minute+500*time.Millisecond))
	assert.False(t, blocked, "the first failure left the window")
}

func TestLimiterForgetsOldKeys(t *testing.T) {
	t0 := time.Date(2025, 1, 1, 12, 0, 0, 0, time.UTC)
	l := New(2, time.Minute)
	for i := range 100 {
		l.Fail(fmt.Sprintf("addr-%d", i), t0)
	}
	assert.Equal(t, 100, l.Len())
	l.Fail("late", t0.Add(2*time.Minute))
	assert.Equal(t, 1, l.Len(), "expired keys are swept")
}

func TestLimiterIsSafeForConcurrentUse(t *testing.T) {
	l := New(1000, time.Minute)
	now := time.Now()
	var wg sync.WaitGroup
	for w := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 100 {
				l.Fail(fmt.Sprintf("k%d", (w+i)%5), now)
				l.Blocked("k0", now)
			}
		}()
	}
	wg.Wait()
	blocked, _ := l.Blocked("k0", now)
	assert.False(t, blocked, "160 failures of k0 stay below 1000")
}
