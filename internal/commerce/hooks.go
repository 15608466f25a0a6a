package commerce

import (
	"context"
	"fmt"

	"github.com/siyu-live/siyu/internal/db"
)

// Hook is called inside the transaction of an order transition, with the order as it
// is after the transition. Returning an error rolls the whole transition back (the
// order keeps its previous status, stock is not returned, no webhook goes out), so a
// hook and the transition it follows either both happen or neither does.
//
// Hooks let the in-room tools (flash sale, group buy, comment-to-buy) keep their own
// books without commerce knowing them: a flash sale that reserved its own stock
// returns it in its release hook and counts a sale in its paid hook.
type Hook func(ctx context.Context, tx *db.Tx, o Order) error

// OnPaid registers fn for orders of source: it runs in the transaction that marks
// such an order paid (exactly once per order). Register while wiring, before serving;
// several hooks per source run in registration order.
func (s *Service) OnPaid(source string, fn Hook) {
	s.register(s.onPaid, source, fn)
}

// OnRelease registers fn for orders of source: it runs in the transaction that
// cancels (by the buyer), expires or refunds such an order, i.e. whenever the goods
// it reserved are given back. o.Status tells which (cancelled or refunded) and
// o.CancelReason why a cancelled order was cancelled (buyer or expired). It runs
// exactly once per order, because an order is released at most once.
func (s *Service) OnRelease(source string, fn Hook) {
	s.register(s.onRelease, source, fn)
}

func (s *Service) register(m map[string][]Hook, source string, fn Hook) {
	if err := checkSource(source); err != nil || fn == nil {
		panic(fmt.Sprintf("commerce: hook for source %q: invalid source or nil hook", source))
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	m[source] = append(m[source], fn)
}

// runHooks calls the hooks of m registered for o's source.
func (s *Service) runHooks(ctx context.Context, tx *db.Tx, m map[string][]Hook, o Order) error {
	s.mu.RLock()
	hooks := append(append([]Hook(nil), m[o.Source]...), m[anySource]...)
	s.mu.RUnlock()
	for _, h := range hooks {
		if err := h(ctx, tx, o); err != nil {
			return fmt.Errorf("commerce: %s hook for order %d: %w", o.Source, o.ID, err)
		}
	}
	return nil
}
