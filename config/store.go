package config

import (
	"bytes"
	"encoding/json"
)

// Store chooses and configures the storage backend.
type Store struct {
	// Type is the registered backend name: "sqlite" or "postgres".
	Type string `json:"type"`
	// Options are the backend's own settings, passed to it unparsed.
	Options json.RawMessage `json:"options,omitempty"`
}

// DefaultStore returns the store used when the file names none: SQLite in
// data/kycgate.db.
func DefaultStore() Store {
	return Store{Type: "sqlite", Options: json.RawMessage(`{"path":"data/kycgate.db"}`)}
}

// storeWire is the store section as written, telling a key left out from
// one given.
type storeWire struct {
	Type    *string         `json:"type"`
	Options json.RawMessage `json:"options"`
}

// UnmarshalJSON decodes the store section over the current value (the
// default). Options given replace the current ones. A type other than the
// current one, given without options, drops the current options: they
// belong to the other backend, which then starts from its own defaults.
// Unknown keys are errors.
func (s *Store) UnmarshalJSON(b []byte) error {
	var w storeWire
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&w); err != nil {
		return err
	}
	if w.Type != nil {
		if *w.Type != s.Type && w.Options == nil {
			s.Options = nil
		}
		s.Type = *w.Type
	}
	if w.Options != nil {
		s.Options = w.Options
	}
	return nil
}
