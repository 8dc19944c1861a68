// Package openapi holds kycgate's own OpenAPI documents and validates incoming
// requests against them.
//
// The documents are embedded in the binary (Files) and served verbatim by the
// gateway at ServePath + name, e.g. GET /openapi/kyc-match-v0.4.yaml. At
// start-up the gateway builds one Document per served API and resolves one
// Operation per registered route; on the hot path it only calls
// Operation.ValidateRequest, which never scans routes or compiles patterns.
//
// Validation errors are CAMARA INVALID_ARGUMENT errors whose message names the
// offending header, parameter or body property but never repeats its value:
// request values are personal data.
package openapi

import (
	"context"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"slices"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
)

// Files holds the embedded OpenAPI documents, one YAML file per API version.
//
//go:embed *.yaml
var Files embed.FS

// ServePath is the path prefix under which the gateway serves the documents:
// GET ServePath + name returns Raw(name).
const ServePath = "/openapi/"

// ErrUnknownDocument is returned for a document name that is not embedded.
var ErrUnknownDocument = errors.New("openapi: unknown document")

// Names returns the file names of the embedded documents, sorted, e.g.
// "kyc-match-v0.4.yaml".
func Names() []string {
	entries, err := fs.ReadDir(Files, ".")
	if err != nil {
		// The embedded root directory always exists.
		return nil
	}
	names := make([]string, 0, len(entries))
	for _, e := range entries {
		if !e.IsDir() {
			names = append(names, e.Name())
		}
	}
	slices.Sort(names)
	return names
}

// Raw returns the bytes of the embedded document name, exactly as served. An
// unknown name, or one that is not a plain file name, gives an error wrapping
// ErrUnknownDocument (and fs.ErrNotExist).
func Raw(name string) ([]byte, error) {
	if !isPlainFileName(name) {
		return nil, fmt.Errorf("%w %q: %w", ErrUnknownDocument, name, fs.ErrNotExist)
	}
	data, err := Files.ReadFile(name)
	if err != nil {
		return nil, fmt.Errorf("%w %q: %w", ErrUnknownDocument, name, err)
	}
	return data, nil
}

// isPlainFileName accepts a single path element without traversal.
func isPlainFileName(name string) bool {
	return name != "" && name != "." && name != ".." && fs.ValidPath(name) && !strings.Contains(name, "/")
}

// Load parses the embedded document name and validates it as OpenAPI 3.
// Every call returns a fresh document that the caller may modify.
func Load(name string) (*openapi3.T, error) {
	data, err := Raw(name)
	if err != nil {
		return nil, err
	}
	loader := openapi3.NewLoader()
	doc, err := loader.LoadFromData(data)
	if err != nil {
		return nil, fmt.Errorf("openapi: parse %s: %w", name, err)
	}
	if err := doc.Validate(context.Background()); err != nil {
		return nil, fmt.Errorf("openapi: validate %s: %w", name, err)
	}
	return doc, nil
}
