package crm

import (
	"context"
	"strconv"

	"github.com/siyu-live/siyu/internal/db"
)

// LinkViewer records that a viewer account belongs to a known customer: a broadcast
// recipient opening their own tracked link gets a viewer account for the room, and
// without this their watching, comments and orders would land on a new guest profile
// instead of the imported customer the brand reached. Identities keep their first
// owner, so a viewer the CRM already placed stays where it is.
func (s *Service) LinkViewer(ctx context.Context, q db.Querier, tenantID, customerID, viewerID int64) error {
	return addIdentity(ctx, q, tenantID, customerID, KindViewer, strconv.FormatInt(viewerID, 10), viewerID, s.now().UnixMilli())
}
