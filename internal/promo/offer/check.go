package offer

import (
	"context"
	"fmt"

	"github.com/siyu-live/siyu"
	"github.com/siyu-live/siyu/internal/commerce"
	"github.com/siyu-live/siyu/internal/db"
	"github.com/siyu-live/siyu/internal/org"
)

// Session reads the status of a session of the tenant. Another tenant's session
// answers not_found, like a missing one, so ids do not leak across tenants. pkg (the
// tool's package name) prefixes internal errors.
func Session(ctx context.Context, q db.Querier, pkg string, tenantID, id int64) (status string, err error) {
	err = q.GetContext(ctx, &status, `SELECT status FROM live_sessions WHERE tenant_id = ? AND id = ?`, tenantID, id)
	if db.IsNoRows(err) {
		return "", siyu.Errorf(siyu.ENOTFOUND, "session %d not found", id)
	} else if err != nil {
		return "", fmt.Errorf("%s: session: %w", pkg, err)
	}
	return status, nil
}

// LiveSession is Session that also answers session_not_live unless the session is
// live, because the tools sell during the show; why ends the message
// ("session 5 is ended; <why>"), e.g. "start the live before launching an assist".
func LiveSession(ctx context.Context, q db.Querier, pkg string, tenantID, id int64, why string) error {
	status, err := Session(ctx, q, pkg, tenantID, id)
	if err != nil {
		return err
	}
	if status != "live" {
		return siyu.Errorf("session_not_live", "session %d is %s; %s", id, status, why)
	}
	return nil
}

// Product loads a product of the caller's tenant for a launch. A missing one (or
// another tenant's) is not_found naming product_id, so the console marks the field.
func Product(ctx context.Context, c *commerce.Service, p org.Principal, id int64) (commerce.Product, error) {
	prod, err := c.Product(ctx, p, id)
	if siyu.ErrorCode(err) == siyu.ENOTFOUND {
		return prod, &siyu.Error{Code: siyu.ENOTFOUND, Field: "product_id", Message: fmt.Sprintf("product %d not found", id)}
	}
	return prod, err
}

// Sellable answers a conflict for an archived product: a tool must not start selling
// what the shop withdrew. in says where it was to be sold ("in an assist"), or is
// empty.
func Sellable(prod commerce.Product, in string) error {
	if prod.Status == commerce.ProductActive {
		return nil
	}
	if in != "" {
		in = " " + in
	}
	return siyu.Errorf(siyu.ECONFLICT, "%s is archived; restore it before selling it%s", prod.Name, in)
}

// SKU picks the variant a tool sells: the only one when skuID is 0 (so one-SKU
// products need no sku_id), else the named one. Errors name sku_id.
func SKU(prod commerce.Product, skuID int64) (commerce.SKU, error) {
	if skuID == 0 {
		if len(prod.SKUs) != 1 {
			return commerce.SKU{}, siyu.Invalid("sku_id", "sku_id is required: %s comes in %d variants", prod.Name, len(prod.SKUs))
		}
		return prod.SKUs[0], nil
	}
	for _, k := range prod.SKUs {
		if k.ID == skuID {
			return k, nil
		}
	}
	return commerce.SKU{}, siyu.Invalid("sku_id", "sku_id %d is not a variant of %s", skuID, prod.Name)
}

// ResolveSKU is Product, Sellable and SKU in one: the active product of the caller's
// tenant and the variant a launch sells. in is as for Sellable.
func ResolveSKU(ctx context.Context, c *commerce.Service, p org.Principal, productID, skuID int64, in string) (commerce.Product, commerce.SKU, error) {
	prod, err := Product(ctx, c, p, productID)
	if err != nil {
		return prod, commerce.SKU{}, err
	}
	if err := Sellable(prod, in); err != nil {
		return prod, commerce.SKU{}, err
	}
	sku, err := SKU(prod, skuID)
	return prod, sku, err
}

// Image is the picture a launch snapshots with the offer: the product's first, or
// none. The offer keeps it so the room shows what was sold even after the product
// changes.
func Image(prod commerce.Product) string {
	if len(prod.Images) > 0 {
		return prod.Images[0]
	}
	return ""
}
