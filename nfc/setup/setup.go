// Package setup builds the NFC module from the configuration: the CSCA
// trust store from master lists, certificates and CRLs, the list of
// documents reported lost or stolen, the HPKE upload key, the partners,
// the verification pipeline, the session service and the gateway module.
package setup

import (
	"encoding/base64"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"time"

	"github.com/kycgate/kycgate/biometric"
	"github.com/kycgate/kycgate/config"
	"github.com/kycgate/kycgate/nfc/api"
	"github.com/kycgate/kycgate/nfc/icao"
	"github.com/kycgate/kycgate/nfc/icao/cert"
	"github.com/kycgate/kycgate/nfc/icao/trust"
	"github.com/kycgate/kycgate/nfc/partner"
	"github.com/kycgate/kycgate/nfc/pipeline"
	"github.com/kycgate/kycgate/nfc/portrait"
	"github.com/kycgate/kycgate/nfc/seal"
	"github.com/kycgate/kycgate/nfc/service"
)

// Deps are the shared parts the NFC module uses.
type Deps struct {
	// Store keeps the sessions and the webhook outbox.
	Store service.Store
	// Outbox is the webhook worker.
	Outbox service.Outbox
	// Engine is the face engine; nil leaves faces uncompared.
	Engine biometric.Engine
	// Logger receives the module's logs.
	Logger *slog.Logger
	// Now is the clock; time.Now when nil.
	Now func() time.Time
	// Observer counts the session results; nil counts nothing.
	Observer service.Observer
}

// NFC is the built module with the service behind it.
type NFC struct {
	// Service runs the sessions; run its sweeper with Run.
	Service *service.Service
	// Module is the gateway module.
	Module *api.Module
	// SweepInterval is the configured sweep period.
	SweepInterval time.Duration
	// TrustedCSCAs is the number of CSCA certificates loaded.
	TrustedCSCAs int
	// EphemeralKey is true when no upload key was configured.
	EphemeralKey bool
	// LostStolenEntries is the size of the lost-and-stolen list (0 without).
	LostStolenEntries int
}

// New builds the NFC module from cfg.
func New(cfg config.NFC, d Deps) (*NFC, error) {
	if d.Logger == nil {
		d.Logger = slog.New(slog.DiscardHandler)
	}
	ts, err := LoadTrust(cfg.Trust)
	if err != nil {
		return nil, err
	}
	lost, err := LoadLostStolen(cfg.LostStolen)
	if err != nil {
		return nil, err
	}
	key, ephemeral, err := UploadKey(cfg.UploadKey)
	if err != nil {
		return nil, err
	}
	partners, err := partner.New(cfg.Partners)
	if err != nil {
		return nil, fmt.Errorf("nfc: %w", err)
	}
	p := &pipeline.Pipeline{
		Trust: ts, Revocation: revocationPolicy(cfg.Trust.Revocation),
		Engine: d.Engine, Portraits: portrait.Decoder{}, Seen: d.Store.NFCSODSeenElsewhere,
	}
	if lost != nil {
		p.LostOrStolen = lost
	}
	svc, err := service.New(service.Config{
		CodeTTL: cfg.CodeTTL.D(), UploadTimeout: cfg.UploadTimeout.D(), MaxLivenessImages: cfg.MaxLivenessImages,
		AllowInsecureURLs:     cfg.AllowInsecureURLs,
		MaxFailuresPerAddress: cfg.Redeem.MaxFailuresPerAddress, MaxFailuresPerCode: cfg.Redeem.MaxFailuresPerCode,
		FailureWindow: cfg.Redeem.Window.D(),
	}, service.Deps{Store: d.Store, Partners: partners, Key: key, Pipeline: p, Outbox: d.Outbox, Logger: d.Logger, Now: d.Now,
		Observer: d.Observer})
	if err != nil {
		return nil, err
	}
	module, err := api.New(svc, cfg.MaxUploadBytes)
	if err != nil {
		return nil, err
	}
	n := &NFC{Service: svc, Module: module, SweepInterval: cfg.SweepInterval.D(), TrustedCSCAs: ts.Len(), EphemeralKey: ephemeral}
	if lost != nil {
		n.LostStolenEntries = lost.Len()
	}
	return n, nil
}

// revocationPolicy maps the configured policy.
func revocationPolicy(name string) icao.RevocationPolicy {
	if name == config.NFCRevocationRequire {
		return icao.RevocationRequire
	}
	return icao.RevocationAllowUnknown
}

// UploadKey decodes the configured key, or generates one when none is set.
func UploadKey(b64 string) (key *seal.Key, ephemeral bool, err error) {
	if b64 == "" {
		key, err = seal.GenerateKey()
		return key, true, err
	}
	raw, err := base64.StdEncoding.DecodeString(b64)
	if err != nil {
		return nil, false, errors.New("nfc: upload_key is not base64")
	}
	key, err = seal.ParseKey(raw)
	return key, false, err
}

// ErrNoMasterListAnchor means master lists are configured without any CSCA
// certificate to anchor them.
var ErrNoMasterListAnchor = errors.New("nfc trust: master_lists are configured but no certificates are: " +
	"list the CSCA certificate that signs each master list under nfc.trust.certificates (a master list never anchors itself)")

// LoadTrust builds the trust store: the certificate files first, then the
// master lists (each list's signer must chain to one of those certificates,
// the explicitly configured trust anchors; the CSCAs inside a list never
// anchor it), then the CRLs (each verified against its CSCA).
func LoadTrust(cfg config.NFCTrust) (*trust.Store, error) {
	ts := trust.NewStore()
	var roots []*cert.Certificate
	for _, path := range cfg.Certificates {
		data, err := os.ReadFile(path)
		if err != nil {
			return nil, fmt.Errorf("nfc trust: %w", err)
		}
		certs, err := trust.ParseCertificateFile(data)
		if err != nil {
			return nil, fmt.Errorf("nfc trust: certificate file %s: %w", path, err)
		}
		for _, c := range certs {
			ts.Add(c)
		}
		roots = append(roots, certs...)
	}
	if len(cfg.MasterLists) > 0 && len(roots) == 0 {
		return nil, ErrNoMasterListAnchor
	}
	for _, path := range cfg.MasterLists {
		data, err := os.ReadFile(path)
		if err != nil {
			return nil, fmt.Errorf("nfc trust: %w", err)
		}
		if _, err := ts.AddMasterList(data, roots...); err != nil {
			return nil, fmt.Errorf("nfc trust: master list %s: %w", path, err)
		}
	}
	for _, path := range cfg.CRLs {
		data, err := os.ReadFile(path)
		if err != nil {
			return nil, fmt.Errorf("nfc trust: %w", err)
		}
		if err := ts.AddCRL(data); err != nil {
			return nil, fmt.Errorf("nfc trust: crl %s: %w", path, err)
		}
	}
	return ts, nil
}
