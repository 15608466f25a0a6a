package segment

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/siyu-live/siyu/internal/bus"
	"github.com/siyu-live/siyu/internal/db"
)

// Subject is the bus subject on which nodes announce the customers whose tags or
// aggregates they changed, so the other nodes' indexes reload them.
const Subject = "siyu.crm.segment.changed"

const (
	syncEvery  = 50 * time.Millisecond // how long changes are gathered before one message
	syncMaxIDs = 500                   // customers per message
)

// changedMsg is one announcement: some customers of a tenant changed on node Node.
type changedMsg struct {
	Node   string  `json:"node"`
	Tenant int64   `json:"tenant"`
	IDs    []int64 `json:"ids"`
}

// syncer gathers this node's changes and publishes them every syncEvery, and reloads
// the customers other nodes announce. Core NATS (fire-and-forget): see the package
// doc for what a lost message means.
type syncer struct {
	bus   bus.Bus
	ix    *Index
	store *db.DB
	log   *slog.Logger
	node  string

	mu      sync.Mutex
	pending map[int64]map[int64]struct{} // tenant → customer ids
	sub     bus.Subscription
	running bool
	quit    chan struct{}
	done    chan struct{}
}

func newSyncer(b bus.Bus, ix *Index, store *db.DB, log *slog.Logger) *syncer {
	var id [8]byte
	_, _ = rand.Read(id[:])
	return &syncer{bus: b, ix: ix, store: store, log: log, node: hex.EncodeToString(id[:]),
		pending: map[int64]map[int64]struct{}{}, quit: make(chan struct{}), done: make(chan struct{})}
}

// changed notes a local change for the next announcement.
func (s *syncer) changed(tenantID, customerID int64) {
	s.mu.Lock()
	m := s.pending[tenantID]
	if m == nil {
		m = map[int64]struct{}{}
		s.pending[tenantID] = m
	}
	m[customerID] = struct{}{}
	s.mu.Unlock()
}

func (s *syncer) start() error {
	sub, err := s.bus.Subscribe(Subject, s.receive)
	if err != nil {
		return fmt.Errorf("segment: subscribe: %w", err)
	}
	s.mu.Lock()
	s.sub, s.running = sub, true
	s.mu.Unlock()
	go s.run()
	return nil
}

// stop publishes what is pending and unsubscribes; harmless when never started or
// called twice.
func (s *syncer) stop() {
	s.mu.Lock()
	running := s.running
	s.running = false
	s.mu.Unlock()
	if !running {
		return
	}
	close(s.quit)
	<-s.done
	_ = s.sub.Unsubscribe()
}

func (s *syncer) run() {
	defer close(s.done)
	t := time.NewTicker(syncEvery)
	defer t.Stop()
	for {
		select {
		case <-t.C:
			s.flush()
		case <-s.quit:
			s.flush()
			return
		}
	}
}

// flush publishes what changed since the last flush.
func (s *syncer) flush() {
	s.mu.Lock()
	pending := s.pending
	if len(pending) == 0 {
		s.mu.Unlock()
		return
	}
	s.pending = map[int64]map[int64]struct{}{}
	s.mu.Unlock()
	for tenant, set := range pending {
		ids := make([]int64, 0, len(set))
		for id := range set {
			ids = append(ids, id)
		}
		for start := 0; start < len(ids); start += syncMaxIDs {
			raw, _ := json.Marshal(changedMsg{Node: s.node, Tenant: tenant, IDs: ids[start:min(start+syncMaxIDs, len(ids))]})
			if err := s.bus.Publish(context.Background(), Subject, raw); err != nil {
				s.log.Warn("segment: announcing changes to other nodes failed; their counts may lag", "tenant", tenant, "err", err)
			}
		}
	}
}

// receive reloads the customers another node changed, for tenants loaded here.
func (s *syncer) receive(m bus.Msg) {
	var msg changedMsg
	if err := json.Unmarshal(m.Data, &msg); err != nil || msg.Node == s.node || len(msg.IDs) == 0 {
		return
	}
	if !s.ix.known(msg.Tenant) {
		return // its load will read the tables
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	facts, tags, err := reloadCustomers(ctx, s.store, msg.Tenant, msg.IDs)
	if err != nil {
		s.log.Warn("segment: reloading customers changed on another node failed", "tenant", msg.Tenant, "err", err)
		return
	}
	s.ix.write(msg.Tenant, func(t *tenantIndex) {
		for _, f := range facts {
			t.setFacts(f)
			if _, ok := t.slot(f.ID); ok {
				t.setTags(f.ID, tags[f.ID])
			}
		}
	})
}
