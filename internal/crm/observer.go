package crm

import "context"

// Observer hears every committed change to a customer's tags and aggregates, after commit,
// in commit order per customer. It exists so that derived views (the segment index) can stay
// current from events instead of rebuilding from the tables. Calls are made on the goroutine
// that committed, one at a time: return quickly, and never call back into the Service's
// writes (that would deadlock).
type Observer interface {
	// TagsChanged reports tag ids added to and removed from one customer.
	TagsChanged(tenantID, customerID int64, added, removed []int64)
	// CustomerChanged reports a customer's aggregates after a change, a merge or an erase.
	CustomerChanged(tenantID int64, c Facts)
}

// Facts are the aggregates of one customer an observer may index; Gone says the profile
// was merged away or erased so an index should drop it.
type Facts struct {
	ID          int64
	OrdersCount int64
	SpentFen    int64
	WatchMS     int64
	LastSeenAt  int64
	FirstSource string
	LastSource  string
	Gone        bool // merged away or erased
}

// AddObserver registers o to hear every later committed change; call it before Start so no
// change is missed.
func (s *Service) AddObserver(o Observer) {
	s.obsMu.Lock()
	defer s.obsMu.Unlock()
	s.observers = append(s.observers, o)
}

// TagID resolves a tag name (as in a segment's tag:<name>) to its id within the tenant;
// ok is false when no such tag exists.
func (s *Service) TagID(ctx context.Context, tenantID int64, name string) (int64, bool, error) {
	return s.tagID(ctx, tenantID, name)
}
