package profiles

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"

	"github.com/gin-gonic/gin"
	"github.com/kycgate/kycgate/camara"
	"github.com/kycgate/kycgate/gateway"
	"github.com/kycgate/kycgate/openapi"
	"github.com/kycgate/kycgate/store"
)

// DocumentName is the profile API's OpenAPI document in package openapi.
const DocumentName = "profiles-v1.yaml"

// Paths of the profile API.
const (
	PathVerificationProfile = "/reusage/v1/verification/:verificationId/profile"
	PathRisk                = "/reusage/v1/profile/risk"
	PathStatusVerification  = "/reusage/v1/profile/status/verification"
	PathContact             = "/reusage/v1/profile/contact"
	PathMerit               = "/reusage/v1/profile/merit"
	PathVerification        = "/reusage/v1/profile/verification"
	PathHistory             = "/reusage/v1/profile/history"
	PathLists               = "/reusage/v1/lists"
	PathList                = "/reusage/v1/lists/:listName"
)

// profileView builds one profile answer for a viewer from the profile's
// visible verifications, oldest first.
type profileView func(ctx context.Context, v viewer, records []*record) (any, error)

// Routes lists the profile API's routes for the gateway.
func (s *Service) Routes() ([]gateway.Route, error) {
	doc, err := openapi.NewDocument(DocumentName)
	if err != nil {
		return nil, err
	}
	route := func(method, path, scope string, body gateway.BodyKind, h gateway.HandlerFunc) gateway.Route {
		return gateway.Route{Method: method, Path: path, Document: doc, Scope: scope, Body: body, Errors: writeError, Handler: h}
	}
	views := map[string]profileView{
		PathRisk:               s.riskView,
		PathStatusVerification: staticView(statusView),
		PathContact:            staticView(contactView),
		PathMerit:              staticView(meritView),
		PathVerification:       staticView(verificationsView),
		PathHistory:            staticView(historyView),
	}
	routes := []gateway.Route{route(http.MethodGet, PathVerificationProfile, ScopeRead, gateway.BodyNone, s.handleProfileID)}
	for _, path := range []string{PathRisk, PathStatusVerification, PathContact, PathMerit, PathVerification, PathHistory} {
		routes = append(routes, route(http.MethodPost, path, ScopeRead, gateway.BodyJSON, s.profileHandler(views[path])))
	}
	importRoute := route(http.MethodPut, PathList, ScopeAdmin, gateway.BodyJSON, s.handleImportList)
	importRoute.MaxBodyBytes = s.cfg.Lists.MaxBytes
	routes = append(routes, importRoute, route(http.MethodGet, PathLists, ScopeAdmin, gateway.BodyNone, s.handleListInfos))
	return routes, nil
}

// staticView adapts a view that needs neither the context nor the store.
func staticView(build func(v viewer, records []*record) any) profileView {
	return func(_ context.Context, v viewer, records []*record) (any, error) { return build(v, records), nil }
}

// viewerOf returns the calling merchant.
func (s *Service) viewerOf(c *gin.Context) (viewer, error) {
	p := gateway.Principal(c)
	if p == nil || p.ClientID == "" {
		return viewer{}, errNoClientID
	}
	return viewer{merchantID: p.ClientID, refKey: s.refKey}, nil
}

// handleProfileID answers the profile id of the caller's verification.
func (s *Service) handleProfileID(c *gin.Context) error {
	v, err := s.viewerOf(c)
	if err != nil {
		return err
	}
	got, err := s.store.GetProfileRecord(c.Request.Context(), c.Param("verificationId"))
	if errors.Is(err, store.ErrNotFound) {
		return errVerificationNotFound
	}
	if err != nil {
		return err
	}
	rec, err := decodeRecord(got)
	if err != nil {
		return err
	}
	if !rec.doc.HasVerification || !v.owns(rec) {
		return errVerificationNotFound
	}
	if rec.ProfileID == "" {
		return errNoProfile
	}
	return answer(c, profileIDResponse{ResponseStatus: responseSuccess, ProfileID: rec.ProfileID})
}

// profileRequest is the body of the POST profile routes.
type profileRequest struct {
	ProfileID string `json:"profileId"`
}

// profileHandler reads the profile id, checks that the caller may see the
// profile and answers view's response.
func (s *Service) profileHandler(view profileView) gateway.HandlerFunc {
	return func(c *gin.Context) error {
		v, err := s.viewerOf(c)
		if err != nil {
			return err
		}
		var req profileRequest
		if err := json.Unmarshal(gateway.Body(c), &req); err != nil {
			return camara.ErrInvalidArgument.WithMessage("the body must be {\"profileId\": \"...\"}")
		}
		profileID, err := ParseProfileID(req.ProfileID)
		if err != nil {
			return errInvalidProfileID
		}
		records, err := s.visibleProfile(c.Request.Context(), v, profileID)
		if err != nil {
			return err
		}
		resp, err := view(c.Request.Context(), v, records)
		if err != nil {
			return err
		}
		return answer(c, resp)
	}
}

// riskView computes the profile's score now and lists the transactions
// with the scores they had when they were recorded.
func (s *Service) riskView(ctx context.Context, v viewer, records []*record) (any, error) {
	a, err := s.assess(ctx, records, records)
	if err != nil {
		return nil, err
	}
	return riskResponse{
		ResponseStatus: responseSuccess,
		ProfileRisk:    a.Risky,
		RiskScore:      Score(a.Score),
		Transactions:   transactions(v, records),
	}, nil
}

// handleImportList validates and imports a list.
func (s *Service) handleImportList(c *gin.Context) error {
	info, err := s.ImportList(c.Request.Context(), c.Param("listName"), gateway.Body(c))
	var listErr *ListError
	switch {
	case errors.Is(err, ErrUnknownList):
		return errListNotFound
	case errors.As(err, &listErr):
		return errInvalidList.WithMessage("%s", listErr.Error())
	case err != nil:
		return err
	}
	return answer(c, listImportResponse{ResponseStatus: responseSuccess, List: info})
}

// handleListInfos describes the imported lists.
func (s *Service) handleListInfos(c *gin.Context) error {
	infos, err := s.store.ProfileListInfos(c.Request.Context())
	if err != nil {
		return err
	}
	out := listsResponse{ResponseStatus: responseSuccess, Lists: make([]ListInfo, 0, len(infos))}
	for _, l := range infos {
		out.Lists = append(out.Lists, listInfoOf(l))
	}
	return answer(c, out)
}

// listImportResponse answers a list import.
type listImportResponse struct {
	ResponseStatus string   `json:"responseStatus"`
	List           ListInfo `json:"list"`
}

// listsResponse answers the list overview.
type listsResponse struct {
	ResponseStatus string     `json:"responseStatus"`
	Lists          []ListInfo `json:"lists"`
}

// ImportList validates a list file whole and replaces the stored list,
// then makes this replica reload its lists.
func (s *Service) ImportList(ctx context.Context, name string, data []byte) (ListInfo, error) {
	info, err := ImportList(ctx, s.store, name, data, s.cfg.Lists.MaxBytes)
	if err != nil {
		return ListInfo{}, err
	}
	s.lists.invalidate()
	return info, nil
}

// answer writes a success answer, never cached: it holds personal data.
func answer(c *gin.Context, body any) error {
	c.Header("Cache-Control", "no-store")
	c.JSON(http.StatusOK, body)
	return nil
}
