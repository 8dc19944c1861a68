package service

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"regexp"

	"github.com/google/uuid"

	"github.com/kycgate/kycgate/nfc/partner"
	"github.com/kycgate/kycgate/nfc/session"
	"github.com/kycgate/kycgate/store"
)

// InitRequest is a session_init call.
type InitRequest struct {
	APIKey   string
	Ref      string
	Method   string
	SendScan []string
	Options  InitOptions
}

// InitOptions are session_init's options; nil and empty values take the
// partner's settings.
type InitOptions struct {
	ForceMRZConsent   *bool
	NumImagesLiveness *int
	Webhook           string
	RedirectURL       string
	// VerificationID links the session to a verification (see
	// session.Options.VerificationID).
	VerificationID string
}

// maxCodeDraws bounds the retries when a drawn code is held by a live session.
const maxCodeDraws = 8

// Init starts a session and returns its init code.
func (s *Service) Init(ctx context.Context, req InitRequest) (string, error) {
	p, ok := s.partners.Authenticate(req.APIKey)
	if !ok {
		return "", ErrUnknownAPIKey
	}
	if !p.Allows(req.Method) {
		return "", ErrUnknownMethod
	}
	opts, err := s.sessionOptions(p, req)
	if err != nil {
		return "", err
	}
	now := s.now()
	sess := session.Session{
		ID: uuid.NewString(), PartnerID: p.ID, Ref: req.Ref, Method: req.Method, Options: opts,
		State: session.Created, Deadline: now.Add(s.cfg.CodeTTL),
	}
	for range maxCodeDraws {
		if sess.InitCode, err = session.NewCode(); err != nil {
			return "", err
		}
		err = s.store.CreateNFCSession(ctx, sess, now)
		if !errors.Is(err, store.ErrConflict) {
			break
		}
	}
	if err != nil {
		return "", fmt.Errorf("nfc: create session: %w", err)
	}
	s.logger.Info("nfc session created", slog.String("session_id", sess.ID), slog.String("partner", p.ID))
	return sess.InitCode, nil
}

// checkLivenessImages checks session_init's num_images_liveness against
// the partner's steps: 1 to the configured cap with the selfie step, 0
// without it.
func (s *Service) checkLivenessImages(p partner.Partner, n int) error {
	if !p.Selfie {
		if n != 0 {
			return detail(ErrInvalidOption, "num_images_liveness must be 0: the partner's steps include no selfie")
		}
		return nil
	}
	if n < 1 || n > s.cfg.MaxLivenessImages {
		return detail(ErrInvalidOption, "num_images_liveness must be between 1 and %d", s.cfg.MaxLivenessImages)
	}
	return nil
}

// sessionOptions merges the request's options over the partner's settings
// and checks them.
func (s *Service) sessionOptions(p partner.Partner, req InitRequest) (session.Options, error) {
	o := session.Options{
		ForceMRZConsent: p.ForceMRZConsent, NumImagesLiveness: p.NumImagesLiveness, NoMRZConsent: !p.MRZConsent,
		Webhook: p.Webhook, RedirectURL: p.RedirectURL, SendVectors: p.SendVectors,
		ConfirmationTimeout: p.ConfirmationTimeout,
	}
	if req.Options.ForceMRZConsent != nil {
		o.ForceMRZConsent = *req.Options.ForceMRZConsent
	}
	if n := req.Options.NumImagesLiveness; n != nil {
		if err := s.checkLivenessImages(p, *n); err != nil {
			return o, err
		}
		o.NumImagesLiveness = *n
	}
	scans, err := scans(p, req.SendScan)
	if err != nil {
		return o, err
	}
	o.SendScan = scans
	if req.Options.Webhook != "" {
		o.Webhook = req.Options.Webhook
	}
	if o.Webhook == "" {
		return o, detail(ErrWebhookRefused, "no webhook URL in the options or the partner settings")
	}
	if err := s.outbox.Guard().CheckURL(o.Webhook); err != nil {
		return o, detail(ErrWebhookRefused, "%s", err.Error())
	}
	if req.Options.RedirectURL != "" {
		if !s.acceptableRedirect(req.Options.RedirectURL) {
			return o, detail(ErrInvalidOption, "redirect_URL must be an absolute https URL")
		}
		o.RedirectURL = req.Options.RedirectURL
	}
	if id := req.Options.VerificationID; id != "" {
		if !verificationIDPattern.MatchString(id) {
			return o, detail(ErrInvalidOption, "verification_id must be 1 to 64 letters, digits, - or _")
		}
		o.VerificationID = id
	}
	return o, nil
}

// verificationIDPattern is what a verification id may look like.
var verificationIDPattern = regexp.MustCompile(`^[A-Za-z0-9_-]{1,64}$`)

// scans checks send_scan against the values and the partner's permission.
func scans(p partner.Partner, values []string) ([]session.Scan, error) {
	out := []session.Scan{}
	for _, v := range values {
		scan := session.Scan(v)
		if scan != session.ScanSelfie && scan != session.ScanDocFace {
			return nil, detail(ErrInvalidOption, "send_scan values are selfie and docface")
		}
		if !p.SendImages {
			return nil, detail(ErrInvalidOption, "send_scan is not enabled for this partner")
		}
		out = append(out, scan)
	}
	return out, nil
}

// acceptableRedirect reports whether raw is an absolute https URL (or
// http when insecure URLs are allowed) without credentials.
func (s *Service) acceptableRedirect(raw string) bool {
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" || u.User != nil {
		return false
	}
	return u.Scheme == "https" || (s.cfg.AllowInsecureURLs && u.Scheme == "http")
}

// Confirmation values of recv.
const (
	RecvOK  = "OK"
	RecvErr = "ERR"
)

// Confirm records the partner's webhook_confirmation. A repeated OK of a
// confirmed session succeeds again.
func (s *Service) Confirm(ctx context.Context, apiKey, code, recv string) error {
	p, ok := s.partners.Authenticate(apiKey)
	if !ok {
		return ErrUnknownAPIKey
	}
	if recv != RecvOK && recv != RecvErr {
		return ErrInvalidRecv
	}
	sess, err := s.store.FindNFCSessionByPartnerCode(ctx, p.ID, code)
	if errors.Is(err, store.ErrNotFound) {
		return ErrUnknownInitCode
	}
	if err != nil {
		return err
	}
	if sess.State == session.Confirmed && recv == RecvOK {
		return nil
	}
	t := store.NFCTransition{ID: sess.ID, From: []session.State{session.Verified, session.Delivered}, To: session.Confirmed, Now: s.now()}
	if recv == RecvErr {
		t.To, t.Update.Reason = session.Errored, ReasonPartnerError
	}
	if _, err := s.store.TransitionNFCSession(ctx, t); err != nil {
		var te *session.TransitionError
		if errors.As(err, &te) && te.From == session.Confirmed && recv == RecvOK {
			return nil // a concurrent OK confirmed it first: repeating an OK succeeds
		}
		if errors.As(err, &te) {
			return ErrNotAwaitingConfirmation
		}
		return err
	}
	s.logger.Info("nfc session confirmed", slog.String("session_id", sess.ID), slog.String("recv", recv))
	return nil
}
