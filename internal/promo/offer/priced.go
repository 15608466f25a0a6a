package offer

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"github.com/siyu-live/siyu"
	"github.com/siyu-live/siyu/internal/commerce"
	"github.com/siyu-live/siyu/internal/db"
	"github.com/siyu-live/siyu/internal/promo"
)

// Priced is the row every priced offer stores (a group buy, an assist): the SKU it
// sells, snapshotted at launch with its name, picture and price, the offer price, the
// time limit of a group or campaign and whether the offer still takes new ones. A
// tool's row type embeds it and adds the tool's own number (sqlx reads embedded
// columns), so the launch, close and list code below serves both tools.
type Priced struct {
	ID               int64  `db:"id"`
	TenantID         int64  `db:"tenant_id"`
	SessionID        int64  `db:"session_id"`
	CreatedBy        int64  `db:"created_by"`
	ProductID        int64  `db:"product_id"`
	SKUID            int64  `db:"sku_id"`
	ProductName      string `db:"product_name"`
	Image            string `db:"image"`
	OriginalPrice    int64  `db:"original_price"`
	Price            int64  `db:"price"`
	TimeLimitSeconds int    `db:"time_limit_seconds"`
	Status           string `db:"status"`
	ClosedAt         int64  `db:"closed_at"`
	CreatedAt        int64  `db:"created_at"`
}

// Base returns the shared part of a tool's row (promoted through embedding).
func (r Priced) Base() Priced { return r }

// PricedRow is a tool's row type: a struct embedding Priced.
type PricedRow interface{ Base() Priced }

// PricedView is what staff and viewers see of every priced offer; a tool's view
// embeds it and adds its own number and live counts (JSON flattens the embedding).
type PricedView struct {
	ID               int64     `json:"id"`
	SessionID        int64     `json:"session_id"`
	ProductID        int64     `json:"product_id"`
	SKUID            int64     `json:"sku_id"`
	ProductName      string    `json:"product_name"`
	Image            string    `json:"image"`
	OriginalPrice    int64     `json:"original_price"`
	Price            int64     `json:"price"`
	TimeLimitSeconds int       `json:"time_limit_seconds"`
	Status           string    `json:"status"`
	CreatedAt        time.Time `json:"created_at"`
	ClosedAt         time.Time `json:"closed_at,omitzero"`
}

// View is the row as staff and viewers see it.
func (r Priced) View() PricedView {
	return PricedView{ID: r.ID, SessionID: r.SessionID, ProductID: r.ProductID, SKUID: r.SKUID, ProductName: r.ProductName,
		Image: r.Image, OriginalPrice: r.OriginalPrice, Price: r.Price, TimeLimitSeconds: r.TimeLimitSeconds, Status: r.Status,
		CreatedAt: Time(r.CreatedAt), ClosedAt: Time(r.ClosedAt)}
}

// Statuses of a priced offer: an open one accepts new groups or campaigns.
const (
	StatusOpen   = "open"
	StatusClosed = "closed"
)

// Bounds of a priced offer's time limit: a minute to a week.
const (
	MinTimeLimitSecs = 60
	MaxTimeLimitSecs = 7 * 24 * 3600
)

// PricedKind is how one priced-offer tool names itself: its table and its words, so
// the shared code answers in the tool's own messages.
type PricedKind struct {
	Pkg       string // the package name, prefixing internal errors: "assist"
	Noun      string // what staff call one: "assist", "group buy"
	Article   string // "an" or "a", for "launching an assist"
	PriceNoun string // the offer price's name: "assist price", "group price"
	Table     string // "assists"
	Column    string // the tool's own number: "helpers_needed"
	Audit     string // audit action prefix: "promo.assist"
	Target    string // audit target prefix: "assist"
}

// PricedInput is the part of a launch every priced offer shares. A tool's input keeps
// these fields flat (the API names a bad field as the client sent it) and hands them
// over as a PricedInput.
type PricedInput struct {
	ProductID        int64
	SKUID            int64 // 0: the product's only SKU
	Price            int64
	TimeLimitSeconds int
}

// Check validates what every priced offer needs, the tool's own fields (own) in
// between, in the order the API reports the first bad field.
func (k PricedKind) Check(in PricedInput, own func() error) error {
	if in.ProductID <= 0 {
		return siyu.Invalid("product_id", "product_id is required")
	}
	if in.SKUID < 0 {
		return siyu.Invalid("sku_id", "sku_id must be a positive id")
	}
	if in.Price < commerce.MinPriceFen || in.Price > commerce.MaxPriceFen {
		return siyu.Invalid("price", "price is the %s in fen, between %d and %d", k.PriceNoun, commerce.MinPriceFen, commerce.MaxPriceFen)
	}
	if err := own(); err != nil {
		return err
	}
	if in.TimeLimitSeconds < MinTimeLimitSecs || in.TimeLimitSeconds > MaxTimeLimitSecs {
		return siyu.Invalid("time_limit_seconds", "time_limit_seconds must be between %d (a minute) and %d (a week)",
			MinTimeLimitSecs, MaxTimeLimitSecs)
	}
	return nil
}

// pricedCols are Priced's columns.
const pricedCols = `id, tenant_id, session_id, created_by, product_id, sku_id, product_name, image, original_price, price,
	time_limit_seconds, status, closed_at, created_at`

// Deps are the parts of a tool's service the shared launch and close use.
type Deps struct {
	Store    *db.DB
	Commerce *commerce.Service
	Now      func() time.Time
	Room     *Room
}

// PricedTable is the shared code of one priced-offer tool over its row type R and its
// view V: reading, listing, launching and closing offers. The tool keeps its own
// counts (Views), room event (Event) and everything after the launch (groups,
// campaigns). A package-level value; safe for concurrent use.
type PricedTable[R PricedRow, V any] struct {
	PricedKind
	// Views returns the views of rows of one tenant with their live counts, in order.
	Views func(ctx context.Context, q db.Querier, tenantID int64, rows []R) ([]V, error)
	// Event is the room event broadcast when an offer is launched or closed.
	Event func(V) any
	// Fresh is the view of a just-launched offer with the tool's own number: no
	// groups or campaigns yet.
	Fresh func(r Priced, own int) V
}

// Cols are the columns of the tool's row type R.
func (t *PricedTable[R, V]) Cols() string { return pricedCols + ", " + t.Column }

func (t *PricedTable[R, V]) target(id int64) string {
	return t.Target + ":" + strconv.FormatInt(id, 10)
}

// Get reads a tenant's offer; another tenant's is not found, like a missing one.
func (t *PricedTable[R, V]) Get(ctx context.Context, q db.Querier, tenantID, id int64) (R, error) {
	var r R
	err := q.GetContext(ctx, &r, `SELECT `+t.Cols()+` FROM `+t.Table+` WHERE tenant_id = ? AND id = ?`, tenantID, id)
	if db.IsNoRows(err) {
		return r, siyu.Errorf(siyu.ENOTFOUND, "%s %d not found", t.Noun, id)
	} else if err != nil {
		return r, fmt.Errorf("%s: get offer: %w", t.Pkg, err)
	}
	return r, nil
}

// ViewerGet reads an offer of the viewer's own session; any other is not found.
func (t *PricedTable[R, V]) ViewerGet(ctx context.Context, q db.Querier, v promo.Viewer, id int64) (R, error) {
	r, err := t.Get(ctx, q, v.TenantID, id)
	if err == nil && r.Base().SessionID != v.SessionID {
		var zero R
		return zero, siyu.Errorf(siyu.ENOTFOUND, "%s %d not found", t.Noun, id)
	}
	return r, err
}

// GetView reads a tenant's offer and returns its view.
func (t *PricedTable[R, V]) GetView(ctx context.Context, q db.Querier, tenantID, id int64) (V, error) {
	r, err := t.Get(ctx, q, tenantID, id)
	if err != nil {
		var zero V
		return zero, err
	}
	return t.View(ctx, q, r)
}

// View returns one offer's view.
func (t *PricedTable[R, V]) View(ctx context.Context, q db.Querier, r R) (V, error) {
	v, err := t.Views(ctx, q, r.Base().TenantID, []R{r})
	if err != nil {
		var zero V
		return zero, err
	}
	return v[0], nil
}

// selectViews reads the rows matching where (after the tenant) and returns their views.
func (t *PricedTable[R, V]) selectViews(ctx context.Context, q db.Querier, what string, tenantID int64, where string,
	args ...any) ([]V, error) {
	var rows []R
	if err := q.SelectContext(ctx, &rows, `SELECT `+t.Cols()+` FROM `+t.Table+` WHERE tenant_id = ? AND `+where,
		append([]any{tenantID}, args...)...); err != nil {
		return nil, fmt.Errorf("%s: %s: %w", t.Pkg, what, err)
	}
	return t.Views(ctx, q, tenantID, rows)
}

// List returns a session's offers, newest first, for staff.
func (t *PricedTable[R, V]) List(ctx context.Context, q db.Querier, tenantID, sessionID int64) ([]V, error) {
	if _, err := Session(ctx, q, t.Pkg, tenantID, sessionID); err != nil {
		return nil, err
	}
	return t.selectViews(ctx, q, "list", tenantID, `session_id = ? ORDER BY id DESC LIMIT 100`, sessionID)
}

// ViewerList returns the open offers of the viewer's session, newest first.
func (t *PricedTable[R, V]) ViewerList(ctx context.Context, q db.Querier, v promo.Viewer) ([]V, error) {
	return t.selectViews(ctx, q, "viewer list", v.TenantID, `session_id = ? AND status = ? ORDER BY id DESC LIMIT 50`,
		v.SessionID, StatusOpen)
}

// TenantList returns the tenant's latest offers across sessions, newest first, at
// most limit, for the console's marketing overview.
func (t *PricedTable[R, V]) TenantList(ctx context.Context, q db.Querier, tenantID int64, limit int) ([]V, error) {
	return t.selectViews(ctx, q, "tenant list", tenantID, `true ORDER BY id DESC LIMIT ?`, limit)
}
