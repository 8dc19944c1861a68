package main

import (
	"context"
	"encoding/base64"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/kycgate/kycgate/config"
	"github.com/kycgate/kycgate/gateway"
	"github.com/kycgate/kycgate/nfc/chipfile"
	"github.com/kycgate/kycgate/nfc/loststolen"
	"github.com/kycgate/kycgate/nfc/partner"
	"github.com/kycgate/kycgate/nfc/readerclient"
	"github.com/kycgate/kycgate/nfc/result"
	"github.com/kycgate/kycgate/nfc/seal"
	"github.com/kycgate/kycgate/nfc/service"
	"github.com/kycgate/kycgate/nfc/setup"
	"github.com/kycgate/kycgate/store"
)

// Files of the NFC demo in the demo data folder.
const (
	demoNFCDir        = "nfc"
	demoNFCChip       = "chip.json"
	demoNFCCSCA       = "csca.der"
	demoNFCCRL        = "csca.crl"
	demoNFCAPIKeyFile = "demo-nfc-api-key"
	demoNFCPartner    = "demo-partner"
)

// nfcUsage lists the nfc sub-commands.
const nfcUsage = `usage:
  kycgate nfc specimen [-photo FILE] [-out DIR] [-revoked]
                                                   write a demo chip signed by a demo CSCA
  kycgate nfc reader -code CODE [-gateway URL] [-chip FILE] [-selfie FILE]... [-wait DURATION]
                                                   play the reader app: redeem, seal, upload, poll
  kycgate nfc partner-key                          print a new partner api_key and its api_key_sha256
  kycgate nfc upload-key                           print a new nfc.upload_key
  kycgate nfc lost-stolen-key                      print a new nfc.lost_stolen.key
  kycgate nfc lost-stolen-import -in CSV -out FILE hash a CSV of issuing_state,document_number into
                                                   a lost-and-stolen list (key: $KYCGATE_NFC_LOST_STOLEN_KEY)`

// runNFC dispatches the nfc sub-commands.
func runNFC(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		return errors.New(nfcUsage)
	}
	switch args[0] {
	case "specimen":
		return nfcSpecimen(args[1:], stdout, stderr)
	case "reader":
		return nfcReader(ctx, args[1:], stdout, stderr)
	case "partner-key":
		if err := noArgs("nfc partner-key", args[1:]); err != nil {
			return err
		}
		key, hash := partner.NewKey()
		_, err := fmt.Fprintf(stdout, "api_key:        %s\napi_key_sha256: %s\n", key, hash)
		return err
	case "upload-key":
		if err := noArgs("nfc upload-key", args[1:]); err != nil {
			return err
		}
		key, err := seal.GenerateKey()
		if err != nil {
			return err
		}
		raw, err := key.Bytes()
		if err != nil {
			return err
		}
		_, err = fmt.Fprintln(stdout, base64.StdEncoding.EncodeToString(raw))
		return err
	case "lost-stolen-key":
		if err := noArgs("nfc lost-stolen-key", args[1:]); err != nil {
			return err
		}
		_, err := fmt.Fprintln(stdout, base64.StdEncoding.EncodeToString(randomBytes(loststolen.MinKeyBytes)))
		return err
	case "lost-stolen-import":
		return nfcLostStolenImport(args[1:], stdout, stderr)
	default:
		return errors.New(nfcUsage)
	}
}

// nfcSpecimen writes a demo chip, its CSCA and the CSCA's CRL.
func nfcSpecimen(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("nfc specimen", flag.ContinueOnError)
	fs.SetOutput(stderr)
	photo := fs.String("photo", "", "the holder's photo (JPEG or PNG) for DG2; without it DG2 holds a generated picture without a face")
	out := fs.String("out", filepath.Join(demoDataDir, demoNFCDir), "folder for chip.json, csca.der and csca.crl")
	revoked := fs.Bool("revoked", false, "write a CRL that revokes the chip's own document signer, to demonstrate DS_REVOKED")
	if err := parseFlagsOnly(fs, args); err != nil {
		return err
	}
	var face []byte
	if *photo != "" {
		var err error
		if face, err = os.ReadFile(*photo); err != nil {
			return err
		}
		if len(face) == 0 {
			return fmt.Errorf("nfc specimen: -photo %s is empty", *photo)
		}
	}
	f, err := chipfile.Build(chipfile.Options{Photo: face, RevokeDocumentSigner: *revoked})
	if err != nil {
		return err
	}
	chip, err := f.Marshal()
	if err != nil {
		return err
	}
	if err := os.MkdirAll(*out, 0o700); err != nil {
		return err
	}
	for name, data := range map[string][]byte{demoNFCChip: chip, demoNFCCSCA: f.CSCA, demoNFCCRL: f.CRL} {
		if err := os.WriteFile(filepath.Join(*out, name), data, 0o600); err != nil {
			return err
		}
	}
	_, err = fmt.Fprintf(stdout, "specimen chip written to %s (document %s, holder %s); trust %s and %s\n",
		filepath.Join(*out, demoNFCChip), f.Consent.DocumentNumber, "ANNA MARIA ERIKSSON",
		filepath.Join(*out, demoNFCCSCA), filepath.Join(*out, demoNFCCRL))
	return err
}

// stringList collects a repeated flag.
type stringList []string

func (s *stringList) String() string     { return strings.Join(*s, ",") }
func (s *stringList) Set(v string) error { *s = append(*s, v); return nil }

// nfcReader plays the reader app with a chip file.
func nfcReader(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("nfc reader", flag.ContinueOnError)
	fs.SetOutput(stderr)
	gatewayURL := fs.String("gateway", "http://127.0.0.1:8080", "the gateway's base URL")
	chipPath := fs.String("chip", filepath.Join(demoDataDir, demoNFCDir, demoNFCChip), "the chip file written by nfc specimen")
	code := fs.String("code", "", "the init code shown to the user")
	wait := fs.Duration("wait", 5*time.Minute, "how long to poll for the partner's confirmation")
	var selfies stringList
	fs.Var(&selfies, "selfie", "a selfie image; repeat for num_images_liveness images (the first is reused when fewer are given)")
	if err := parseFlagsOnly(fs, args); err != nil {
		return err
	}
	if *code == "" {
		return errors.New("nfc reader: -code is required")
	}
	raw, err := os.ReadFile(*chipPath)
	if err != nil {
		return err
	}
	chip, err := chipfile.Parse(raw)
	if err != nil {
		return err
	}
	client := &readerclient.Client{BaseURL: *gatewayURL}
	r, err := client.Redeem(ctx, *code)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "redeemed: session %s, %d selfie(s), upload key %s\n", r.SessionID, r.Steps.NumImagesLiveness, r.UploadKey.KeyID)
	images, err := readSelfies(selfies, r.Steps.NumImagesLiveness)
	if err != nil {
		return err
	}
	up, err := readerclient.NewUpload(chip, r, images)
	if err != nil {
		return err
	}
	sealed, err := readerclient.Seal(r, up)
	if err != nil {
		return err
	}
	st, err := client.UploadSealed(ctx, r.UploadToken, sealed)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "uploaded %d sealed bytes: %s\n", len(sealed), st.Message)
	pollCtx, cancel := context.WithTimeout(ctx, *wait)
	defer cancel()
	st, err = client.Poll(pollCtx, r.UploadToken, time.Second)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "%s: %s", st.State, st.Message)
	if st.RedirectURL != "" {
		fmt.Fprintf(stdout, " (redirect to %s)", st.RedirectURL)
	}
	_, err = fmt.Fprintln(stdout)
	return err
}

// readSelfies loads n selfie images from paths, repeating the first.
func readSelfies(paths []string, n int) ([][]byte, error) {
	if n == 0 {
		return nil, nil
	}
	if len(paths) == 0 {
		return nil, errors.New("nfc reader: give at least one -selfie image")
	}
	out := make([][]byte, 0, n)
	for i := range n {
		data, err := os.ReadFile(paths[min(i, len(paths)-1)])
		if err != nil {
			return nil, err
		}
		out = append(out, data)
	}
	return out, nil
}

// setUpNFC builds the NFC module when nfc.enabled is set (always in the
// demo, with a demo partner whose webhooks go to the demo receiver) and
// starts its sweeper. It uses the webhook worker, the face engine and the
// metrics of shared; verdicts are counted in the metrics. The returned
// stop ends the sweeper and releases the face engine. link, when set,
// builds the hook told the results of sessions linked to a verification,
// from the partners (the demo's included).
func setUpNFC(ctx context.Context, cfg config.Config, st store.Store, shared *verificationsSetup, addr net.Addr, demo bool, logger *slog.Logger, link func([]config.NFCPartner) service.VerdictHook) ([]gateway.Module, func(), error) {
	if demo {
		if err := prepareDemoNFC(&cfg, addr, logger); err != nil {
			return nil, nil, err
		}
	}
	if !cfg.NFC.Enabled {
		return nil, func() {}, nil
	}
	engine, err := shared.faces.acquire()
	if err != nil {
		return nil, nil, fmt.Errorf("nfc: biometric: %w", err)
	}
	deps := setup.Deps{Store: st, Outbox: shared.webhooks, Engine: engine, Logger: logger}
	if shared.metrics != nil {
		deps.Observer = shared.metrics
	}
	n, err := setup.New(cfg.NFC, deps)
	if err != nil {
		shared.faces.release()
		return nil, nil, err
	}
	if link != nil {
		n.Service.SetVerdictHook(link(cfg.NFC.Partners))
	}
	shared.metrics.DeclareNFCVerdicts(verdictNames())
	if n.EphemeralKey {
		logger.Warn("nfc.upload_key not set: a random upload key is used until the next restart")
	}
	logger.Info("nfc sessions enabled", slog.Int("trusted_cscas", n.TrustedCSCAs),
		slog.Int("lost_stolen_entries", n.LostStolenEntries),
		slog.Int("partners", len(cfg.NFC.Partners)), slog.String("upload_key_id", n.Service.Key().ID()))
	runCtx, cancel := context.WithCancel(context.WithoutCancel(ctx))
	context.AfterFunc(ctx, cancel)
	var wg sync.WaitGroup
	wg.Go(func() { _ = n.Service.Run(runCtx, n.SweepInterval) })
	stop := func() {
		cancel()
		wg.Wait()
		shared.faces.release()
	}
	return []gateway.Module{n.Module}, stop, nil
}

// prepareDemoNFC enables NFC for the demo: a demo partner whose api_key is
// kept in the demo data folder and whose webhooks go to the demo receiver,
// and, when `kycgate nfc specimen` was run, the specimen's demo CSCA.
func prepareDemoNFC(cfg *config.Config, addr net.Addr, logger *slog.Logger) error {
	cfg.NFC.Enabled = true
	cfg.NFC.AllowInsecureURLs = true
	key, err := demoFileSecret(demoNFCAPIKeyFile, func() string { k, _ := partner.NewKey(); return k })
	if err != nil {
		return err
	}
	secret, err := demoFileSecret(demoWebhookSecret, func() string {
		return "whsec_" + strings.ToLower(base64.RawURLEncoding.EncodeToString(randomBytes(24)))
	})
	if err != nil {
		return err
	}
	cfg.NFC.Partners = append(cfg.NFC.Partners, config.NFCPartner{
		ID: demoNFCPartner, APIKeySHA256: partner.HashKey(key), WebhookSecret: secret,
		Webhook:    "http://" + addr.String() + demoWebhooksPath + "/",
		SendImages: true, SendVectors: false, MerchantID: demoClientID,
	})
	dir := filepath.Join(demoDataDir, demoNFCDir)
	if _, err := os.Stat(filepath.Join(dir, demoNFCCSCA)); err == nil {
		cfg.NFC.Trust.Certificates = append(cfg.NFC.Trust.Certificates, filepath.Join(dir, demoNFCCSCA))
		cfg.NFC.Trust.CRLs = append(cfg.NFC.Trust.CRLs, filepath.Join(dir, demoNFCCRL))
	}
	logger.Info("demo nfc partner ready", slog.String("partner", demoNFCPartner),
		slog.String("api_key_file", filepath.Join(demoDataDir, demoNFCAPIKeyFile)),
		slog.String("specimen_dir", dir))
	return nil
}

// verdictNames lists every NFC result name: the chip verdicts and the
// session outcomes.
func verdictNames() []string {
	outcomes := result.Outcomes()
	names := make([]string, 0, len(outcomes))
	for _, o := range outcomes {
		names = append(names, o.Name)
	}
	return names
}
