package config

import (
	"errors"
	"fmt"
	"os"
	"slices"
)

// Requirements are what a command needs of the configuration beyond its
// own consistency, checked together with every other problem so that all
// are reported at once. The zero value asks for nothing more.
type Requirements struct {
	// Issuer asks for auth.issuer. Only `serve --demo` may leave it out,
	// as the development issuer then provides it; commands that verify no
	// token do not need it.
	Issuer bool
	// StoreTypes and OperatorTypes, when set, are the store and adapter
	// types compiled into the binary: a configuration naming another is
	// refused with every other problem, before anything is started.
	StoreTypes, OperatorTypes []string
}

// LoadFor is Load that also checks req.
func LoadFor(path string, req Requirements) (Config, error) {
	raw, err := os.ReadFile(path)
	if err != nil {
		return Config{}, fmt.Errorf("config: %w", err)
	}
	return parse(raw, os.LookupEnv, req)
}

// ValidateFor is Validate that also checks req; every problem is returned
// at once.
func (c Config) ValidateFor(req Requirements) error {
	var errs []error
	if err := c.Validate(); err != nil {
		errs = append(errs, err)
	}
	if req.Issuer && c.Auth.Issuer == "" {
		errs = append(errs, errors.New("auth.issuer: required (only serve --demo runs without one)"))
	}
	if req.StoreTypes != nil && c.Store.Type != "" && !slices.Contains(req.StoreTypes, c.Store.Type) {
		errs = append(errs, fmt.Errorf("store.type: %q is not one of %v", c.Store.Type, req.StoreTypes))
	}
	for i, op := range c.Operators {
		if req.OperatorTypes != nil && op.Type != "" && !slices.Contains(req.OperatorTypes, op.Type) {
			errs = append(errs, fmt.Errorf("operators[%d].type: %q is not one of %v", i, op.Type, req.OperatorTypes))
		}
	}
	return errors.Join(errs...)
}
