package config

import (
	"fmt"
	"regexp"
	"strings"

	yamlv3 "go.yaml.in/yaml/v3"
)

var envRef = regexp.MustCompile(`\$\{([A-Za-z_][A-Za-z0-9_]*)\}`)

// expandEnv replaces every ${NAME} inside the file's values with the
// variable's value and reports all variables that are not set. The file is
// parsed first and the values are replaced in its parsed scalars, which
// then stay strings: a variable's value is only ever text, whatever it
// holds (a '#', a newline, "key: value", "yes", "*anchor"), so it can
// neither add nor drop keys nor change a value's type, and a ${NAME} in a
// comment or a key is not a reference. The result is the file written
// again, for the strict decoder.
func expandEnv(raw []byte, lookup func(string) (string, bool)) ([]byte, error) {
	if !envRef.Match(raw) {
		return raw, nil
	}
	var doc yamlv3.Node
	if err := yamlv3.Unmarshal(raw, &doc); err != nil {
		return nil, fmt.Errorf("config: %w", err)
	}
	var missing []string
	expandValues(&doc, lookup, &missing)
	if len(missing) > 0 {
		return nil, fmt.Errorf("config: environment variables not set: %s", strings.Join(missing, ", "))
	}
	out, err := yamlv3.Marshal(&doc)
	if err != nil {
		return nil, fmt.Errorf("config: %w", err)
	}
	return out, nil
}

// expandValues replaces the references in every value scalar below n.
// Aliases are not followed: the node they name is expanded where it is
// defined, once.
func expandValues(n *yamlv3.Node, lookup func(string) (string, bool), missing *[]string) {
	switch n.Kind {
	case yamlv3.ScalarNode:
		if !envRef.MatchString(n.Value) {
			return
		}
		n.Value = envRef.ReplaceAllStringFunc(n.Value, func(m string) string {
			name := envRef.FindStringSubmatch(m)[1]
			v, ok := lookup(name)
			if !ok {
				*missing = append(*missing, name)
				return m
			}
			return v
		})
		n.Tag, n.Style = "!!str", yamlv3.DoubleQuotedStyle
	case yamlv3.MappingNode:
		for i := 1; i < len(n.Content); i += 2 {
			expandValues(n.Content[i], lookup, missing)
		}
	case yamlv3.DocumentNode, yamlv3.SequenceNode:
		for _, c := range n.Content {
			expandValues(c, lookup, missing)
		}
	}
}
