// Command kycgate is the kycgate gateway.
//
// Usage:
//
//	kycgate serve [-config FILE] [-demo]
//	kycgate subscribers import [-config FILE] FILE.json
//	kycgate profiles import-list [-config FILE] -list NAME FILE
//	kycgate profiles lists [-config FILE]
//	kycgate nfc specimen|reader|partner-key|upload-key|lost-stolen-key|lost-stolen-import ...
//	kycgate version
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"syscall"

	// Adapter and store types compiled into the binary.
	_ "github.com/kycgate/kycgate/operators/camara"
	_ "github.com/kycgate/kycgate/operators/local"
	_ "github.com/kycgate/kycgate/store/postgres"
	_ "github.com/kycgate/kycgate/store/sqlite"
)

// version is set at build time with -ldflags "-X main.version=...".
var version = "dev"

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	// After the first signal the default handling is restored, so that a
	// second one ends a shutdown that takes too long.
	go func() { <-ctx.Done(); stop() }()
	err := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	switch {
	case errors.Is(err, flag.ErrHelp):
		// -h printed the usage: asking for help is no failure.
	case err != nil:
		fmt.Fprintln(os.Stderr, "kycgate:", err)
		os.Exit(1)
	}
}

// run dispatches the sub-command.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		return usageError()
	}
	switch args[0] {
	case "help", "-h", "-help", "--help":
		_, err := fmt.Fprintln(stdout, usageError().Error())
		return err
	case "serve":
		return serve(ctx, args[1:], stderr)
	case "subscribers":
		if len(args) < 2 || args[1] != "import" {
			return usageError()
		}
		return importSubscribers(ctx, args[2:], stdout, stderr)
	case "profiles":
		return profilesCommand(ctx, args[1:], stdout, stderr)
	case "nfc":
		return runNFC(ctx, args[1:], stdout, stderr)
	case "version":
		if err := noArgs("version", args[1:]); err != nil {
			return err
		}
		_, err := fmt.Fprintln(stdout, "kycgate", version)
		return err
	default:
		return usageError()
	}
}

func usageError() error {
	return fmt.Errorf("usage: kycgate serve [-config FILE] [-demo] | kycgate subscribers import [-config FILE] FILE.json | kycgate profiles import-list|lists ... | kycgate nfc specimen|reader|partner-key|upload-key|lost-stolen-key|lost-stolen-import ... | kycgate version")
}

// parseFlagsOnly parses args into fs and refuses any argument left after
// the flags: a command that takes none would otherwise ignore it (a
// configuration file named without -config, say).
func parseFlagsOnly(fs *flag.FlagSet, args []string) error {
	if err := fs.Parse(args); err != nil {
		return err
	}
	if err := noArgs(fs.Name(), fs.Args()); err != nil {
		return fmt.Errorf("%w (every option is a flag; see -h)", err)
	}
	return nil
}

// noArgs refuses the arguments rest left to command, which takes none.
func noArgs(command string, rest []string) error {
	if len(rest) > 0 {
		return fmt.Errorf("%s: unexpected argument %q", command, rest[0])
	}
	return nil
}

// newLogger returns the JSON logger at the configured level.
func newLogger(w io.Writer, level string) *slog.Logger {
	var l slog.Level
	if err := l.UnmarshalText([]byte(level)); err != nil {
		l = slog.LevelInfo
	}
	return slog.New(slog.NewJSONHandler(w, &slog.HandlerOptions{Level: l}))
}
