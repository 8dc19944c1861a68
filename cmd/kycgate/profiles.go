package main

import (
	"context"
	"encoding/hex"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"

	"github.com/kycgate/kycgate/biometric"
	"github.com/kycgate/kycgate/config"
	"github.com/kycgate/kycgate/gateway"
	"github.com/kycgate/kycgate/identity/profiles"
	"github.com/kycgate/kycgate/nfc/service"
	"github.com/kycgate/kycgate/store"
)

// profilesUsage describes the profiles sub-commands.
const profilesUsage = "usage: kycgate profiles import-list [-config FILE] -list NAME FILE | kycgate profiles lists [-config FILE]"

// demoProfilesKeyFile keeps the demo's reference key in its data folder,
// so that opaque references stay stable across restarts.
const demoProfilesKeyFile = "demo-profiles-reference-key"

func init() {
	// The demo client may query profiles and import lists.
	demoScopes = append(demoScopes, profiles.ScopeRead, profiles.ScopeAdmin)
}

// setUpProfiles builds the profiles service when profiles are enabled
// (always in the demo). It returns the gateway modules to serve (none when
// disabled) and the recorder that the verifications and NFC modules feed
// (profiles.Discard when disabled). In the demo it first prepares the
// demo's verification keys, since face templates are opened with the
// template key.
func setUpProfiles(cfg *config.Config, st store.Store, demo bool, logger *slog.Logger) ([]gateway.Module, profiles.Recorder, error) {
	if demo {
		if err := prepareDemoProfiles(cfg); err != nil {
			return nil, nil, err
		}
	}
	if !cfg.Profiles.Enabled {
		return nil, profiles.Discard, nil
	}
	refKey, err := config.ParseKey32(cfg.Profiles.ReferenceKey)
	if err != nil {
		return nil, nil, fmt.Errorf("profiles.reference_key: %w", err)
	}
	templateKey, err := config.ParseKey32(cfg.Verifications.TemplateKey)
	if err != nil {
		return nil, nil, fmt.Errorf("verifications.template_key: %w", err)
	}
	cal, err := faceCalibration(cfg.Biometric)
	if err != nil {
		return nil, nil, err
	}
	svc, err := profiles.New(cfg.Profiles, profiles.Deps{
		Store: st, TemplateKey: templateKey, ReferenceKey: refKey, Calibration: cal, Logger: logger,
	})
	if err != nil {
		return nil, nil, err
	}
	logger.Info("profiles enabled", slog.Int("merchants", len(cfg.Profiles.Merchants)),
		slog.Float64("risk_threshold", cfg.Profiles.Risk.Threshold), slog.String("face_model", cal.ModelID),
		slog.Int("face_index_max_templates", cfg.Profiles.FaceIndex.MaxTemplates))
	return []gateway.Module{svc}, svc, nil
}

// nfcProfileLink returns the builder of the NFC verdict hook that records
// the results of sessions linked to a verification in the person's
// profile: each partner's sessions may be linked to verifications of its
// nfc.partners[].merchant_id.
func nfcProfileLink(recorder profiles.Recorder, logger *slog.Logger) func([]config.NFCPartner) service.VerdictHook {
	return func(partners []config.NFCPartner) service.VerdictHook {
		return profiles.NewNFCLink(recorder, partners, logger).Verdict
	}
}

// prepareDemoProfiles enables profiles for the demo with a reference key
// kept in the demo's data folder, and gives the demo client a vertical and
// a country unless the configuration does.
func prepareDemoProfiles(cfg *config.Config) error {
	if err := prepareDemoVerifications(cfg); err != nil {
		return err
	}
	cfg.Profiles.Enabled = true
	if cfg.Profiles.ReferenceKey == "" {
		key, err := demoFileSecret(demoProfilesKeyFile, func() string { return hex.EncodeToString(randomBytes(32)) })
		if err != nil {
			return err
		}
		cfg.Profiles.ReferenceKey = key
	}
	for _, m := range cfg.Profiles.Merchants {
		if m.ClientID == demoClientID {
			return nil
		}
	}
	cfg.Profiles.Merchants = append(cfg.Profiles.Merchants, config.ProfileMerchant{ClientID: demoClientID, Vertical: "Lending", Country: "US"})
	return nil
}

// faceCalibration returns the calibration of the face model whose
// templates the verifications produce: the configured override, or the
// built-in calibration of the engine's model.
func faceCalibration(b biometric.Config) (biometric.Calibration, error) {
	modelID := b.Embedder.ModelID
	if b.Engine == biometric.EngineVector {
		modelID = b.Vector.ModelID
	}
	if b.Calibration != nil {
		return *b.Calibration, nil
	}
	cal, ok := biometric.BuiltinCalibration(modelID)
	if !ok {
		return biometric.Calibration{}, fmt.Errorf("profiles: no calibration for face model %q: set biometric.calibration", modelID)
	}
	return cal, nil
}

// profilesCommand dispatches the profiles sub-commands.
func profilesCommand(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		return errors.New(profilesUsage)
	}
	switch args[0] {
	case "import-list":
		return importProfileList(ctx, args[1:], stdout, stderr)
	case "lists":
		return showProfileLists(ctx, args[1:], stdout, stderr)
	default:
		return errors.New(profilesUsage)
	}
}

// importProfileList validates a list file whole and, only when every
// entry is valid, replaces the stored list. A refused file writes nothing
// and every problem is listed with its line or entry number.
func importProfileList(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("profiles import-list", flag.ContinueOnError)
	fs.SetOutput(stderr)
	configPath := fs.String("config", "", "YAML configuration file (defaults apply when omitted)")
	list := fs.String("list", "", "the list to replace: vpn, hosting, tor, fraud-ips, fraud-emails or watchlist")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() != 1 || *list == "" {
		return errors.New(profilesUsage)
	}
	cfg, err := loadConfig(*configPath)
	if err != nil {
		return err
	}
	data, err := readCapped(fs.Arg(0), cfg.Profiles.Lists.MaxBytes)
	if err != nil {
		return err
	}
	st, err := store.Open(ctx, cfg.Store.Type, cfg.Store.Options)
	if err != nil {
		return fmt.Errorf("store: %w", err)
	}
	defer st.Close()
	info, err := profiles.ImportList(ctx, st, *list, data, cfg.Profiles.Lists.MaxBytes)
	if err != nil {
		return err
	}
	_, err = fmt.Fprintf(stdout, "imported %d entries into list %s (sha256 %s)\n", info.Entries, info.Name, info.Digest)
	return err
}

// showProfileLists prints the imported lists.
func showProfileLists(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("profiles lists", flag.ContinueOnError)
	fs.SetOutput(stderr)
	configPath := fs.String("config", "", "YAML configuration file (defaults apply when omitted)")
	if err := parseFlagsOnly(fs, args); err != nil {
		return err
	}
	cfg, err := loadConfig(*configPath)
	if err != nil {
		return err
	}
	st, err := store.Open(ctx, cfg.Store.Type, cfg.Store.Options)
	if err != nil {
		return fmt.Errorf("store: %w", err)
	}
	defer st.Close()
	infos, err := st.ProfileListInfos(ctx)
	if err != nil {
		return err
	}
	for _, l := range infos {
		if _, err := fmt.Fprintf(stdout, "%s\t%d entries\timported %s\tsha256 %s\n", l.Name, l.Count,
			l.ImportedAt.Format("2006-01-02T15:04:05Z"), l.Digest); err != nil {
			return err
		}
	}
	return nil
}

// readCapped reads a file of at most maxBytes.
func readCapped(path string, maxBytes int64) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, maxBytes+1))
	if err != nil {
		return nil, err
	}
	if int64(len(data)) > maxBytes {
		return nil, fmt.Errorf("%s is larger than profiles.lists.max_bytes (%d bytes)", path, maxBytes)
	}
	return data, nil
}
