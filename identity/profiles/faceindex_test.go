package profiles

import (
	"context"
	"crypto/rand"
	"encoding/json"
	"fmt"
	"math"
	mrand "math/rand/v2"
	"path/filepath"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kycgate/kycgate/biometric"
	"github.com/kycgate/kycgate/store"
	"github.com/kycgate/kycgate/store/sqlite"
)

// faceFixture is a SQLite store with sealed templates and an index over
// it.
type faceFixture struct {
	t     *testing.T
	store *sqlite.Store
	key   []byte
	index *faceIndex
	rand  *mrand.Rand
}

func newFaceFixture(t *testing.T, maxTemplates int) *faceFixture {
	t.Helper()
	st, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "faces.db"))
	require.NoError(t, err)
	t.Cleanup(func() { st.Close() })
	key := make([]byte, biometric.SealKeySize)
	_, err = rand.Read(key)
	require.NoError(t, err)
	return &faceFixture{t: t, store: st, key: key, index: newFaceIndex(st, key, biometric.FacepluginModelID, maxTemplates),
		rand: mrand.New(mrand.NewPCG(1, 2))}
}

// put stores a record with a template of vector v under profile.
func (f *faceFixture) put(verificationID, profileID, modelID string, v []float32) {
	f.t.Helper()
	blob, err := biometric.SealTemplate(f.key, biometric.Template{ModelID: modelID, Vector: v})
	require.NoError(f.t, err)
	r, err := f.store.GetProfileRecord(context.Background(), verificationID)
	if err != nil {
		require.ErrorIs(f.t, err, store.ErrNotFound)
		r = store.ProfileRecord{VerificationID: verificationID, MerchantID: "m", Document: json.RawMessage(`{}`)}
	}
	r.ProfileID, r.FaceTemplate = profileID, blob
	_, err = f.store.PutProfileRecord(context.Background(), r)
	require.NoError(f.t, err)
}

func (f *faceFixture) unit() []float32 {
	v := make([]float32, 512)
	var sum float64
	for i := range v {
		x := f.rand.NormFloat64()
		v[i] = float32(x)
		sum += x * x
	}
	for i := range v {
		v[i] /= float32(math.Sqrt(sum))
	}
	return v
}

func (f *faceFixture) search(probe []float32) []faceHit {
	f.t.Helper()
	hits, err := f.index.search(context.Background(), probe, 0.9)
	require.NoError(f.t, err)
	return hits
}

func hitIDs(hits []faceHit) []string {
	out := make([]string, len(hits))
	for i, h := range hits {
		out[i] = h.verificationID
	}
	return out
}

func TestFaceIndexIsBuiltLazilyAndFollowsTheStore(t *testing.T) {
	f := newFaceFixture(t, 100)
	faces := make([][]float32, 5)
	for i := range faces {
		faces[i] = f.unit()
		f.put(fmt.Sprintf("v%d", i), fmt.Sprintf("P|%d", i), biometric.FacepluginModelID, faces[i])
	}
	f.put("no-profile", "", biometric.FacepluginModelID, faces[0])
	f.put("other-model", "P|x", "another-model", faces[0])
	assert.Zero(t, f.index.size(), "nothing is decrypted before the first search")

	hits := f.search(faces[2])
	assert.Equal(t, []string{"v2"}, hitIDs(hits))
	assert.InDelta(t, 1.0, hits[0].cosine, 1e-5)
	assert.Equal(t, "P|2", hits[0].profileID)
	assert.Equal(t, 5, f.index.size(), "templates without a profile or of another model are not indexed")

	f.put("v5", "P|5", biometric.FacepluginModelID, faces[2])
	assert.ElementsMatch(t, []string{"v2", "v5"}, hitIDs(f.search(faces[2])), "a template stored since the last search is found")

	f.put("v2", "P|2", biometric.FacepluginModelID, faces[3])
	assert.Equal(t, []string{"v5"}, hitIDs(f.search(faces[2])), "a replaced template is no longer found")
	assert.ElementsMatch(t, []string{"v2", "v3"}, hitIDs(f.search(faces[3])))

	f.put("v3", "P|new", biometric.FacepluginModelID, faces[3])
	for _, h := range f.search(faces[3]) {
		if h.verificationID == "v3" {
			assert.Equal(t, "P|new", h.profileID, "a new profile id of a record is followed")
		}
	}

	f.index.remove("v5")
	assert.Equal(t, 5, f.index.size())
	assert.Equal(t, []string{"v4"}, hitIDs(f.search(faces[4])), "removal keeps the other slots intact")
}

func TestFaceIndexStreamsWhatDoesNotFitInMemory(t *testing.T) {
	f := newFaceFixture(t, 3)
	faces := make([][]float32, 8)
	for i := range faces {
		faces[i] = f.unit()
		f.put(fmt.Sprintf("v%d", i), fmt.Sprintf("P|%d", i), biometric.FacepluginModelID, faces[i])
	}
	for i := range faces {
		assert.Equal(t, []string{fmt.Sprintf("v%d", i)}, hitIDs(f.search(faces[i])), "template %d", i)
	}
	assert.Equal(t, 3, f.index.size(), "memory holds at most max templates")
	assert.LessOrEqual(t, cap(f.index.vecs), 3*512, "and the matrix is never allocated beyond them")

	f.put("v0", "P|0", biometric.FacepluginModelID, faces[7])
	assert.ElementsMatch(t, []string{"v0", "v7"}, hitIDs(f.search(faces[7])), "an update of an indexed template")
	assert.Empty(t, f.search(faces[0]))
	assert.Equal(t, 3, f.index.size())
}

func TestFaceIndexSearchesConcurrently(t *testing.T) {
	f := newFaceFixture(t, 1000)
	probe := f.unit()
	f.put("target", "P|t", biometric.FacepluginModelID, probe)
	var wg sync.WaitGroup
	for w := range 4 {
		wg.Go(func() {
			for i := range 5 {
				if w == 0 {
					f.put(fmt.Sprintf("w%d", i), fmt.Sprintf("P|w%d", i), biometric.FacepluginModelID, f.unit())
					continue
				}
				hits, err := f.index.search(context.Background(), probe, 0.9)
				assert.NoError(t, err)
				assert.Equal(t, []string{"target"}, hitIDs(hits))
			}
		})
	}
	wg.Wait()
}

func TestDotMatchesTheDefinition(t *testing.T) {
	r := mrand.New(mrand.NewPCG(3, 4))
	for _, n := range []int{0, 1, 7, 8, 9, 511, 512} {
		a, b := make([]float32, n), make([]float32, n)
		var want float64
		for i := range a {
			a[i], b[i] = float32(r.NormFloat64()), float32(r.NormFloat64())
			want += float64(a[i]) * float64(b[i])
		}
		assert.InDelta(t, want, float64(dot(a, b)), 1e-3*math.Max(1, math.Abs(want)), "n=%d", n)
	}
	_, ok := unitVector([]float32{0, 0})
	assert.False(t, ok)
	_, ok = unitVector([]float32{float32(math.NaN())})
	assert.False(t, ok)
	u, ok := unitVector([]float32{3, 4})
	require.True(t, ok)
	assert.InDeltaSlice(t, []float32{0.6, 0.8}, u, 1e-6)
}

// BenchmarkFaceSearch measures one 1:N search over 100,000 in-memory
// templates of 512 float32 (synthetic random unit vectors).
func BenchmarkFaceSearch(b *testing.B) {
	const n, dims = 100_000, 512
	ix := newFaceIndex(nil, nil, biometric.FacepluginModelID, n)
	r := mrand.New(mrand.NewPCG(5, 6))
	v := make([]float32, dims)
	for i := range n {
		for j := range v {
			v[j] = float32(r.NormFloat64())
		}
		u, _ := unitVector(v)
		ix.addLocked(faceEntry{seq: int64(i + 1), verificationID: fmt.Sprintf("v%d", i), profileID: "P"}, u, 0, false)
	}
	probe, _ := unitVector(v)
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		ix.mu.RLock()
		hits := ix.scan(probe, 0.35)
		ix.mu.RUnlock()
		if len(hits) != 1 {
			b.Fatalf("want the probe itself, got %d hits", len(hits))
		}
	}
	b.ReportMetric(float64(n)/(float64(b.Elapsed().Nanoseconds())/float64(b.N))*1e3, "templates/µs")
}
