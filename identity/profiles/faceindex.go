package profiles

import (
	"context"
	"fmt"
	"runtime"
	"slices"
	"sync"

	"github.com/kycgate/kycgate/biometric"
	"github.com/kycgate/kycgate/store"
)

// facePage is how many stored templates are read per store query.
const facePage = 512

// minParallelEntries is the index size from which a search is split
// across the CPUs.
const minParallelEntries = 4096

// faceEntry names the record of an indexed template.
type faceEntry struct {
	seq            int64
	verificationID string
	profileID      string
}

// faceHit is a stored template similar to a probe.
type faceHit struct {
	verificationID string
	profileID      string
	cosine         float32
}

// faceIndex is the 1:N face search over the stored templates. The
// templates stay sealed in the store; the index opens them in memory only,
// lazily on the first search, and keeps at most max of them decrypted as
// one contiguous float32 matrix of unit vectors, so that a search is one
// dot product per template, split across the CPUs. Templates that do not
// fit are opened page by page during each search and dropped. Every search
// first reads the templates written since the last one (the store's face
// sequence numbers), so templates recorded by other replicas are found
// too; hits are confirmed against the store by the caller.
type faceIndex struct {
	store   store.Profiles
	key     []byte
	modelID string
	max     int

	mu           sync.RWMutex
	dims         int
	vecs         []float32
	entries      []faceEntry
	pos          map[string]int
	cursor       int64
	overflowFrom int64
	skipped      int
}

func newFaceIndex(st store.Profiles, key []byte, modelID string, maxTemplates int) *faceIndex {
	return &faceIndex{store: st, key: key, modelID: modelID, max: maxTemplates, pos: map[string]int{}}
}

// probeVector opens a sealed template of the index's model and returns its
// unit vector.
func (ix *faceIndex) probeVector(sealed []byte) ([]float32, error) {
	t, err := biometric.OpenTemplate(ix.key, sealed)
	if err != nil {
		return nil, err
	}
	if t.ModelID != ix.modelID {
		return nil, fmt.Errorf("%w: template of another model", biometric.ErrModelMismatch)
	}
	v, ok := unitVector(t.Vector)
	if !ok {
		return nil, biometric.ErrInvalidTemplate
	}
	return v, nil
}

// search returns the stored templates whose cosine with probe (a unit
// vector) is at least threshold, best first, one per verification.
func (ix *faceIndex) search(ctx context.Context, probe []float32, threshold float32) ([]faceHit, error) {
	if err := ix.refresh(ctx); err != nil {
		return nil, err
	}
	ix.mu.RLock()
	hits := ix.scan(probe, threshold)
	overflowFrom := ix.overflowFrom
	ix.mu.RUnlock()
	if overflowFrom > 0 {
		more, err := ix.scanOverflow(ctx, probe, threshold, overflowFrom)
		if err != nil {
			return nil, err
		}
		hits = append(hits, more...)
	}
	slices.SortFunc(hits, func(a, b faceHit) int {
		switch {
		case a.cosine > b.cosine:
			return -1
		case a.cosine < b.cosine:
			return 1
		}
		return compareStrings(a.verificationID, b.verificationID)
	})
	return hits, nil
}

// scan compares probe with every indexed template; the caller holds the
// read lock.
func (ix *faceIndex) scan(probe []float32, threshold float32) []faceHit {
	n := len(ix.entries)
	if n == 0 || len(probe) != ix.dims {
		return nil
	}
	workers := runtime.GOMAXPROCS(0)
	if n < minParallelEntries || workers < 2 {
		return ix.scanRange(probe, threshold, 0, n)
	}
	chunk := (n + workers - 1) / workers
	parts := make([][]faceHit, workers)
	var wg sync.WaitGroup
	for w := range workers {
		lo, hi := w*chunk, min(n, (w+1)*chunk)
		if lo >= hi {
			break
		}
		wg.Go(func() { parts[w] = ix.scanRange(probe, threshold, lo, hi) })
	}
	wg.Wait()
	var hits []faceHit
	for _, p := range parts {
		hits = append(hits, p...)
	}
	return hits
}

// scanRange compares probe with the templates lo..hi-1.
func (ix *faceIndex) scanRange(probe []float32, threshold float32, lo, hi int) []faceHit {
	var hits []faceHit
	d := ix.dims
	for i := lo; i < hi; i++ {
		if c := dot(probe, ix.vecs[i*d:(i+1)*d]); c >= threshold {
			e := ix.entries[i]
			hits = append(hits, faceHit{verificationID: e.verificationID, profileID: e.profileID, cosine: c})
		}
	}
	return hits
}

// scanOverflow opens and compares, page by page, the stored templates that
// did not fit in memory.
func (ix *faceIndex) scanOverflow(ctx context.Context, probe []float32, threshold float32, from int64) ([]faceHit, error) {
	var hits []faceHit
	after := from - 1
	for {
		faces, err := ix.store.ProfileFaces(ctx, after, facePage)
		if err != nil {
			return nil, fmt.Errorf("profiles: read face templates: %w", err)
		}
		for _, f := range faces {
			after = f.Seq
			if ix.indexed(f.VerificationID) {
				continue
			}
			v, err := ix.probeVector(f.Sealed)
			if err != nil || len(v) != len(probe) {
				continue
			}
			if c := dot(probe, v); c >= threshold {
				hits = append(hits, faceHit{verificationID: f.VerificationID, profileID: f.ProfileID, cosine: c})
			}
		}
		if len(faces) < facePage {
			return hits, nil
		}
	}
}

// indexed reports whether a verification's template is in memory.
func (ix *faceIndex) indexed(verificationID string) bool {
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	_, ok := ix.pos[verificationID]
	return ok
}

// refresh reads the templates written since the last look.
func (ix *faceIndex) refresh(ctx context.Context) error {
	ix.mu.Lock()
	defer ix.mu.Unlock()
	for {
		faces, err := ix.store.ProfileFaces(ctx, ix.cursor, facePage)
		if err != nil {
			return fmt.Errorf("profiles: read face templates: %w", err)
		}
		for _, f := range faces {
			ix.cursor = f.Seq
			ix.putLocked(f)
		}
		if len(faces) < facePage {
			return nil
		}
	}
}

// putLocked adds or replaces a stored template; templates of another
// model or dimension, or that do not open, are skipped.
func (ix *faceIndex) putLocked(f store.ProfileFace) {
	slot, known := ix.pos[f.VerificationID]
	if !known && len(ix.entries) >= ix.max {
		if ix.overflowFrom == 0 {
			ix.overflowFrom = f.Seq
		}
		return
	}
	v, err := ix.probeVector(f.Sealed)
	if err != nil || (ix.dims != 0 && len(v) != ix.dims) {
		ix.skipped++
		if known {
			ix.removeLocked(f.VerificationID)
		}
		return
	}
	entry := faceEntry{seq: f.Seq, verificationID: f.VerificationID, profileID: f.ProfileID}
	ix.addLocked(entry, v, slot, known)
}

// addLocked writes v into a known slot or appends it.
func (ix *faceIndex) addLocked(e faceEntry, v []float32, slot int, known bool) {
	if ix.dims == 0 {
		ix.dims = len(v)
	}
	if known {
		ix.entries[slot] = e
		copy(ix.vecs[slot*ix.dims:], v)
		return
	}
	ix.pos[e.verificationID] = len(ix.entries)
	ix.entries = append(ix.entries, e)
	ix.growVectors(len(v))
	ix.vecs = append(ix.vecs, v...)
}

// growVectors makes room for n more floats, doubling the matrix but never
// beyond max templates, so that memory stays within the bound.
func (ix *faceIndex) growVectors(n int) {
	need := len(ix.vecs) + n
	if need <= cap(ix.vecs) {
		return
	}
	size := min(max(2*cap(ix.vecs), need, 64*ix.dims), ix.max*ix.dims)
	grown := make([]float32, len(ix.vecs), max(size, need))
	copy(grown, ix.vecs)
	ix.vecs = grown
}

// remove drops a verification's template from memory.
func (ix *faceIndex) remove(verificationID string) {
	ix.mu.Lock()
	defer ix.mu.Unlock()
	ix.removeLocked(verificationID)
}

// removeLocked moves the last template into the removed one's slot.
func (ix *faceIndex) removeLocked(verificationID string) {
	slot, ok := ix.pos[verificationID]
	if !ok {
		return
	}
	last := len(ix.entries) - 1
	if slot != last {
		moved := ix.entries[last]
		ix.entries[slot] = moved
		ix.pos[moved.verificationID] = slot
		copy(ix.vecs[slot*ix.dims:(slot+1)*ix.dims], ix.vecs[last*ix.dims:])
	}
	ix.entries = ix.entries[:last]
	ix.vecs = ix.vecs[:last*ix.dims]
	delete(ix.pos, verificationID)
}

// size returns the number of templates in memory.
func (ix *faceIndex) size() int {
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	return len(ix.entries)
}

func compareStrings(a, b string) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}
