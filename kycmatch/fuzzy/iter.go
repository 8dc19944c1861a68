package fuzzy

import (
	"sync"

	"golang.org/x/text/unicode/norm"
)

// iters recycles normalisation iterators. norm.Form's Append functions
// allocate a reorder buffer of about a kilobyte on every call; an Iter
// holds its own, so reusing one makes normalising a name allocation-free.
var iters = sync.Pool{New: func() any { return new(norm.Iter) }}

// appendNormalized appends s in form f to dst, as f.AppendString would.
func appendNormalized(dst []byte, f norm.Form, s string) []byte {
	it := iters.Get().(*norm.Iter)
	it.InitString(f, s)
	dst = drain(dst, it)
	iters.Put(it)
	return dst
}

// appendNormalizedBytes appends b in form f to dst, as f.Append would.
func appendNormalizedBytes(dst []byte, f norm.Form, b []byte) []byte {
	it := iters.Get().(*norm.Iter)
	it.Init(f, b)
	dst = drain(dst, it)
	iters.Put(it)
	return dst
}

// drain appends every remaining segment of it to dst and leaves it holding
// no reference to its input.
func drain(dst []byte, it *norm.Iter) []byte {
	for !it.Done() {
		dst = append(dst, it.Next()...)
	}
	it.InitString(norm.NFC, "")
	return dst
}
