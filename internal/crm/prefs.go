package crm

import (
	"context"
	"fmt"
)

// Price bands of a customer's average unit price, in fen.
const (
	BandNone    = ""        // no paid order yet
	BandLow     = "low"     // under ¥50
	BandMid     = "mid"     // ¥50–¥199
	BandHigh    = "high"    // ¥200–¥999
	BandPremium = "premium" // ¥1,000 and more
)

// Preferences are a customer's consumption preferences, computed from their paid,
// unrefunded orders and their viewing. (Products carry no category yet, so
// preferences are per product.)
type Preferences struct {
	TopProducts     []ProductPref `json:"top_products"`
	AvgOrderFen     int64         `json:"avg_order_fen"`
	AvgUnitPriceFen int64         `json:"avg_unit_price_fen"`
	PriceBand       string        `json:"price_band"`
	WatchMS         int64         `json:"watch_ms"`
	Sessions        int64         `json:"sessions"`
	AvgWatchMS      int64         `json:"avg_watch_ms"` // per session attended
}

// ProductPref is one of the products a customer buys most.
type ProductPref struct {
	ProductID int64  `json:"product_id" db:"product_id"`
	Name      string `json:"name" db:"name"`
	Quantity  int64  `json:"quantity" db:"quantity"`
	AmountFen int64  `json:"amount_fen" db:"amount"`
}

// PriceBandOf names the band of an average unit price.
func PriceBandOf(unitFen int64) string {
	switch {
	case unitFen <= 0:
		return BandNone
	case unitFen < 5_000:
		return BandLow
	case unitFen < 20_000:
		return BandMid
	case unitFen < 100_000:
		return BandHigh
	}
	return BandPremium
}

func (s *Service) preferences(ctx context.Context, tenantID int64, c Customer) (Preferences, error) {
	p := Preferences{TopProducts: []ProductPref{}, WatchMS: c.WatchMS, Sessions: c.Sessions}
	if c.OrdersCount > 0 {
		p.AvgOrderFen = c.SpentFen / c.OrdersCount
	}
	if c.Sessions > 0 {
		p.AvgWatchMS = c.WatchMS / c.Sessions
	}
	if err := s.store.SelectContext(ctx, &p.TopProducts, `SELECT l.product_id, MAX(l.name) AS name, SUM(l.quantity) AS quantity,
		SUM(l.unit_price_fen * l.quantity) AS amount FROM customer_orders co JOIN order_lines l ON l.order_id = co.order_id
		WHERE co.tenant_id = ? AND co.customer_id = ? AND co.refunded_at = 0
		GROUP BY l.product_id ORDER BY quantity DESC, amount DESC, l.product_id LIMIT 5`, tenantID, c.ID); err != nil {
		return p, fmt.Errorf("crm: top products: %w", err)
	}
	var sum struct {
		Quantity int64 `db:"quantity"`
		Amount   int64 `db:"amount"`
	}
	if err := s.store.GetContext(ctx, &sum, `SELECT COALESCE(SUM(l.quantity), 0) AS quantity, COALESCE(SUM(l.unit_price_fen * l.quantity), 0) AS amount
		FROM customer_orders co JOIN order_lines l ON l.order_id = co.order_id
		WHERE co.tenant_id = ? AND co.customer_id = ? AND co.refunded_at = 0`, tenantID, c.ID); err != nil {
		return p, fmt.Errorf("crm: price band: %w", err)
	}
	if sum.Quantity > 0 {
		p.AvgUnitPriceFen = sum.Amount / sum.Quantity
	}
	p.PriceBand = PriceBandOf(p.AvgUnitPriceFen)
	return p, nil
}
