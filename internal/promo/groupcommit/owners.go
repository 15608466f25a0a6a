package groupcommit

import (
	"sync"
	"sync/atomic"
)

// Owner is an owner goroutine: Run decides requests until the owner ends; Stop makes
// it answer what it holds and return, and waits for that.
type Owner interface {
	Run()
	Stop()
}

// Owners is a tool's registry of owner goroutines, one per envelope or sale, keyed by
// its id. Owners are built lazily from the store on first use after start-up (so a
// restart after kill -9 resumes from exactly what was committed) and never once the
// service is closing. Lookups of a loaded owner take no lock; building one, retiring
// one and closing take the registry's lock, so an owner is built once and none starts
// after Close. Safe for concurrent use.
type Owners[O Owner] struct {
	mu      sync.Mutex
	m       sync.Map // id → O
	closing atomic.Bool
	// Unavailable is the answer while the service is closing ("the server is
	// restarting; try again"), in the tool's words.
	Unavailable func() error
}

// Loaded returns the owner of id if it is in memory.
func (r *Owners[O]) Loaded(id int64) (O, bool) {
	v, ok := r.m.Load(id)
	if !ok {
		var zero O
		return zero, false
	}
	return v.(O), true
}

// LoadedLocked is Loaded under the registry's lock, so an owner being built right now
// is either found or builds after the caller's change committed (and reads it).
func (r *Owners[O]) LoadedLocked(id int64) (O, bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.Loaded(id)
}

// For returns the owner of id, building and running it with build on first use.
// check, when not nil, runs before the lock (e.g. a cheap read, so an unknown id costs
// no write transaction) and its error is returned as it is.
func (r *Owners[O]) For(id int64, check func() error, build func() (O, error)) (O, error) {
	var zero O
	if o, ok := r.Loaded(id); ok {
		return o, nil
	}
	if r.closing.Load() {
		return zero, r.Unavailable()
	}
	if check != nil {
		if err := check(); err != nil {
			return zero, err
		}
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if o, ok := r.Loaded(id); ok {
		return o, nil
	}
	o, err := build()
	if err != nil {
		return zero, err
	}
	return r.start(id, o)
}

// Adopt runs the owner of something created on this node, unless one is loaded.
func (r *Owners[O]) Adopt(id int64, build func() O) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if _, ok := r.Loaded(id); !ok {
		_, _ = r.start(id, build())
	}
}

// start registers and runs an owner; the caller holds mu.
func (r *Owners[O]) start(id int64, o O) (O, error) {
	if r.closing.Load() {
		var zero O
		return zero, r.Unavailable()
	}
	r.m.Store(id, o)
	go o.Run()
	return o, nil
}

// Retire takes an owner whose envelope or sale closed for good out of the registry
// (a later lookup rebuilds it from the store, which refuses everything) and reports
// whether it did: while closing, Close's list keeps it, so it is stopped with the rest.
func (r *Owners[O]) Retire(id int64) bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.closing.Load() {
		return false
	}
	r.m.Delete(id)
	return true
}

// Shutdown is a tool's Stop: the registry refuses new owners, every owner answers
// what it holds and ends, the writer commits and answers everything they decided, and
// then after runs for each owner (to wake anyone still waiting on it). Nothing decided
// is dropped. It reports false, doing nothing, when shut down already.
func (r *Owners[O]) Shutdown(w interface{ Close() }, after func(O)) bool {
	if r.closing.Swap(true) {
		return false
	}
	var all []O
	r.mu.Lock() // no owner is being started from here on
	r.m.Range(func(_, v any) bool {
		all = append(all, v.(O))
		return true
	})
	r.mu.Unlock()
	for _, o := range all {
		o.Stop()
	}
	w.Close()
	for _, o := range all {
		after(o)
	}
	return true
}
