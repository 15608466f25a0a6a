package segment

import (
	"cmp"
	"slices"
	"sort"

	"github.com/siyu-live/siyu/internal/crm"
)

// tenantIndex is one tenant's customers in memory: a slot per customer, a bitset of
// the live ones (not merged away, not erased), one bitset per tag and compact arrays
// of the behaviour numbers. Slots are handed out in arrival order; customer ids
// normally arrive ascending, so ids[:sorted] is sorted and found by binary search, and
// the few that arrive out of order (concurrent inserts on PostgreSQL) sit in extra.
// Guarded by Index.mu of its tenant entry.
type tenantIndex struct {
	ids    []int64
	sorted int
	extra  map[int64]int32

	live bitset
	tags map[int64]*bitset // tag id → customers carrying it

	orders  []int64
	spent   []int64 // fen
	watch   []int64 // ms
	seen    []int64 // unix ms, 0 = never
	first   []uint32
	last    []uint32
	sources []string // source code → channel; code 0 is ""
	codes   map[string]uint32
}

func newTenantIndex() *tenantIndex {
	return &tenantIndex{extra: map[int64]int32{}, tags: map[int64]*bitset{}, sources: []string{""}, codes: map[string]uint32{"": 0}}
}

func (t *tenantIndex) size() int { return len(t.ids) }

// slot finds a customer's slot.
func (t *tenantIndex) slot(id int64) (int, bool) {
	if i, ok := slices.BinarySearch(t.ids[:t.sorted], id); ok {
		return i, true
	}
	if s, ok := t.extra[id]; ok {
		return int(s), true
	}
	return 0, false
}

// slotFor finds or adds a customer's slot; a new customer starts live with no tags.
func (t *tenantIndex) slotFor(id int64) int {
	if s, ok := t.slot(id); ok {
		return s
	}
	s := len(t.ids)
	t.ids = append(t.ids, id)
	if t.sorted == s && (s == 0 || t.ids[s-1] < id) {
		t.sorted++
	} else {
		t.extra[id] = int32(s)
	}
	t.orders = append(t.orders, 0)
	t.spent = append(t.spent, 0)
	t.watch = append(t.watch, 0)
	t.seen = append(t.seen, 0)
	t.first = append(t.first, 0)
	t.last = append(t.last, 0)
	t.live.set(s)
	return s
}

func (t *tenantIndex) code(source string) uint32 {
	if c, ok := t.codes[source]; ok {
		return c
	}
	c := uint32(len(t.sources))
	t.sources = append(t.sources, source)
	t.codes[source] = c
	return c
}

// setFacts stores a customer's behaviour numbers and whether they still count.
func (t *tenantIndex) setFacts(f crm.Facts) {
	if _, ok := t.slot(f.ID); !ok && f.Gone {
		return // never counted here: no slot needed
	}
	s := t.slotFor(f.ID)
	t.orders[s] = f.OrdersCount
	t.spent[s] = f.SpentFen
	t.watch[s] = f.WatchMS
	t.seen[s] = f.LastSeenAt
	t.first[s] = t.code(f.FirstSource)
	t.last[s] = t.code(f.LastSource)
	if f.Gone {
		t.live.clear(s)
	} else {
		t.live.set(s)
	}
}

// changeTags applies a customer's tag changes.
func (t *tenantIndex) changeTags(customerID int64, added, removed []int64) {
	s := t.slotFor(customerID)
	for _, id := range added {
		b := t.tags[id]
		if b == nil {
			b = &bitset{}
			t.tags[id] = b
		}
		b.set(s)
	}
	for _, id := range removed {
		if b := t.tags[id]; b != nil {
			b.clear(s)
		}
	}
}

// setTags makes a customer's tags exactly have (a reload from the database).
func (t *tenantIndex) setTags(customerID int64, have []int64) {
	s := t.slotFor(customerID)
	for id, b := range t.tags {
		if b.has(s) && !slices.Contains(have, id) {
			b.clear(s)
		}
	}
	t.changeTags(customerID, have, nil)
}

// liveCount is how many customers count at all.
func (t *tenantIndex) liveCount() int { return t.live.count() }

// idsDown returns up to limit customer ids of set, below before, highest first.
func (t *tenantIndex) idsDown(set bitset, before int64, limit int) []int64 {
	var out []int64
	// The sorted prefix in id order, from the top; then the out-of-order extras.
	hi := sort.Search(t.sorted, func(i int) bool { return t.ids[i] >= before })
	if hi > 0 {
		set.eachDown(hi-1, func(s int) bool {
			out = append(out, t.ids[s])
			return len(out) < limit
		})
	}
	for id, s := range t.extra {
		if id < before && set.has(int(s)) {
			out = append(out, id)
		}
	}
	slices.SortFunc(out, func(a, b int64) int { return cmp.Compare(b, a) })
	if len(out) > limit {
		out = out[:limit]
	}
	return out
}
