// Command kycgate is the kycgate gateway.
//
// Usage:
//
//	kycgate serve [-config FILE] [-demo]
//	kycgate subscribers import [-config FILE] FILE.json
//	kycgate profiles import-list [-config FILE] -list NAME FILE
//	kycgate profiles lists [-config FILE]
//	kycgate version
package main

import (
	"context"
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
	if err := run(ctx, os.Args[1:], os.Stdout, os.Stderr); err != nil {
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
		_, err := fmt.Fprintln(stdout, "kycgate", version)
		return err
	default:
		return usageError()
	}
}

func usageError() error {
	return fmt.Errorf("usage: kycgate serve [-config FILE] [-demo] | kycgate subscribers import [-config FILE] FILE.json | kycgate profiles import-list|lists ... | kycgate version")
}

// newLogger returns the JSON logger at the configured level.
func newLogger(w io.Writer, level string) *slog.Logger {
	var l slog.Level
	if err := l.UnmarshalText([]byte(level)); err != nil {
		l = slog.LevelInfo
	}
	return slog.New(slog.NewJSONHandler(w, &slog.HandlerOptions{Level: l}))
}
