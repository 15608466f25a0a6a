package coupon

import (
	"context"
	"fmt"

	"github.com/siyu-live/siyu/internal/org"
)

// TenantCoupons returns the tenant's latest coupons across its sessions, newest first,
// at most limit, with how many were claimed and used, for the console's marketing
// overview.
func (s *Service) TenantCoupons(ctx context.Context, p org.Principal, limit int) ([]Coupon, error) {
	var rows []couponRow
	if err := s.store.SelectContext(ctx, &rows, `SELECT `+couponCols+couponFrom+` WHERE c.tenant_id = ?
		ORDER BY c.id DESC LIMIT ?`, p.TenantID, limit); err != nil {
		return nil, fmt.Errorf("coupon: tenant list: %w", err)
	}
	out := make([]Coupon, len(rows))
	for i, r := range rows {
		out[i] = r.coupon()
	}
	return out, nil
}
