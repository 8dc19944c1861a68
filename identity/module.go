package identity

import (
	"encoding/json"
	"net/http"
	"strconv"

	"github.com/gin-gonic/gin"

	"github.com/kycgate/kycgate/camara"
	"github.com/kycgate/kycgate/gateway"
	"github.com/kycgate/kycgate/openapi"
)

// Scopes of the verifications API. A token's client id is the merchant.
const (
	ScopeFlowsRead          = "flows:read"
	ScopeFlowsWrite         = "flows:write"
	ScopeVerificationsRead  = "verifications:read"
	ScopeVerificationsWrite = "verifications:write"
	ScopeWebhooksRead       = "webhooks:read"
	ScopeWebhooksWrite      = "webhooks:write"
)

// Scopes lists every scope of the verifications API.
var Scopes = []string{
	ScopeFlowsRead, ScopeFlowsWrite, ScopeVerificationsRead, ScopeVerificationsWrite,
	ScopeWebhooksRead, ScopeWebhooksWrite,
}

// DocumentName is the project's OpenAPI document of the API.
const DocumentName = "verifications-v2.yaml"

// multipartOverhead is what a send-input body may hold beyond its files.
const multipartOverhead = 1 << 20

// Module exposes the Service through the gateway.
type Module struct {
	svc *Service
}

var _ gateway.Module = (*Module)(nil)

// NewModule returns the gateway module of svc.
func NewModule(svc *Service) *Module { return &Module{svc: svc} }

// Routes lists the API's routes, each validated against DocumentName.
func (m *Module) Routes() ([]gateway.Route, error) {
	doc, err := openapi.NewDocument(DocumentName)
	if err != nil {
		return nil, err
	}
	maxUpload := m.svc.cfg.MaxVideoBytes + 2*m.svc.cfg.MaxPhotoBytes + multipartOverhead
	route := func(method, path, scope string, body gateway.BodyKind, h gateway.HandlerFunc) gateway.Route {
		return gateway.Route{Method: method, Path: path, Document: doc, Scope: scope, Body: body, Handler: h}
	}
	upload := route(http.MethodPost, "/v2/verifications/:verificationId/send-input", ScopeVerificationsWrite,
		gateway.BodyMultipart, m.sendInput)
	upload.MaxBodyBytes = maxUpload
	return []gateway.Route{
		route(http.MethodPost, "/v2/flows", ScopeFlowsWrite, gateway.BodyJSON, m.createFlow),
		route(http.MethodGet, "/v2/flows", ScopeFlowsRead, gateway.BodyNone, m.listFlows),
		route(http.MethodGet, "/v2/flows/:flowId", ScopeFlowsRead, gateway.BodyNone, m.getFlow),
		route(http.MethodPut, "/v2/flows/:flowId", ScopeFlowsWrite, gateway.BodyJSON, m.updateFlow),
		route(http.MethodPost, "/v2/verifications", ScopeVerificationsWrite, gateway.BodyJSON, m.startVerification),
		route(http.MethodGet, "/v2/verifications/:verificationId", ScopeVerificationsRead, gateway.BodyNone, m.getVerification),
		route(http.MethodDelete, "/v2/verifications/:verificationId", ScopeVerificationsWrite, gateway.BodyNone, m.deleteVerification),
		upload,
		route(http.MethodGet, "/media/file", ScopeVerificationsRead, gateway.BodyNone, m.mediaFile),
		route(http.MethodGet, "/v2/webhooks/deliveries", ScopeWebhooksRead, gateway.BodyNone, m.listDeliveries),
		route(http.MethodGet, "/v2/webhooks/deliveries/:eventId", ScopeWebhooksRead, gateway.BodyNone, m.getDelivery),
		route(http.MethodPost, "/v2/webhooks/deliveries/:eventId/redeliver", ScopeWebhooksWrite, gateway.BodyNone, m.redeliver),
	}, nil
}

// merchant returns the calling merchant: the token's client id.
func merchant(c *gin.Context) string {
	return gateway.Principal(c).ClientID
}

// decodeBody decodes the JSON body read (and validated) by the gateway.
func decodeBody(c *gin.Context, v any) error {
	if err := json.Unmarshal(gateway.Body(c), v); err != nil {
		return camara.ErrInvalidArgument.WithMessage("request body does not match the schema")
	}
	return nil
}

// respond writes v as JSON with status.
func respond(c *gin.Context, status int, v any) error {
	body, err := jsonMarshal(v)
	if err != nil {
		return err
	}
	c.Header("Cache-Control", "no-store")
	c.Data(status, "application/json", body)
	return nil
}

// flowRequest is the body of POST and PUT /v2/flows.
type flowRequest struct {
	ID string `json:"id,omitempty"`
	FlowSettings
}

func (m *Module) createFlow(c *gin.Context) error {
	var req flowRequest
	if err := decodeBody(c, &req); err != nil {
		return err
	}
	f, err := m.svc.CreateFlow(c.Request.Context(), merchant(c), req.ID, req.FlowSettings)
	if err != nil {
		return err
	}
	c.Header("Location", "/v2/flows/"+f.ID)
	return respond(c, http.StatusCreated, f)
}

func (m *Module) updateFlow(c *gin.Context) error {
	var req FlowSettings
	if err := decodeBody(c, &req); err != nil {
		return err
	}
	f, err := m.svc.UpdateFlow(c.Request.Context(), merchant(c), c.Param("flowId"), req)
	if err != nil {
		return err
	}
	return respond(c, http.StatusOK, f)
}

func (m *Module) getFlow(c *gin.Context) error {
	f, err := m.svc.GetFlow(c.Request.Context(), merchant(c), c.Param("flowId"))
	if err != nil {
		return err
	}
	return respond(c, http.StatusOK, f)
}

func (m *Module) listFlows(c *gin.Context) error {
	flows, err := m.svc.ListFlows(c.Request.Context(), merchant(c))
	if err != nil {
		return err
	}
	return respond(c, http.StatusOK, flows)
}

func (m *Module) startVerification(c *gin.Context) error {
	var req StartRequest
	if err := decodeBody(c, &req); err != nil {
		return err
	}
	v, err := m.svc.StartVerification(c.Request.Context(), merchant(c), req)
	if err != nil {
		return err
	}
	return respond(c, http.StatusCreated, v)
}

func (m *Module) getVerification(c *gin.Context) error {
	v, err := m.svc.GetVerification(c.Request.Context(), merchant(c), c.Param("verificationId"))
	if err != nil {
		return err
	}
	return respond(c, http.StatusOK, v)
}

func (m *Module) deleteVerification(c *gin.Context) error {
	if err := m.svc.DeleteVerification(c.Request.Context(), merchant(c), c.Param("verificationId")); err != nil {
		return err
	}
	c.Status(http.StatusNoContent)
	return nil
}

func (m *Module) sendInput(c *gin.Context) error {
	// Refuse ids of other merchants before reading the files.
	if _, err := m.svc.load(c.Request.Context(), merchant(c), c.Param("verificationId")); err != nil {
		return err
	}
	form, err := c.Request.MultipartReader()
	if err != nil {
		return camara.ErrInvalidArgument.WithMessage("the body must be a multipart/form-data form with a boundary")
	}
	inputs, err := ParseSendInput(form, max(m.svc.cfg.MaxPhotoBytes, m.svc.cfg.MaxVideoBytes))
	if err != nil {
		return err
	}
	// The TCP peer: the gateway trusts no forwarding header (no trusted
	// proxies are configured), so a client cannot choose the IP recorded.
	inputs.RequestIP = c.ClientIP()
	results, err := m.svc.SendInput(c.Request.Context(), merchant(c), c.Param("verificationId"), inputs)
	if err != nil {
		return err
	}
	return respond(c, http.StatusOK, results)
}

func (m *Module) listDeliveries(c *gin.Context) error {
	limit := 50
	if raw := c.Query("limit"); raw != "" {
		n, err := strconv.Atoi(raw)
		if err != nil || n < 1 || n > 500 {
			return camara.ErrInvalidArgument.WithMessage("limit must be 1 to 500")
		}
		limit = n
	}
	list, err := m.svc.ListDeliveries(c.Request.Context(), merchant(c), c.Query("verificationId"), limit)
	if err != nil {
		return err
	}
	return respond(c, http.StatusOK, list)
}

func (m *Module) getDelivery(c *gin.Context) error {
	d, err := m.svc.GetDelivery(c.Request.Context(), merchant(c), c.Param("eventId"))
	if err != nil {
		return err
	}
	return respond(c, http.StatusOK, d)
}

func (m *Module) redeliver(c *gin.Context) error {
	d, err := m.svc.Redeliver(c.Request.Context(), merchant(c), c.Param("eventId"))
	if err != nil {
		return err
	}
	return respond(c, http.StatusAccepted, d)
}
