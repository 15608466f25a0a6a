package segment

import "math"

// evaluator computes the customers of one tenant a rule holds for, as a bitset over
// the tenant's slots, with bitmap AND/OR/ANDNOT for the boolean structure and one pass
// over a compact array for each behaviour term. It runs under the tenant's read lock.
type evaluator struct {
	t     *tenantIndex
	tags  map[string]int64 // resolved tag names; a missing name matches nobody
	now   int64            // unix ms, for seen
	words int
}

func newEvaluator(t *tenantIndex, tags map[string]int64, now int64) *evaluator {
	return &evaluator{t: t, tags: tags, now: now, words: (t.size() + 63) >> 6}
}

// members returns the live customers the rule holds for.
func (ev *evaluator) members(e *Expr) bitset {
	set, owned := ev.eval(e.root)
	if !owned {
		set = set.clone(ev.words)
	}
	set.and(ev.t.live)
	return set
}

// count returns how many live customers the rule holds for.
func (ev *evaluator) count(e *Expr) int {
	set, _ := ev.eval(e.root) // a single tag is counted in place, without a copy
	return set.andCount(ev.t.live)
}

// eval returns the set of slots n holds for. owned is false when the set is the
// index's own (a tag's bitset), which the caller must not change.
func (ev *evaluator) eval(n node) (bitset, bool) {
	switch n := n.(type) {
	case tagTerm:
		if id, ok := ev.tags[n.name]; ok {
			if b := ev.t.tags[id]; b != nil {
				return *b, false
			}
		}
		return nil, false
	case notNode:
		out := ev.t.live.clone(ev.words)
		x, _ := ev.eval(n.x)
		out.andNot(x)
		return out, true
	case andNode:
		var out bitset
		// Positive terms first; negated ones are subtracted (a AND NOT b = a ANDNOT b).
		for _, x := range n.terms {
			if _, neg := x.(notNode); neg {
				continue
			}
			s, owned := ev.eval(x)
			switch {
			case out == nil && owned:
				out = s
			case out == nil:
				out = s.clone(ev.words)
			default:
				out.and(s)
			}
		}
		if out == nil {
			out = ev.t.live.clone(ev.words)
		}
		for _, x := range n.terms {
			if neg, ok := x.(notNode); ok {
				s, _ := ev.eval(neg.x)
				out.andNot(s)
			}
		}
		return out, true
	case orNode:
		out := make(bitset, ev.words)
		for _, x := range n.terms {
			s, _ := ev.eval(x)
			out.or(s)
		}
		return out, true
	case sourceTerm:
		return ev.source(n), true
	case cmpTerm:
		return ev.compare(n), true
	}
	panic("segment: unknown node")
}

func (ev *evaluator) source(n sourceTerm) bitset {
	out := make(bitset, ev.words)
	code, ok := ev.t.codes[n.channel]
	if !ok {
		return out
	}
	codes := ev.t.first
	if n.last {
		codes = ev.t.last
	}
	for s, c := range codes {
		if c == code {
			out[s>>6] |= 1 << (uint(s) & 63)
		}
	}
	return out
}

func (ev *evaluator) compare(n cmpTerm) bitset {
	out := make(bitset, ev.words)
	var vals []int64
	switch n.metric {
	case metricOrders:
		vals = ev.t.orders
	case metricSpent:
		vals = ev.t.spent
	case metricWatched:
		vals = ev.t.watch
	case metricSeen:
		// The age since last seen; never seen is infinitely long ago.
		for s, at := range ev.t.seen {
			age := int64(math.MaxInt64)
			if at != 0 {
				age = ev.now - at
			}
			if holds(n.op, age, n.value) {
				out[s>>6] |= 1 << (uint(s) & 63)
			}
		}
		return out
	}
	v := n.value
	// One loop per operator keeps the comparison out of a function call per customer.
	switch n.op {
	case ">=":
		for s, x := range vals {
			if x >= v {
				out[s>>6] |= 1 << (uint(s) & 63)
			}
		}
	case ">":
		for s, x := range vals {
			if x > v {
				out[s>>6] |= 1 << (uint(s) & 63)
			}
		}
	case "<=":
		for s, x := range vals {
			if x <= v {
				out[s>>6] |= 1 << (uint(s) & 63)
			}
		}
	case "<":
		for s, x := range vals {
			if x < v {
				out[s>>6] |= 1 << (uint(s) & 63)
			}
		}
	case "=":
		for s, x := range vals {
			if x == v {
				out[s>>6] |= 1 << (uint(s) & 63)
			}
		}
	case "!=":
		for s, x := range vals {
			if x != v {
				out[s>>6] |= 1 << (uint(s) & 63)
			}
		}
	}
	return out
}

func holds(op string, x, v int64) bool {
	switch op {
	case ">=":
		return x >= v
	case ">":
		return x > v
	case "<=":
		return x <= v
	case "<":
		return x < v
	case "=":
		return x == v
	case "!=":
		return x != v
	}
	return false
}
