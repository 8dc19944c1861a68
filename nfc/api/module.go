// Package api is the gateway module of NFC ID-document sessions: the
// partner API of seed 003 (session_init, webhook_confirmation) in its
// {"result","code","message"} envelope, and the reader app API (redeem,
// sealed upload, status) with CAMARA error bodies. Both authenticate
// themselves: the partner by the api_key of its body, the app by the upload
// token of its redemption.
package api

import (
	"fmt"
	"net/http"

	"github.com/kycgate/kycgate/gateway"
	"github.com/kycgate/kycgate/nfc/service"
	"github.com/kycgate/kycgate/openapi"
)

// The documents of the two APIs, embedded by package openapi.
const (
	PartnerDocument = "nfc-partner-v1.yaml"
	ReaderDocument  = "nfc-reader-v1.yaml"
)

// The routes.
const (
	PathSessionInit         = "/nfc/v1/session_init"
	PathWebhookConfirmation = "/nfc/v1/webhook_confirmation"
	PathRedeem              = "/nfc/reader/v1/redeem"
	PathUpload              = "/nfc/reader/v1/upload"
	PathStatus              = "/nfc/reader/v1/status"
)

// Module is the NFC gateway module.
type Module struct {
	svc            *service.Service
	maxUploadBytes int64
}

// New returns the module; maxUploadBytes caps the sealed upload.
func New(svc *service.Service, maxUploadBytes int64) (*Module, error) {
	if svc == nil || maxUploadBytes <= 0 {
		return nil, fmt.Errorf("nfc api: a service and a positive upload cap are required")
	}
	return &Module{svc: svc, maxUploadBytes: maxUploadBytes}, nil
}

// Routes lists the five routes. The sealed upload has no OpenAPI
// validation: its body is opaque ciphertext, checked by opening it.
func (m *Module) Routes() ([]gateway.Route, error) {
	partnerDoc, err := openapi.NewDocument(PartnerDocument)
	if err != nil {
		return nil, err
	}
	readerDoc, err := openapi.NewDocument(ReaderDocument)
	if err != nil {
		return nil, err
	}
	return []gateway.Route{
		{Method: http.MethodPost, Path: PathSessionInit, Document: partnerDoc, Body: gateway.BodyJSON,
			Errors: writeEnvelopeError, Handler: m.sessionInit},
		{Method: http.MethodPost, Path: PathWebhookConfirmation, Document: partnerDoc, Body: gateway.BodyJSON,
			Errors: writeEnvelopeError, Handler: m.webhookConfirmation},
		{Method: http.MethodPost, Path: PathRedeem, Document: readerDoc, Body: gateway.BodyJSON, Handler: m.redeem},
		{Method: http.MethodPost, Path: PathUpload, Body: gateway.BodyRaw, MaxBodyBytes: m.maxUploadBytes, Handler: m.upload},
		{Method: http.MethodGet, Path: PathStatus, Document: readerDoc, Body: gateway.BodyNone, Handler: m.status},
	}, nil
}
