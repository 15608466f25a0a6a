// Package api is Siyu's public HTTP API: one route table (routes.go), one file per
// resource, errors mapped in one place, and an OpenAPI document generated from the same
// table so the documentation cannot drift from the routes.
package api

import (
	"context"
	"log/slog"
	"net/http"
	"strconv"
	"strings"

	"github.com/siyu-live/siyu"
	"github.com/siyu-live/siyu/internal/analytics"
	"github.com/siyu-live/siyu/internal/commerce"
	"github.com/siyu-live/siyu/internal/config"
	"github.com/siyu-live/siyu/internal/crm"
	"github.com/siyu-live/siyu/internal/crm/broadcast"
	"github.com/siyu-live/siyu/internal/crm/community"
	"github.com/siyu-live/siyu/internal/crm/script"
	"github.com/siyu-live/siyu/internal/crm/segment"
	"github.com/siyu-live/siyu/internal/crm/transfer"
	"github.com/siyu-live/siyu/internal/db"
	"github.com/siyu-live/siyu/internal/live"
	"github.com/siyu-live/siyu/internal/org"
	"github.com/siyu-live/siyu/internal/promo"
	"github.com/siyu-live/siyu/internal/promo/assist"
	"github.com/siyu-live/siyu/internal/promo/commentbuy"
	"github.com/siyu-live/siyu/internal/promo/coupon"
	"github.com/siyu-live/siyu/internal/promo/flashsale"
	"github.com/siyu-live/siyu/internal/promo/groupbuy"
	"github.com/siyu-live/siyu/internal/ratelimit"
	"github.com/siyu-live/siyu/internal/room"
	"github.com/siyu-live/siyu/internal/webhook"
)

// Deps are the services the API calls; the server wires them.
type Deps struct {
	Config   config.Config
	Logger   *slog.Logger
	Store    *db.DB
	Org      *org.Service
	Webhooks *webhook.Service
	Live     *live.Service
	Rooms    *room.Service
	Promo    *promo.Service // red envelopes and lotteries
	Commerce *commerce.Service
	Metrics  *Metrics
	// Ready reports whether the node can serve (store and bus reachable) for /healthz.
	Ready func(ctx context.Context) error

	// GroupBuys are group buys (拼团), Assists assists (助力).
	GroupBuys *groupbuy.Service
	Assists   *assist.Service

	// FlashSales are flash sales (秒杀).
	FlashSales *flashsale.Service

	// Coupons are coupons (优惠券), CommentBuys comment-to-buy keywords (评论下单).
	Coupons     *coupon.Service
	CommentBuys *commentbuy.Service

	// CRM keeps customer profiles, tags and timelines (SCRM).
	CRM *crm.Service
	// Segments are saved rules over tags and behaviour with live counts (internal/crm/segment).
	Segments *segment.Service
	// Transfer imports customers from CSV/Excel (dry run, confirm) and exports them
	// (internal/crm/transfer).
	Transfer *transfer.Service
	// Communities are groups (社群) with envelopes and 接龙 chains (internal/crm/community).
	Communities *community.Service
	// Scripts are the script library (话术库, internal/crm/script).
	Scripts *script.Service
	// Broadcasts are one-click reach (一键触达, internal/crm/broadcast).
	Broadcasts *broadcast.Service
	// Analytics are the live dashboard and post-live reports (internal/analytics).
	Analytics *analytics.Service
}

// API holds the dependencies every handler needs.
type API struct {
	Deps
	perAccount *ratelimit.Keyed
}

// New builds the API.
func New(d Deps) *API {
	if d.Metrics == nil {
		d.Metrics = NewMetrics()
	}
	per := d.Config.APIPerSecond
	if per <= 0 {
		per = 50
	}
	return &API{Deps: d, perAccount: ratelimit.New(per, 1e9, per*4, nil)}
}

// handler is the signature of every API handler: it writes its success answer itself and
// returns an error for everything else, so error formatting lives in one place.
type handler func(w http.ResponseWriter, r *http.Request) error

// Auth says who may call a route.
type Auth int

// The kinds of callers.
const (
	Public Auth = iota // no credential (signup, login, health)
	Staff              // a staff bearer token
	Viewer             // a viewer token (live rooms)
)

// Route is one row of the route table: what the OpenAPI document, the middleware and the
// tenant-isolation test all read.
type Route struct {
	Method  string
	Path    string // net/http pattern path, e.g. /api/v1/staff/{id}
	Summary string
	Tag     string
	Auth    Auth
	Perm    org.Permission // checked before the handler when set
	In      any            // zero value of the JSON request body type, nil for none
	Out     any            // zero value of the success body type
	Status  int            // success status (200 when 0)
	Query   []QueryParam   // documented query parameters
	// MaxBody raises the body limit above the config's for a route that takes files
	// (customer imports); 0 keeps the config's.
	MaxBody int64
	h       handler
}

// QueryParam documents one query-string parameter.
type QueryParam struct {
	Name, Description string
	Integer           bool
}

// Pattern is the net/http ServeMux pattern of the route.
func (rt Route) Pattern() string { return rt.Method + " " + rt.Path }

type principalKey struct{}

type viewerKey struct{}

// viewer returns the viewer of a request authenticated with a viewer token.
func viewer(r *http.Request) live.Viewer {
	v, _ := r.Context().Value(viewerKey{}).(live.Viewer)
	return v
}

// principal returns the staff principal of an authenticated request.
func principal(r *http.Request) org.Principal {
	p, _ := r.Context().Value(principalKey{}).(org.Principal)
	return p
}

// WithPrincipal stores p in ctx; the console uses it for requests authenticated by cookie.
func WithPrincipal(ctx context.Context, p org.Principal) context.Context {
	return context.WithValue(ctx, principalKey{}, p)
}

// pathID parses a positive integer path parameter; anything else is not found, because
// a malformed id can never name an existing object.
func pathID(r *http.Request, name string) (int64, error) {
	id, err := strconv.ParseInt(r.PathValue(name), 10, 64)
	if err != nil || id <= 0 {
		return 0, siyu.Errorf(siyu.ENOTFOUND, "%s %q not found", name, r.PathValue(name))
	}
	return id, nil
}

// queryInt parses an optional integer query parameter with bounds, naming it on error.
func queryInt(r *http.Request, name string, def, lo, hi int64) (int64, error) {
	s := strings.TrimSpace(r.URL.Query().Get(name))
	if s == "" {
		return def, nil
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil || n < lo || n > hi {
		return 0, siyu.Invalid(name, "%s must be an integer between %d and %d", name, lo, hi)
	}
	return n, nil
}

// List is the shape of every list answer (CONTRACT: items and next_cursor).
type List[T any] struct {
	Items      []T    `json:"items"`
	NextCursor string `json:"next_cursor"`
}

func listOf[T any](items []T, next string) List[T] {
	if items == nil {
		items = []T{}
	}
	return List[T]{Items: items, NextCursor: next}
}
