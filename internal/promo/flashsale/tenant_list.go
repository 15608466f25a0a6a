package flashsale

import (
	"context"
	"fmt"

	"github.com/siyu-live/siyu/internal/org"
)

// TenantList returns the tenant's latest flash sales across its sessions, newest
// first, at most limit, ended ones included, for the console's marketing overview.
func (s *Service) TenantList(ctx context.Context, p org.Principal, limit int) ([]FlashSale, error) {
	var rows []saleRow
	if err := s.store.SelectContext(ctx, &rows, `SELECT `+saleCols+` FROM flash_sales WHERE tenant_id = ?
		ORDER BY id DESC LIMIT ?`, p.TenantID, limit); err != nil {
		return nil, fmt.Errorf("flashsale: tenant list: %w", err)
	}
	now := s.now().UnixMilli()
	out := make([]FlashSale, len(rows))
	for i, r := range rows {
		out[i] = r.sale(now)
	}
	return out, nil
}
