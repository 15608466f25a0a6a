package commerce

import (
	"context"
	"fmt"
	"time"

	"github.com/siyu-live/siyu"
	"github.com/siyu-live/siyu/internal/db"
	"github.com/siyu-live/siyu/internal/org"
)

// Card is a product as a viewer sees it in the showcase or on a pin: no costs, no
// sales counts, just what is needed to choose and buy.
type Card struct {
	ID        int64     `json:"id"`
	Name      string    `json:"name"`
	Price     int64     `json:"price"` // lowest SKU price, fen
	Image     string    `json:"image"`
	Images    []string  `json:"images"`
	Virtual   bool      `json:"virtual"`
	StockLeft int64     `json:"stock_left"`
	SoldOut   bool      `json:"sold_out"`
	SKUs      []CardSKU `json:"skus"`
}

// CardSKU is one choosable variant on a Card.
type CardSKU struct {
	ID        int64  `json:"id"`
	Name      string `json:"name"`
	Price     int64  `json:"price"`
	StockLeft int64  `json:"stock_left"`
}

func cardOf(p Product) Card {
	c := Card{ID: p.ID, Name: p.Name, Price: p.Price, Image: p.image(), Images: p.Images, Virtual: p.Virtual,
		StockLeft: p.Stock, SoldOut: p.Stock == 0, SKUs: make([]CardSKU, 0, len(p.SKUs))}
	for _, k := range p.SKUs {
		c.SKUs = append(c.SKUs, CardSKU{ID: k.ID, Name: k.Name, Price: k.Price, StockLeft: k.Stock})
	}
	return c
}

// ShowcaseItem is one product in a session's showcase, in display order.
type ShowcaseItem struct {
	Position int       `json:"position"`
	Pinned   bool      `json:"pinned"`
	PinnedAt time.Time `json:"pinned_at,omitzero"`
	Product  Card      `json:"product"`
}

// Showcase is a session's 商品橱窗: every item in order and the pinned one, if any.
// It is one page (a showcase is short), shaped like every list answer.
type Showcase struct {
	SessionID  int64          `json:"session_id"`
	Items      []ShowcaseItem `json:"items"`
	NextCursor string         `json:"next_cursor"`
	Pinned     *Card          `json:"pinned"`
}

// Room events sent through RoomNotifier.
const (
	RoomProductPinned   = "product_pinned"
	RoomProductUnpinned = "product_unpinned"
	RoomShowcaseChanged = "showcase_changed"
)

// ShowcaseChangedEvent tells a room its showcase changed (products added, removed or
// reordered), so viewer pages reload it with GET /api/v1/sessions/{id}/showcase.
type ShowcaseChangedEvent struct {
	Type      string `json:"type"` // showcase_changed
	SessionID int64  `json:"session_id"`
}

func showcaseChanged(sessionID int64) ShowcaseChangedEvent {
	return ShowcaseChangedEvent{Type: RoomShowcaseChanged, SessionID: sessionID}
}

// PinnedEvent tells a room which product is on screen now ("3-2-1 上链接").
type PinnedEvent struct {
	Type      string     `json:"type"` // product_pinned
	SessionID int64      `json:"session_id"`
	Product   PinnedCard `json:"product"`
}

// PinnedCard is the compact product of a pin event: enough to draw the buy button.
type PinnedCard struct {
	ID        int64  `json:"id"`
	Name      string `json:"name"`
	Price     int64  `json:"price"`
	Image     string `json:"image"`
	StockLeft int64  `json:"stock_left"`
}

// UnpinnedEvent tells a room the pinned product is off screen.
type UnpinnedEvent struct {
	Type      string `json:"type"` // product_unpinned
	SessionID int64  `json:"session_id"`
	ProductID int64  `json:"product_id"`
}

// ShowcaseInput orders a whole showcase: exactly these products in this order.
type ShowcaseInput struct {
	ProductIDs []int64 `json:"product_ids"`
}

// ShowcaseAdd adds one product at the end of a showcase.
type ShowcaseAdd struct {
	ProductID int64 `json:"product_id"`
}

// MaxShowcase bounds a session's showcase.
const MaxShowcase = 200

type showcaseRow struct {
	ProductID int64 `db:"product_id"`
	Position  int   `db:"position"`
	PinnedAt  int64 `db:"pinned_at"`
}

func sessionTenant(ctx context.Context, q db.Querier, sessionID int64) (int64, error) {
	var tenantID int64
	err := q.GetContext(ctx, &tenantID, `SELECT tenant_id FROM live_sessions WHERE id = ?`, sessionID)
	if db.IsNoRows(err) {
		return 0, siyu.Errorf(siyu.ENOTFOUND, "session %d not found", sessionID)
	} else if err != nil {
		return 0, fmt.Errorf("commerce: session: %w", err)
	}
	return tenantID, nil
}

// checkSession answers not_found unless the session belongs to the tenant.
func checkSession(ctx context.Context, q db.Querier, tenantID, sessionID int64) error {
	t, err := sessionTenant(ctx, q, sessionID)
	if err == nil && t != tenantID {
		return siyu.Errorf(siyu.ENOTFOUND, "session %d not found", sessionID)
	}
	return err
}

func loadShowcase(ctx context.Context, q db.Querier, tenantID, sessionID int64) (Showcase, error) {
	var rows []showcaseRow
	if err := q.SelectContext(ctx, &rows, `SELECT product_id, position, pinned_at FROM showcase_items
		WHERE tenant_id = ? AND session_id = ? ORDER BY position, id`, tenantID, sessionID); err != nil {
		return Showcase{}, fmt.Errorf("commerce: showcase: %w", err)
	}
	out := Showcase{SessionID: sessionID, Items: []ShowcaseItem{}}
	if len(rows) == 0 {
		return out, nil
	}
	var prows []productRow
	ids := []any{tenantID, ProductActive, sessionID}
	if err := q.SelectContext(ctx, &prows, `SELECT `+productCols+` FROM products WHERE tenant_id = ? AND status = ?
		AND id IN (SELECT product_id FROM showcase_items WHERE session_id = ?)`, ids...); err != nil {
		return Showcase{}, fmt.Errorf("commerce: showcase products: %w", err)
	}
	products, err := loadProducts(ctx, q, tenantID, prows)
	if err != nil {
		return Showcase{}, err
	}
	byID := map[int64]Product{}
	for _, p := range products {
		byID[p.ID] = p
	}
	for i, r := range rows {
		p, ok := byID[r.ProductID]
		if !ok {
			continue
		}
		item := ShowcaseItem{Position: i + 1, Pinned: r.PinnedAt > 0, PinnedAt: msTime(r.PinnedAt), Product: cardOf(p)}
		if item.Pinned {
			c := item.Product
			out.Pinned = &c
		}
		out.Items = append(out.Items, item)
	}
	return out, nil
}

// PublicShowcase is what every viewer of a session sees: its active products in order
// and the pinned one. It needs no credential, like the room itself.
func (s *Service) PublicShowcase(ctx context.Context, sessionID int64) (Showcase, error) {
	tenantID, err := sessionTenant(ctx, s.store, sessionID)
	if err != nil {
		return Showcase{}, err
	}
	return loadShowcase(ctx, s.store, tenantID, sessionID)
}

// PinnedProduct returns the product pinned in a session, or nil; the room engine
// sends it to a viewer who joins after the pin.
func (s *Service) PinnedProduct(ctx context.Context, sessionID int64) (*PinnedCard, error) {
	sc, err := s.PublicShowcase(ctx, sessionID)
	if err != nil || sc.Pinned == nil {
		return nil, err
	}
	return &PinnedCard{ID: sc.Pinned.ID, Name: sc.Pinned.Name, Price: sc.Pinned.Price, Image: sc.Pinned.Image,
		StockLeft: sc.Pinned.StockLeft}, nil
}

func canCurate(p org.Principal) error {
	if !p.Can(org.PermSessionsManage) {
		return siyu.Errorf(siyu.EFORBIDDEN, "your role may not change a session's showcase")
	}
	return nil
}
