package commentbuy

import (
	"context"
	"fmt"

	"github.com/siyu-live/siyu"
	"github.com/siyu-live/siyu/internal/db"
	"github.com/siyu-live/siyu/internal/promo/offer"
)

type offerRow struct {
	ID          int64  `db:"id"`
	TenantID    int64  `db:"tenant_id"`
	SessionID   int64  `db:"session_id"`
	Keyword     string `db:"keyword"`
	KeywordNorm string `db:"keyword_norm"`
	ProductID   int64  `db:"product_id"`
	SKUID       int64  `db:"sku_id"`
	ProductName string `db:"product_name"`
	SKUName     string `db:"sku_name"`
	Price       int64  `db:"price_fen"`
	Quantity    int64  `db:"quantity"`
	Status      string `db:"status"`
	Drafts      int64  `db:"drafts"`
	StoppedAt   int64  `db:"stopped_at"`
	CreatedAt   int64  `db:"created_at"`
}

const offerCols = `id, tenant_id, session_id, keyword, keyword_norm, product_id, sku_id, product_name,
	COALESCE((SELECT k.name FROM product_skus k WHERE k.id = comment_buys.sku_id AND k.tenant_id = comment_buys.tenant_id), '') AS sku_name, price_fen, quantity,
	status, drafts, stopped_at, created_at`

func (r offerRow) offer() CommentBuy {
	return CommentBuy{ID: r.ID, SessionID: r.SessionID, Keyword: r.Keyword, ProductID: r.ProductID, SKUID: r.SKUID,
		ProductName: r.ProductName, SKUName: r.SKUName, Price: r.Price, Quantity: r.Quantity, Status: r.Status, Drafts: r.Drafts,
		CreatedAt: offer.Time(r.CreatedAt), StoppedAt: offer.Time(r.StoppedAt)}
}

// getOffer loads one offer of a tenant; another tenant's is not found.
func getOffer(ctx context.Context, q db.Querier, tenantID, id int64) (CommentBuy, error) {
	var r offerRow
	err := q.GetContext(ctx, &r, `SELECT `+offerCols+` FROM comment_buys WHERE tenant_id = ? AND id = ?`, tenantID, id)
	if db.IsNoRows(err) {
		return CommentBuy{}, siyu.Errorf(siyu.ENOTFOUND, "comment-to-buy %d not found", id)
	} else if err != nil {
		return CommentBuy{}, fmt.Errorf("commentbuy: get: %w", err)
	}
	return r.offer(), nil
}

// activeOffers reads a session's active offers (the matcher's cache fill).
func activeOffers(ctx context.Context, q db.Querier, tenantID, sessionID int64) ([]offerRow, error) {
	var rows []offerRow
	if err := q.SelectContext(ctx, &rows, `SELECT `+offerCols+` FROM comment_buys WHERE tenant_id = ? AND session_id = ? AND status = ?`,
		tenantID, sessionID, StatusActive); err != nil {
		return nil, fmt.Errorf("commentbuy: active offers: %w", err)
	}
	return rows, nil
}
