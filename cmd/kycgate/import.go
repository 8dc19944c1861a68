package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"

	"github.com/kycgate/kycgate/operators/local"
	"github.com/kycgate/kycgate/store"
)

// importSubscribers loads a subscriber file into the configured store. The
// file is validated whole first: a bad file writes nothing and every problem
// is listed with its line.
func importSubscribers(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("subscribers import", flag.ContinueOnError)
	fs.SetOutput(stderr)
	configPath := fs.String("config", "", "YAML configuration file (defaults apply when omitted)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return fmt.Errorf("usage: kycgate subscribers import [-config FILE] FILE.json")
	}
	cfg, err := loadConfig(*configPath)
	if err != nil {
		return err
	}
	f, err := os.Open(fs.Arg(0))
	if err != nil {
		return err
	}
	defer f.Close()
	st, err := store.Open(ctx, cfg.Store.Type, cfg.Store.Options)
	if err != nil {
		return fmt.Errorf("store: %w", err)
	}
	defer st.Close()
	n, err := local.Import(ctx, st, f)
	if err != nil {
		return err
	}
	_, err = fmt.Fprintf(stdout, "imported %d subscribers\n", n)
	return err
}
