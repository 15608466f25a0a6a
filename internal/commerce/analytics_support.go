package commerce

import (
	"context"
	"fmt"

	"github.com/siyu-live/siyu/internal/db"
)

// OnAnyCreated registers fn for orders of every source, in the transaction that
// creates an order (after its lines, coupon and expiry timer are written), so the live
// dashboard counts an order the moment it exists whatever tool sold it. An error rolls
// the order back. Register while wiring, before serving.
func (s *Service) OnAnyCreated(fn Hook) {
	if fn == nil {
		panic("commerce: nil created hook")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.onCreated = append(s.onCreated, fn)
}

// runCreated calls the created hooks.
func (s *Service) runCreated(ctx context.Context, tx *db.Tx, o Order) error {
	s.mu.RLock()
	hooks := s.onCreated
	s.mu.RUnlock()
	for _, h := range hooks {
		if err := h(ctx, tx, o); err != nil {
			return fmt.Errorf("commerce: created hook for order %d: %w", o.ID, err)
		}
	}
	return nil
}
