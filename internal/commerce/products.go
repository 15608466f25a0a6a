package commerce

import (
	"context"
	"fmt"

	"github.com/siyu-live/siyu"
	"github.com/siyu-live/siyu/internal/db"
	"github.com/siyu-live/siyu/internal/org"
)

func canManage(p org.Principal) error {
	if !p.Can(org.PermProductsManage) {
		return siyu.Errorf(siyu.EFORBIDDEN, "your role may not manage products")
	}
	return nil
}

func productTarget(id int64) string { return fmt.Sprintf("product:%d", id) }

// CreateProduct adds a product with its SKUs (one default SKU when none are listed).
func (s *Service) CreateProduct(ctx context.Context, p org.Principal, in ProductInput) (Product, error) {
	if err := canManage(p); err != nil {
		return Product{}, err
	}
	in, err := in.normalize()
	if err != nil {
		return Product{}, err
	}
	var out Product
	err = s.store.Tx(ctx, func(tx *db.Tx) error {
		now := s.now().UnixMilli()
		id, err := db.Insert(ctx, tx, `INSERT INTO products (tenant_id, name, description, images, is_virtual, status, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, p.TenantID, in.Name, in.Description, encodeJSON(in.Images), boolInt(in.Virtual),
			ProductActive, now, now)
		if err != nil {
			return fmt.Errorf("commerce: insert product: %w", err)
		}
		for i, k := range in.SKUs {
			if _, err := insertSKU(ctx, tx, p.TenantID, id, k, i, now); err != nil {
				return err
			}
		}
		if out, err = getProduct(ctx, tx, p.TenantID, id); err != nil {
			return err
		}
		return s.audit(ctx, tx, p, "product.create", productTarget(id), in.Name)
	})
	return out, err
}

// Product returns one product of the caller's tenant with its SKUs.
func (s *Service) Product(ctx context.Context, p org.Principal, id int64) (Product, error) {
	return getProduct(ctx, s.store, p.TenantID, id)
}

// Products lists the tenant's products newest first, optionally by status, below the
// cursor id before (0 = newest); next is the cursor of the following page.
func (s *Service) Products(ctx context.Context, p org.Principal, status string, before int64, limit int) ([]Product, string, error) {
	q := `SELECT ` + productCols + ` FROM products WHERE tenant_id = ?`
	args := []any{p.TenantID}
	switch status {
	case "":
	case ProductActive, ProductArchived:
		q += ` AND status = ?`
		args = append(args, status)
	default:
		return nil, "", siyu.Invalid("status", "status must be active or archived")
	}
	if before > 0 {
		q += ` AND id < ?`
		args = append(args, before)
	}
	var rows []productRow
	if err := s.store.SelectContext(ctx, &rows, q+fmt.Sprintf(` ORDER BY id DESC LIMIT %d`, limit), args...); err != nil {
		return nil, "", fmt.Errorf("commerce: list products: %w", err)
	}
	out, err := loadProducts(ctx, s.store, p.TenantID, rows)
	next := ""
	if len(rows) == limit && limit > 0 {
		next = fmt.Sprint(rows[len(rows)-1].ID)
	}
	return out, next, err
}

// UpdateProduct changes a product's fields; price and stock only on a one-SKU product.
func (s *Service) UpdateProduct(ctx context.Context, p org.Principal, id int64, in ProductPatch) (Product, error) {
	if err := canManage(p); err != nil {
		return Product{}, err
	}
	var out Product
	err := s.store.Tx(ctx, func(tx *db.Tx) error {
		cur, err := getProduct(ctx, tx, p.TenantID, id)
		if err != nil {
			return err
		}
		if in.Name != nil {
			if cur.Name, err = checkText("name", *in.Name, 1, maxNameRunes); err != nil {
				return err
			}
		}
		if in.Description != nil {
			if cur.Description, err = checkText("description", *in.Description, 0, maxDescRunes); err != nil {
				return err
			}
		}
		if in.Images != nil {
			if cur.Images, err = checkImages(*in.Images); err != nil {
				return err
			}
		}
		if in.Virtual != nil {
			cur.Virtual = *in.Virtual
		}
		if in.Price != nil || in.Stock != nil {
			if len(cur.SKUs) != 1 {
				return siyu.Invalid("price", "this product has %d SKUs; change price and stock per SKU", len(cur.SKUs))
			}
			if err := s.patchSKU(ctx, tx, p.TenantID, cur.SKUs[0], SKUPatch{Price: in.Price, Stock: in.Stock}); err != nil {
				return err
			}
		}
		_, err = tx.ExecContext(ctx, `UPDATE products SET name = ?, description = ?, images = ?, is_virtual = ?, updated_at = ?
			WHERE tenant_id = ? AND id = ?`, cur.Name, cur.Description, encodeJSON(cur.Images), boolInt(cur.Virtual),
			s.now().UnixMilli(), p.TenantID, id)
		if err != nil {
			return fmt.Errorf("commerce: update product: %w", err)
		}
		if out, err = getProduct(ctx, tx, p.TenantID, id); err != nil {
			return err
		}
		return s.audit(ctx, tx, p, "product.update", productTarget(id), encodeJSON(in))
	})
	return out, err
}

// AddSKU adds a variant to a product.
func (s *Service) AddSKU(ctx context.Context, p org.Principal, productID int64, in SKUInput) (Product, error) {
	if err := canManage(p); err != nil {
		return Product{}, err
	}
	in, err := in.normalize("")
	if err != nil {
		return Product{}, err
	}
	var out Product
	err = s.store.Tx(ctx, func(tx *db.Tx) error {
		cur, err := getProduct(ctx, tx, p.TenantID, productID)
		if err != nil {
			return err
		}
		if len(cur.SKUs) >= MaxSKUs {
			return siyu.Invalid("name", "a product has at most %d SKUs", MaxSKUs)
		}
		for _, k := range cur.SKUs {
			if k.Name == in.Name {
				return siyu.Invalid("name", "SKU %q already exists", in.Name)
			}
		}
		now := s.now().UnixMilli()
		if _, err := insertSKU(ctx, tx, p.TenantID, productID, in, len(cur.SKUs), now); err != nil {
			return err
		}
		if out, err = s.touch(ctx, tx, p.TenantID, productID); err != nil {
			return err
		}
		return s.audit(ctx, tx, p, "product.update", productTarget(productID), "add sku "+in.Name)
	})
	return out, err
}

// UpdateSKU changes one SKU's name, price or stock left.
func (s *Service) UpdateSKU(ctx context.Context, p org.Principal, productID, skuID int64, in SKUPatch) (Product, error) {
	if err := canManage(p); err != nil {
		return Product{}, err
	}
	var out Product
	err := s.store.Tx(ctx, func(tx *db.Tx) error {
		cur, err := getProduct(ctx, tx, p.TenantID, productID)
		if err != nil {
			return err
		}
		var sku *SKU
		for i := range cur.SKUs {
			if cur.SKUs[i].ID == skuID {
				sku = &cur.SKUs[i]
			} else if in.Name != nil && cur.SKUs[i].Name == *in.Name {
				return siyu.Invalid("name", "SKU %q already exists", *in.Name)
			}
		}
		if sku == nil {
			return siyu.Errorf(siyu.ENOTFOUND, "SKU %d of product %d not found", skuID, productID)
		}
		if err := s.patchSKU(ctx, tx, p.TenantID, *sku, in); err != nil {
			return err
		}
		if out, err = s.touch(ctx, tx, p.TenantID, productID); err != nil {
			return err
		}
		return s.audit(ctx, tx, p, "product.update", productTarget(productID), fmt.Sprintf("sku %d: %s", skuID, encodeJSON(in)))
	})
	return out, err
}

func (s *Service) patchSKU(ctx context.Context, tx *db.Tx, tenantID int64, k SKU, in SKUPatch) error {
	var err error
	if in.Name != nil {
		if k.Name, err = checkText("name", *in.Name, 1, maxSKURunes); err != nil {
			return err
		}
	}
	if in.Price != nil {
		if err := checkPrice("price", *in.Price); err != nil {
			return err
		}
		k.Price = *in.Price
	}
	if in.Stock != nil {
		if err := checkStock("stock", *in.Stock); err != nil {
			return err
		}
		k.Stock = *in.Stock
	}
	_, err = tx.ExecContext(ctx, `UPDATE product_skus SET name = ?, price_fen = ?, stock = ? WHERE tenant_id = ? AND id = ?`,
		k.Name, k.Price, k.Stock, tenantID, k.ID)
	if err != nil {
		return fmt.Errorf("commerce: update sku: %w", err)
	}
	return nil
}

func (s *Service) touch(ctx context.Context, tx *db.Tx, tenantID, id int64) (Product, error) {
	if _, err := tx.ExecContext(ctx, `UPDATE products SET updated_at = ? WHERE tenant_id = ? AND id = ?`,
		s.now().UnixMilli(), tenantID, id); err != nil {
		return Product{}, fmt.Errorf("commerce: touch product: %w", err)
	}
	return getProduct(ctx, tx, tenantID, id)
}
