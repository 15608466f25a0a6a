package segment

import (
	"context"
	"fmt"
	"log/slog"
	"slices"
	"sync"

	"github.com/siyu-live/siyu/internal/crm"
	"github.com/siyu-live/siyu/internal/db"
)

// Index keeps every loaded tenant's customers in memory for segment counts. A tenant
// is loaded from the tables (in pages) on first use or by Warm, and kept current by
// the crm.Observer calls that follow every committed change on this node, and by
// reloads of the customers other nodes changed (sync.go). Safe for concurrent use.
//
// An observer call only queues the change (a mutex and an append): the CRM calls it
// inside its write path and must never wait for a count holding the tenant's read
// lock. The queue is applied under the write lock by a short-lived goroutine, and by
// every read before it evaluates, so a count asked after a change sees it.
type Index struct {
	store    *db.DB
	log      *slog.Logger
	pageSize int
	changed  func(tenantID, customerID int64) // told after every local change (the bus notifier)

	mu      sync.Mutex
	tenants map[int64]*entry
}

var _ crm.Observer = (*Index)(nil)

// entry is one tenant's index, its queue of changes not applied yet and its loading
// state.
type entry struct {
	mu sync.RWMutex // guards t's contents
	t  *tenantIndex // nil until loaded

	qmu   sync.Mutex
	queue []func(*tenantIndex) // changes in commit order, applied under mu

	ready chan struct{} // closed when loading ended
	err   error         // why loading failed
}

func newIndex(store *db.DB, log *slog.Logger, pageSize int) *Index {
	return &Index{store: store, log: log, pageSize: pageSize, tenants: map[int64]*entry{}}
}

// TagsChanged implements crm.Observer.
func (ix *Index) TagsChanged(tenantID, customerID int64, added, removed []int64) {
	added, removed = slices.Clone(added), slices.Clone(removed)
	ix.apply(tenantID, customerID, func(t *tenantIndex) { t.changeTags(customerID, added, removed) })
}

// CustomerChanged implements crm.Observer.
func (ix *Index) CustomerChanged(tenantID int64, f crm.Facts) {
	ix.apply(tenantID, f.ID, func(t *tenantIndex) { t.setFacts(f) })
}

// apply queues a local change and tells the bus notifier.
func (ix *Index) apply(tenantID, customerID int64, fn func(*tenantIndex)) {
	ix.write(tenantID, fn)
	if ix.changed != nil {
		ix.changed(tenantID, customerID)
	}
}

// write queues a change of a loaded or loading tenant (applied in order, soon, and
// before any later read); a tenant not loaded is left alone, its load will read the
// change from the tables.
func (ix *Index) write(tenantID int64, fn func(t *tenantIndex)) {
	ix.mu.Lock()
	e := ix.tenants[tenantID]
	ix.mu.Unlock()
	if e == nil {
		return
	}
	e.qmu.Lock()
	e.queue = append(e.queue, fn)
	first := len(e.queue) == 1
	e.qmu.Unlock()
	if first { // else a drain is due already and will take this one too
		go e.drain()
	}
}

// drain applies the queued changes to a loaded tenant (a loading one is drained by
// its load).
func (e *entry) drain() {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.t != nil {
		e.applyQueued()
	}
}

// applyQueued applies and empties the queue; the caller holds mu.
func (e *entry) applyQueued() {
	e.qmu.Lock()
	q := e.queue
	e.queue = nil
	e.qmu.Unlock()
	for _, fn := range q {
		fn(e.t)
	}
}

// tenant returns a tenant's loaded index entry, loading it first when needed. Several
// callers share one load; a failed load is retried by the next call.
func (ix *Index) tenant(ctx context.Context, tenantID int64) (*entry, error) {
	ix.mu.Lock()
	e := ix.tenants[tenantID]
	if e == nil {
		e = &entry{ready: make(chan struct{})}
		ix.tenants[tenantID] = e
		go ix.load(context.WithoutCancel(ctx), tenantID, e)
	}
	ix.mu.Unlock()
	select {
	case <-e.ready:
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	if e.err != nil {
		return nil, e.err
	}
	return e, nil
}

// load reads a tenant from the tables, then applies what changed meanwhile.
func (ix *Index) load(ctx context.Context, tenantID int64, e *entry) {
	t, err := loadTenant(ctx, ix.store, tenantID, ix.pageSize)
	if err != nil {
		e.err = fmt.Errorf("segment: load tenant %d: %w", tenantID, err)
		ix.mu.Lock()
		if ix.tenants[tenantID] == e {
			delete(ix.tenants, tenantID)
		}
		ix.mu.Unlock()
		ix.log.Error("segment index load failed", "tenant", tenantID, "err", err)
		close(e.ready)
		return
	}
	e.mu.Lock()
	e.t = t
	e.applyQueued()
	e.mu.Unlock()
	close(e.ready)
}

// Loaded reports whether a tenant's index is in memory (and so counts answer at once).
func (ix *Index) Loaded(tenantID int64) bool {
	ix.mu.Lock()
	e := ix.tenants[tenantID]
	ix.mu.Unlock()
	if e == nil {
		return false
	}
	select {
	case <-e.ready:
		return e.err == nil
	default:
		return false
	}
}

// Drop forgets a tenant, so the next use loads it again from the tables (tests and
// the bench measure cold loads with it; an operator could after a bulk import).
func (ix *Index) Drop(tenantID int64) {
	ix.mu.Lock()
	delete(ix.tenants, tenantID)
	ix.mu.Unlock()
}

// Warm loads every tenant that has customers, one after another, so the first count
// after a start does not wait for a load.
func (ix *Index) Warm(ctx context.Context) error {
	var ids []int64
	if err := ix.store.SelectContext(ctx, &ids, `SELECT t.id FROM tenants t
		WHERE EXISTS (SELECT 1 FROM customers c WHERE c.tenant_id = t.id) ORDER BY t.id`); err != nil {
		return fmt.Errorf("segment: tenants to load: %w", err)
	}
	for _, id := range ids {
		if _, err := ix.tenant(ctx, id); err != nil {
			return err
		}
	}
	return nil
}

// read runs fn under a tenant's read lock, after applying the changes queued so far.
func (ix *Index) read(ctx context.Context, tenantID int64, fn func(t *tenantIndex) error) error {
	e, err := ix.tenant(ctx, tenantID)
	if err != nil {
		return err
	}
	e.qmu.Lock()
	queued := len(e.queue) > 0
	e.qmu.Unlock()
	if queued {
		e.drain()
	}
	e.mu.RLock()
	defer e.mu.RUnlock()
	return fn(e.t)
}

// known reports whether a tenant is loaded or loading here.
func (ix *Index) known(tenantID int64) bool {
	ix.mu.Lock()
	defer ix.mu.Unlock()
	return ix.tenants[tenantID] != nil
}
