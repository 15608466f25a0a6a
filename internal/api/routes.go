package api

import (
	"net/http"

	"github.com/siyu-live/siyu/internal/audit"
	"github.com/siyu-live/siyu/internal/org"
	"github.com/siyu-live/siyu/internal/webhook"
)

// Routes is the whole API route table. Every route added here appears in the OpenAPI
// document and must be covered by the cross-tenant test (isolation_test.go).
func (a *API) Routes() []Route {
	routes := a.platformRoutes()
	routes = append(routes, a.liveRoutes()...)
	routes = append(routes, a.roomRoutes()...)
	routes = append(routes, a.commerceRoutes()...)
	routes = append(routes, a.promoRoutes()...)
	routes = append(routes, a.flashSaleRoutes()...)
	routes = append(routes, a.groupBuyRoutes()...)
	routes = append(routes, a.assistRoutes()...)
	routes = append(routes, a.couponRoutes()...)
	routes = append(routes, a.commentBuyRoutes()...)
	routes = append(routes, a.crmRoutes()...)
	routes = append(routes, a.segmentRoutes()...)
	routes = append(routes, a.customerImportRoutes()...)
	routes = append(routes, a.communityRoutes()...)
	routes = append(routes, a.broadcastRoutes()...)
	routes = append(routes, a.scriptRoutes()...)
	routes = append(routes, a.analyticsRoutes()...)
	return routes
}

// platformRoutes are the foundation's routes: health, tenants, staff, settings, webhooks.
func (a *API) platformRoutes() []Route {
	return []Route{
		// Platform.
		{Method: "GET", Path: "/healthz", Summary: "Liveness and readiness", Tag: "platform", Out: Health{}, h: a.health},
		{Method: "GET", Path: "/api/v1/openapi.json", Summary: "This OpenAPI document", Tag: "platform", Out: map[string]any{}, h: a.openAPI},

		// Tenants and authentication.
		{Method: "POST", Path: "/api/v1/tenants", Summary: "Sign up a brand (tenant) with its owner", Tag: "tenants",
			In: org.SignupInput{}, Out: org.SignupResult{}, Status: http.StatusCreated, h: a.signup},
		{Method: "POST", Path: "/api/v1/auth/login", Summary: "Log in with e-mail and password; returns a bearer token", Tag: "auth",
			In: LoginInput{}, Out: LoginResult{}, h: a.login},
		{Method: "POST", Path: "/api/v1/auth/logout", Summary: "Revoke the token used for this request", Tag: "auth", Auth: Staff,
			Status: http.StatusNoContent, h: a.logout},
		{Method: "GET", Path: "/api/v1/me", Summary: "The calling staff member, tenant and permissions", Tag: "auth", Auth: Staff,
			Out: Me{}, h: a.me},

		// Tenant settings and audit.
		{Method: "GET", Path: "/api/v1/settings", Summary: "The tenant's rule settings", Tag: "settings", Auth: Staff,
			Out: org.Settings{}, h: a.getSettings},
		{Method: "PATCH", Path: "/api/v1/settings", Summary: "Change some rule settings", Tag: "settings", Auth: Staff,
			Perm: org.PermSettingsManage, In: map[string]int{}, Out: org.Settings{}, h: a.patchSettings},
		{Method: "GET", Path: "/api/v1/audit-log", Summary: "Staff actions, newest first", Tag: "settings", Auth: Staff,
			Perm: org.PermAuditView, Out: List[audit.Entry]{}, Query: []QueryParam{{Name: "cursor", Description: "next_cursor of the previous page"},
				{Name: "limit", Description: "page size, 1–500", Integer: true}}, h: a.auditLog},

		// Staff and tokens.
		{Method: "GET", Path: "/api/v1/staff", Summary: "List staff", Tag: "staff", Auth: Staff, Out: List[org.User]{}, h: a.listStaff},
		{Method: "POST", Path: "/api/v1/staff", Summary: "Create a staff member", Tag: "staff", Auth: Staff, Perm: org.PermStaffManage,
			In: org.StaffInput{}, Out: org.User{}, Status: http.StatusCreated, h: a.createStaff},
		{Method: "GET", Path: "/api/v1/staff/{id}", Summary: "Get a staff member", Tag: "staff", Auth: Staff, Out: org.User{}, h: a.getStaff},
		{Method: "PATCH", Path: "/api/v1/staff/{id}", Summary: "Change role, name, password or disable a staff member", Tag: "staff",
			Auth: Staff, Perm: org.PermStaffManage, In: org.StaffUpdate{}, Out: org.User{}, h: a.updateStaff},
		{Method: "GET", Path: "/api/v1/tokens", Summary: "List API tokens", Tag: "staff", Auth: Staff, Out: List[org.Token]{}, h: a.listTokens},
		{Method: "POST", Path: "/api/v1/tokens", Summary: "Create an API token (shown once)", Tag: "staff", Auth: Staff,
			Perm: org.PermTokensOwn, In: TokenInput{}, Out: TokenCreated{}, Status: http.StatusCreated, h: a.createToken},
		{Method: "DELETE", Path: "/api/v1/tokens/{id}", Summary: "Revoke an API token", Tag: "staff", Auth: Staff,
			Status: http.StatusNoContent, h: a.revokeToken},

		// Outbound webhooks.
		{Method: "GET", Path: "/api/v1/webhooks", Summary: "List webhook endpoints", Tag: "webhooks", Auth: Staff,
			Perm: org.PermWebhooksManage, Out: List[webhook.Endpoint]{}, h: a.listWebhooks},
		{Method: "POST", Path: "/api/v1/webhooks", Summary: "Register a webhook endpoint (secret shown once)", Tag: "webhooks",
			Auth: Staff, Perm: org.PermWebhooksManage, In: webhook.EndpointInput{}, Out: webhook.Endpoint{}, Status: http.StatusCreated, h: a.createWebhook},
		{Method: "GET", Path: "/api/v1/webhooks/{id}", Summary: "Get a webhook endpoint", Tag: "webhooks", Auth: Staff,
			Perm: org.PermWebhooksManage, Out: webhook.Endpoint{}, h: a.getWebhook},
		{Method: "PATCH", Path: "/api/v1/webhooks/{id}", Summary: "Pause or resume a webhook endpoint", Tag: "webhooks", Auth: Staff,
			Perm: org.PermWebhooksManage, In: WebhookPatch{}, Out: webhook.Endpoint{}, h: a.patchWebhook},
		{Method: "DELETE", Path: "/api/v1/webhooks/{id}", Summary: "Delete a webhook endpoint", Tag: "webhooks", Auth: Staff,
			Perm: org.PermWebhooksManage, Status: http.StatusNoContent, h: a.deleteWebhook},
		{Method: "GET", Path: "/api/v1/webhooks/{id}/deliveries", Summary: "Recent deliveries with their last status", Tag: "webhooks",
			Auth: Staff, Perm: org.PermWebhooksManage, Out: List[webhook.Delivery]{}, h: a.listDeliveries},
		{Method: "POST", Path: "/api/v1/webhooks/{id}/test", Summary: "Send a webhook.test event to this endpoint", Tag: "webhooks",
			Auth: Staff, Perm: org.PermWebhooksManage, Out: webhook.Delivery{}, Status: http.StatusAccepted, h: a.testWebhook},
		{Method: "POST", Path: "/api/v1/webhook-deliveries/{id}/redeliver", Summary: "Send a delivery again", Tag: "webhooks",
			Auth: Staff, Perm: org.PermWebhooksManage, Status: http.StatusAccepted, h: a.redeliver},
	}
}

// Mount registers every route on mux.
func (a *API) Mount(mux *http.ServeMux) {
	for _, rt := range a.Routes() {
		mux.Handle(rt.Pattern(), a.wrap(rt))
	}
	mux.Handle("GET /metrics", a.Metrics.Handler())
}
