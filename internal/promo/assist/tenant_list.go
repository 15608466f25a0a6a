package assist

import (
	"context"

	"github.com/siyu-live/siyu/internal/org"
)

// TenantList returns the tenant's latest offers across its sessions, newest first, at
// most limit, closed ones included, for the console's marketing overview.
func (s *Service) TenantList(ctx context.Context, p org.Principal, limit int) ([]Assist, error) {
	return offers.TenantList(ctx, s.store, p.TenantID, limit)
}
