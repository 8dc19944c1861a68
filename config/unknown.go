package config

import (
	"encoding/json"
	"fmt"
	"reflect"
	"strings"

	yamlv3 "go.yaml.in/yaml/v3"
)

// unknownKeys lists, with their paths ("server.lisen", "operators[0].prefix"),
// every key of the YAML file raw that no field of Config has, so that a
// file with several misspelt keys is told about all of them at once
// rather than the first one the strict decoder meets. It reads the file
// the way the decoder does: by the fields' json names, into slices and
// maps, and not into values that decode themselves (durations, adapter and
// store options).
func unknownKeys(raw []byte) []string {
	var doc yamlv3.Node
	if err := yamlv3.Unmarshal(raw, &doc); err != nil || len(doc.Content) == 0 {
		return nil // the decoder reports what is wrong with the file
	}
	var out []string
	walkKeys(doc.Content[0], reflect.TypeFor[Config](), "", &out)
	return out
}

var unmarshalerType = reflect.TypeFor[json.Unmarshaler]()

// walkKeys adds the unknown keys of n, read as a value of type t at path.
func walkKeys(n *yamlv3.Node, t reflect.Type, path string, out *[]string) {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if n.Kind == yamlv3.AliasNode && n.Alias != nil {
		n = n.Alias
	}
	if reflect.PointerTo(t).Implements(unmarshalerType) || t.Implements(unmarshalerType) {
		return
	}
	switch {
	case t.Kind() == reflect.Struct && n.Kind == yamlv3.MappingNode:
		fields := jsonFields(t)
		for i := 0; i+1 < len(n.Content); i += 2 {
			key := n.Content[i].Value
			ft, ok := fields[key]
			if !ok {
				if key != "<<" {
					*out = append(*out, join(path, key))
				}
				continue
			}
			walkKeys(n.Content[i+1], ft, join(path, key), out)
		}
	case (t.Kind() == reflect.Slice || t.Kind() == reflect.Array) && n.Kind == yamlv3.SequenceNode:
		for i, c := range n.Content {
			walkKeys(c, t.Elem(), fmt.Sprintf("%s[%d]", path, i), out)
		}
	case t.Kind() == reflect.Map && n.Kind == yamlv3.MappingNode:
		for i := 0; i+1 < len(n.Content); i += 2 {
			walkKeys(n.Content[i+1], t.Elem(), join(path, n.Content[i].Value), out)
		}
	}
}

// jsonFields maps the json names of t's fields, embedded structs'
// included, to their types.
func jsonFields(t reflect.Type) map[string]reflect.Type {
	out := map[string]reflect.Type{}
	for i := range t.NumField() {
		f := t.Field(i)
		tag := f.Tag.Get("json")
		name, _, _ := strings.Cut(tag, ",")
		switch {
		case name == "-" || (!f.IsExported() && !f.Anonymous):
			continue
		case f.Anonymous && name == "":
			ft := f.Type
			for ft.Kind() == reflect.Pointer {
				ft = ft.Elem()
			}
			if ft.Kind() == reflect.Struct {
				for k, v := range jsonFields(ft) {
					out[k] = v
				}
				continue
			}
		}
		if name == "" {
			name = f.Name
		}
		out[name] = f.Type
	}
	return out
}

func join(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}
