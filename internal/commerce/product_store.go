package commerce

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/siyu-live/siyu"
	"github.com/siyu-live/siyu/internal/db"
)

type productRow struct {
	ID          int64  `db:"id"`
	TenantID    int64  `db:"tenant_id"`
	Name        string `db:"name"`
	Description string `db:"description"`
	Images      string `db:"images"`
	Virtual     int64  `db:"is_virtual"`
	Status      string `db:"status"`
	CreatedAt   int64  `db:"created_at"`
	UpdatedAt   int64  `db:"updated_at"`
}

const productCols = `id, tenant_id, name, description, images, is_virtual, status, created_at, updated_at`

type skuRow struct {
	ID        int64  `db:"id"`
	ProductID int64  `db:"product_id"`
	Name      string `db:"name"`
	Price     int64  `db:"price_fen"`
	Stock     int64  `db:"stock"`
	Sold      int64  `db:"sold"`
}

const skuCols = `id, product_id, name, price_fen, stock, sold`

func (r productRow) product(skus []skuRow) Product {
	p := Product{ID: r.ID, Name: r.Name, Description: r.Description, Images: []string{}, Virtual: r.Virtual != 0,
		Status: r.Status, SKUs: []SKU{}, CreatedAt: msTime(r.CreatedAt), UpdatedAt: msTime(r.UpdatedAt)}
	_ = json.Unmarshal([]byte(r.Images), &p.Images)
	for _, k := range skus {
		if k.ProductID != r.ID {
			continue
		}
		p.SKUs = append(p.SKUs, SKU{ID: k.ID, Name: k.Name, Price: k.Price, Stock: k.Stock, Sold: k.Sold})
		if p.Price == 0 || k.Price < p.Price {
			p.Price = k.Price
		}
		p.Stock += k.Stock
		p.Sold += k.Sold
	}
	return p
}

func encodeJSON(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}

func boolInt(b bool) int64 {
	if b {
		return 1
	}
	return 0
}

func insertSKU(ctx context.Context, q db.Querier, tenantID, productID int64, k SKUInput, sort int, now int64) (int64, error) {
	id, err := db.Insert(ctx, q, `INSERT INTO product_skus (tenant_id, product_id, name, price_fen, stock, sort, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?)`, tenantID, productID, k.Name, k.Price, k.Stock, sort, now)
	if err != nil {
		return 0, fmt.Errorf("commerce: insert sku: %w", err)
	}
	return id, nil
}

func getProductRow(ctx context.Context, q db.Querier, tenantID, id int64) (productRow, error) {
	var r productRow
	err := q.GetContext(ctx, &r, `SELECT `+productCols+` FROM products WHERE tenant_id = ? AND id = ?`, tenantID, id)
	if db.IsNoRows(err) {
		return r, siyu.Errorf(siyu.ENOTFOUND, "product %d not found", id)
	} else if err != nil {
		return r, fmt.Errorf("commerce: get product: %w", err)
	}
	return r, nil
}

// loadProducts returns the products of rows with their SKUs, in rows' order.
func loadProducts(ctx context.Context, q db.Querier, tenantID int64, rows []productRow) ([]Product, error) {
	if len(rows) == 0 {
		return []Product{}, nil
	}
	ids := make([]any, 0, len(rows)+1)
	ids = append(ids, tenantID)
	for _, r := range rows {
		ids = append(ids, r.ID)
	}
	var skus []skuRow
	err := q.SelectContext(ctx, &skus, `SELECT `+skuCols+` FROM product_skus WHERE tenant_id = ? AND product_id IN (?`+
		strings.Repeat(", ?", len(rows)-1)+`) ORDER BY sort, id`, ids...)
	if err != nil {
		return nil, fmt.Errorf("commerce: load skus: %w", err)
	}
	out := make([]Product, 0, len(rows))
	for _, r := range rows {
		out = append(out, r.product(skus))
	}
	return out, nil
}

func getProduct(ctx context.Context, q db.Querier, tenantID, id int64) (Product, error) {
	r, err := getProductRow(ctx, q, tenantID, id)
	if err != nil {
		return Product{}, err
	}
	ps, err := loadProducts(ctx, q, tenantID, []productRow{r})
	if err != nil {
		return Product{}, err
	}
	return ps[0], nil
}

// hasOrders reports whether any order line names the product, which makes it
// undeletable (archive it instead).
func hasOrders(ctx context.Context, q db.Querier, tenantID, productID int64) (bool, error) {
	var n int64
	err := q.GetContext(ctx, &n, `SELECT COUNT(*) FROM order_lines WHERE tenant_id = ? AND product_id = ?`, tenantID, productID)
	if err != nil {
		return false, fmt.Errorf("commerce: count order lines: %w", err)
	}
	return n > 0, nil
}
