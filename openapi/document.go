package openapi

import (
	"fmt"
	"net/url"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
)

// Document is a loaded, validated OpenAPI document ready to resolve the
// gateway's routes into Operations. It is read-only after NewDocument and safe
// for concurrent use.
type Document struct {
	name    string
	spec    *openapi3.T
	servers []server
	options *openapi3filter.Options
}

// server is one entry of the document's servers with its base path.
type server struct {
	spec     *openapi3.Server
	basePath string
}

// NewDocument loads and validates the embedded document name (see Names).
func NewDocument(name string) (*Document, error) {
	spec, err := Load(name)
	if err != nil {
		return nil, err
	}
	return newDocument(name, spec)
}

// newDocument prepares a loaded and validated spec for route resolution.
func newDocument(name string, spec *openapi3.T) (*Document, error) {
	servers, err := serverBasePaths(spec)
	if err != nil {
		return nil, fmt.Errorf("openapi: %s: %w", name, err)
	}
	return &Document{name: name, spec: spec, servers: servers, options: validationOptions()}, nil
}

// Name returns the document's file name.
func (d *Document) Name() string { return d.name }

// Version returns the API version of the document's info, e.g. "0.4.0".
func (d *Document) Version() string { return d.spec.Info.Version }

// serverBasePaths extracts the path of each server URL, with server variables
// replaced by their defaults. A document without servers serves at "/".
func serverBasePaths(spec *openapi3.T) ([]server, error) {
	if len(spec.Servers) == 0 {
		return []server{{spec: &openapi3.Server{URL: "/"}, basePath: ""}}, nil
	}
	out := make([]server, 0, len(spec.Servers))
	for _, s := range spec.Servers {
		base, err := serverBasePath(s)
		if err != nil {
			return nil, err
		}
		out = append(out, server{spec: s, basePath: base})
	}
	return out, nil
}

// serverBasePath returns the path part of a server URL without a trailing
// slash, e.g. "/kyc-match/v0.4" for "{apiRoot}/kyc-match/v0.4".
func serverBasePath(s *openapi3.Server) (string, error) {
	raw := s.URL
	for name, v := range s.Variables {
		raw = strings.ReplaceAll(raw, "{"+name+"}", v.Default)
	}
	u, err := url.Parse(raw)
	if err != nil {
		return "", fmt.Errorf("server URL %q: %w", s.URL, err)
	}
	return strings.TrimSuffix(u.Path, "/"), nil
}

// Operation resolves the gateway route (method and gin full path, e.g.
// "/kyc-match/v0.4/match" or "/v2/verifications/:verificationId") to the
// document's operation. Call it once per route at registration; it fails when
// the document has no such operation, so that a route without a contract is
// caught at start-up. Gin's ":param" segments match the document's "{param}"
// segments by position; their names may differ.
func (d *Document) Operation(method, fullPath string) (*Operation, error) {
	method = strings.ToUpper(method)
	for _, s := range d.servers {
		rest, ok := cutBasePath(fullPath, s.basePath)
		if !ok {
			continue
		}
		route, renames, err := d.findRoute(s.spec, method, rest)
		if err != nil {
			return nil, fmt.Errorf("openapi: %s: %s %s: %w", d.name, method, fullPath, err)
		}
		return newOperation(route, renames, d.options), nil
	}
	return nil, fmt.Errorf("openapi: %s: %s %s: path is outside every server of the document", d.name, method, fullPath)
}

// cutBasePath removes base from the front of path on a segment boundary.
func cutBasePath(path, base string) (string, bool) {
	rest, ok := strings.CutPrefix(path, base)
	if !ok {
		return "", false
	}
	switch {
	case rest == "":
		return "/", true
	case rest[0] == '/':
		return rest, true
	default:
		return "", false
	}
}

// findRoute finds the path item and operation for a gin path relative to the
// server, and the renames from gin parameter names to document names.
func (d *Document) findRoute(srv *openapi3.Server, method, ginPath string) (*routers.Route, map[string]string, error) {
	segments, err := ginSegments(ginPath)
	if err != nil {
		return nil, nil, err
	}
	for template, item := range d.spec.Paths.Map() {
		renames, ok := matchTemplate(segments, strings.Split(template, "/"))
		if !ok {
			continue
		}
		op := item.GetOperation(method)
		if op == nil {
			return nil, nil, fmt.Errorf("path %s has no %s operation", template, method)
		}
		return &routers.Route{
			Spec:      d.spec,
			Server:    srv,
			Path:      template,
			PathItem:  item,
			Method:    method,
			Operation: withoutSecurity(op),
		}, renames, nil
	}
	return nil, nil, fmt.Errorf("no path of the document matches")
}

// ginSegments splits a gin path into segments, rejecting catch-all
// parameters, which OpenAPI path templates cannot express.
func ginSegments(ginPath string) ([]string, error) {
	segments := strings.Split(ginPath, "/")
	for _, s := range segments {
		if strings.HasPrefix(s, "*") {
			return nil, fmt.Errorf("catch-all segment %q has no OpenAPI equivalent", s)
		}
	}
	return segments, nil
}

// matchTemplate reports whether gin segments and template segments match
// position by position, and returns the gin-to-document names of the
// parameters whose names differ.
func matchTemplate(gin, template []string) (map[string]string, bool) {
	if len(gin) != len(template) {
		return nil, false
	}
	var renames map[string]string
	for i, g := range gin {
		t := template[i]
		ginParam, isGinParam := strings.CutPrefix(g, ":")
		docParam, isDocParam := templateParam(t)
		switch {
		case isGinParam && isDocParam:
			if ginParam != docParam {
				if renames == nil {
					renames = make(map[string]string)
				}
				renames[ginParam] = docParam
			}
		case isGinParam || isDocParam || g != t:
			return nil, false
		}
	}
	return renames, true
}

// templateParam returns the name of a "{name}" template segment.
func templateParam(segment string) (string, bool) {
	if len(segment) > 2 && segment[0] == '{' && segment[len(segment)-1] == '}' {
		return segment[1 : len(segment)-1], true
	}
	return "", false
}

// withoutSecurity returns a copy of op that requires no security, so that
// openapi3filter neither authenticates (the gateway does) nor reads the body
// for an authentication callback.
func withoutSecurity(op *openapi3.Operation) *openapi3.Operation {
	c := *op
	c.Security = &openapi3.SecurityRequirements{}
	return &c
}
