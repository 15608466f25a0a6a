// Package web serves the merchant console: server-rendered html/template with htmx,
// Chinese first with English available. Handlers call the domain services directly
// (never the HTTP API) and check permissions themselves, so a hidden link is a
// convenience, never the protection.
package web

import (
	"embed"
	"html/template"
	"log/slog"
	"net/http"

	"github.com/siyu-live/siyu/internal/analytics"
	"github.com/siyu-live/siyu/internal/api"
	"github.com/siyu-live/siyu/internal/commerce"
	"github.com/siyu-live/siyu/internal/config"
	"github.com/siyu-live/siyu/internal/crm"
	"github.com/siyu-live/siyu/internal/crm/broadcast"
	"github.com/siyu-live/siyu/internal/crm/community"
	"github.com/siyu-live/siyu/internal/crm/script"
	"github.com/siyu-live/siyu/internal/crm/segment"
	"github.com/siyu-live/siyu/internal/crm/transfer"
	"github.com/siyu-live/siyu/internal/live"
	"github.com/siyu-live/siyu/internal/org"
	"github.com/siyu-live/siyu/internal/webhook"
)

// files holds templates, static assets (including the vendored htmx once `make` has
// copied it) and the message catalogs. The directories are embedded whole so a fresh
// clone without static/vendor still builds.
//
//go:embed static templates i18n
var files embed.FS

// Deps are the services the console renders.
type Deps struct {
	Config   config.Config
	Logger   *slog.Logger
	Org      *org.Service
	Webhooks *webhook.Service
	// API is used for its Store, where the console writes audit entries for webhook
	// changes (the webhook service itself does not audit).
	API *api.API
	// Live runs live sessions: the console's 直播 pages, the studio and the public
	// viewer, preview and discovery pages call it directly.
	Live *live.Service
	// Commerce holds products and orders: the console's 商品与订单 pages call it directly.
	Commerce *commerce.Service
	// CRM holds customer profiles and tags: the 客户 pages call it directly (it masks
	// contact details and audits bulk views itself).
	CRM *crm.Service
	// Segments counts and lists rules over tags and behaviour for the 客户分群 pages.
	Segments *segment.Service
	// Transfer imports customers from CSV/Excel and exports them (客户导入导出).
	Transfer *transfer.Service
	// Communities are the groups (社群) of the 社群 pages and the members' page /g/{code}.
	Communities *community.Service
	// Scripts is the script library (话术库) the 话术库 pages edit and send from.
	Scripts *script.Service
	// Broadcasts are one-click reach (一键触达): the 触达 pages and the tracked links /r/{token}.
	Broadcasts *broadcast.Service
	// Marketing are the in-room tools the 营销工具 page lists across sessions.
	Marketing MarketingTools
	// Analytics gives the 数据分析 pages their figures: the live dashboard, the post-live
	// report and tagging a report's customers.
	Analytics *analytics.Service
}

// Console is the merchant console: parsed templates per language, catalogs and the
// embedded static files.
type Console struct {
	Deps
	cats   map[string]catalog
	assets *assets
	pages  map[string]map[string]*template.Template
}

// New builds the console. Templates and catalogs are embedded, so an error here is a
// programming error caught by the package tests; New panics on it.
func New(d Deps) *Console {
	if d.Logger == nil {
		d.Logger = slog.Default()
	}
	if d.Live == nil && d.API != nil {
		d.Live = d.API.Live // until the server passes it explicitly: the API holds the same service
	}
	c := &Console{Deps: d}
	var err error
	if c.cats, err = loadCatalogs(files); err != nil {
		panic(err)
	}
	if c.assets, err = loadAssets(files); err != nil {
		panic(err)
	}
	if c.pages, err = c.parseTemplates(files); err != nil {
		panic(err)
	}
	return c
}

// Mount registers the console routes on mux.
func (c *Console) Mount(mux *http.ServeMux) {
	mux.HandleFunc("GET /{$}", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "/console", http.StatusFound)
	})
	mux.Handle("GET /static/", c.assets)

	mux.Handle("GET /console/login", c.public(c.loginPage))
	mux.Handle("POST /console/login", c.public(c.loginSubmit))
	mux.Handle("POST /console/logout", c.authed("", c.logout))

	mux.Handle("GET /console", c.authed("home", c.home))
	mux.Handle("GET /console/{$}", c.authed("home", c.home))

	mux.Handle("GET /console/staff", c.authed("staff", c.staffPage))
	mux.Handle("POST /console/staff", c.authed("staff", c.staffCreate))
	mux.Handle("POST /console/staff/{id}/role", c.authed("staff", c.staffRole))
	mux.Handle("POST /console/staff/{id}/status", c.authed("staff", c.staffStatus))

	mux.Handle("GET /console/tokens", c.authed("tokens", c.tokensPage))
	mux.Handle("POST /console/tokens", c.authed("tokens", c.tokenCreate))
	mux.Handle("POST /console/tokens/{id}/revoke", c.authed("tokens", c.tokenRevoke))

	mux.Handle("GET /console/settings", c.authed("settings", c.settingsPage))
	mux.Handle("POST /console/settings", c.authed("settings", c.settingsSave))

	mux.Handle("GET /console/webhooks", c.authed("webhooks", c.webhooksPage))
	mux.Handle("POST /console/webhooks", c.authed("webhooks", c.webhookCreate))
	mux.Handle("GET /console/webhooks/{id}", c.authed("webhooks", c.webhookPage))
	mux.Handle("GET /console/webhooks/{id}/deliveries", c.authed("webhooks", c.webhookDeliveries))
	mux.Handle("POST /console/webhooks/{id}/active", c.authed("webhooks", c.webhookActive))
	mux.Handle("POST /console/webhooks/{id}/delete", c.authed("webhooks", c.webhookDelete))
	mux.Handle("POST /console/webhooks/{id}/test", c.authed("webhooks", c.webhookTest))
	mux.Handle("POST /console/webhooks/{id}/deliveries/{did}/redeliver", c.authed("webhooks", c.webhookRedeliver))

	mux.Handle("GET /console/audit", c.authed("audit", c.auditPage))

	c.mountLive(mux)
	c.mountCommerce(mux)
	c.mountCustomers(mux)
	c.mountCustomerImport(mux)
	c.mountCommunities(mux)
	c.mountReach(mux)
	c.mountScripts(mux)
	c.mountMarketing(mux)
	c.mountAnalytics(mux)

	for _, a := range areas {
		if !a.Built {
			mux.Handle("GET "+a.Path, c.authed(a.Key, c.areaPage(a)))
		}
	}
	mux.Handle("/console/", c.authed("", c.notFound))
}
