package sqlite

import (
	"context"
	"fmt"
	"path/filepath"
	"sync/atomic"
	"testing"

	"github.com/kycgate/kycgate/kycmatch"
)

// BenchmarkPools measures the connection layout under a mixed load of one
// write per readsPerWrite reads from many goroutines, for the split layout
// Open uses and for a single shared pool. Run with
//
//	go test -run '^$' -bench Pools -cpu 1,2,8 ./store/sqlite/
func BenchmarkPools(b *testing.B) {
	for _, readsPerWrite := range []int{0, 9, 99} {
		for _, layout := range []struct {
			name   string
			layout poolLayout
		}{{"split", splitPools}, {"shared", sharedPool}} {
			b.Run(fmt.Sprintf("%s/reads-per-write=%d", layout.name, readsPerWrite), func(b *testing.B) {
				benchmarkMixed(b, layout.layout, readsPerWrite)
			})
		}
	}
}

func benchmarkMixed(b *testing.B, layout poolLayout, readsPerWrite int) {
	ctx := context.Background()
	s, err := open(ctx, filepath.Join(b.TempDir(), "bench.db"), layout)
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	const population = 1000
	seed := make([]kycmatch.Subscriber, population)
	for i := range seed {
		seed[i] = benchSubscriber(i)
	}
	if err := s.UpsertSubscribers(ctx, seed); err != nil {
		b.Fatal(err)
	}
	var counter, failures atomic.Int64
	b.SetParallelism(4)
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			n := int(counter.Add(1))
			var err error
			if n%(readsPerWrite+1) == 0 {
				err = s.UpsertSubscribers(ctx, []kycmatch.Subscriber{benchSubscriber(n % population)})
			} else {
				_, err = s.GetSubscriber(ctx, benchSubscriber(n%population).PhoneNumber)
			}
			if err != nil {
				failures.Add(1)
			}
		}
	})
	b.ReportMetric(float64(failures.Load()), "failures")
}

func benchSubscriber(i int) kycmatch.Subscriber {
	return kycmatch.Subscriber{
		PhoneNumber: fmt.Sprintf("+346%08d", i),
		LineType:    kycmatch.LineMobile,
		Attributes: map[string]string{
			"givenName": "Federica", "familyName": "Sanchez Arjona", "birthdate": "1978-08-22",
			"idDocument": fmt.Sprintf("%08dQ", i), "country": "ES",
		},
	}
}
