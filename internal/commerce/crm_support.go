package commerce

// anySource is the hook key of hooks that hear orders of every source; it can never be
// a real source (sources start with a letter).
const anySource = ""

// OnAnyPaid registers fn for orders of every source, after the source's own hooks, in
// the transaction that marks an order paid. It exists for the CRM, which keeps each
// buyer's profile from every order whatever tool sold it, including sources added
// later. Register while wiring, before serving.
func (s *Service) OnAnyPaid(fn Hook) { s.registerAny(s.onPaid, fn) }

// OnAnyRelease registers fn for orders of every source, after the source's own hooks,
// in the transaction that cancels, expires or refunds an order (see OnRelease).
func (s *Service) OnAnyRelease(fn Hook) { s.registerAny(s.onRelease, fn) }

func (s *Service) registerAny(m map[string][]Hook, fn Hook) {
	if fn == nil {
		panic("commerce: nil any-source hook")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	m[anySource] = append(m[anySource], fn)
}
