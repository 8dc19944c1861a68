package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"

	"github.com/kycgate/kycgate/internal/atomicfile"
	"github.com/kycgate/kycgate/nfc/loststolen"
)

// lostStolenKeyEnv names the variable the import command reads its key
// from, so that the key never appears on a command line.
const lostStolenKeyEnv = "KYCGATE_NFC_LOST_STOLEN_KEY"

// nfcLostStolenImport hashes a plain CSV of issuing state and document
// number into a lost-and-stolen list file for nfc.lost_stolen.file.
func nfcLostStolenImport(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("nfc lost-stolen-import", flag.ContinueOnError)
	fs.SetOutput(stderr)
	in := fs.String("in", "", "CSV of issuing_state,document_number (MRZ values), one document per line")
	out := fs.String("out", "", "the list file to write (nfc.lost_stolen.file)")
	if err := parseFlagsOnly(fs, args); err != nil {
		return err
	}
	if *in == "" || *out == "" {
		return errors.New("nfc lost-stolen-import: -in and -out are required")
	}
	key, err := loststolen.ParseKey(os.Getenv(lostStolenKeyEnv))
	if err != nil {
		return fmt.Errorf("nfc lost-stolen-import: %s must hold the nfc.lost_stolen.key (at least %d bytes in base64; kycgate nfc lost-stolen-key makes one)",
			lostStolenKeyEnv, loststolen.MinKeyBytes)
	}
	list, err := loststolen.New(key)
	if err != nil {
		return err
	}
	plain, err := os.Open(*in)
	if err != nil {
		return err
	}
	defer plain.Close()
	n, err := list.Import(plain)
	if err != nil {
		return err
	}
	if n == 0 {
		// Writing it would replace a list in force with an empty one.
		return errors.New("nfc lost-stolen-import: the CSV holds no document; nothing was written")
	}
	if err := atomicfile.Write(*out, list.Marshal(), 0o600); err != nil {
		return fmt.Errorf("nfc lost-stolen-import: write %s: %w", *out, err)
	}
	_, err = fmt.Fprintf(stdout, "%d documents read, %d distinct entries written to %s (key %s)\n",
		n, list.Len(), *out, loststolen.KeyID(key))
	return err
}
