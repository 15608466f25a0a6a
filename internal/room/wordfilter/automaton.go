package wordfilter

import "slices"

// automaton is an Aho–Corasick automaton over the bytes of the normalized banned
// words, so a comment is scanned once whatever the number of words. Matching bytes
// rather than runes is sound because UTF-8 is self-synchronizing: a valid pattern
// found in valid text always starts and ends on rune boundaries.
//
// State 0 is the root. The edges of state s are labels/targets[first[s]:first[s+1]],
// sorted by label; the root also has a complete table so the common case of falling
// back to it costs one lookup. The layout is a few flat slices rather than a node per
// state so that 2,000 long words stay compact and quick to walk.
type automaton struct {
	root    [256]int32
	first   []int32
	labels  []byte
	targets []int32
	fail    []int32 // longest proper suffix of the state that is also a state
	word    []int32 // index of the pattern spelled by the state, or -1
	dict    []int32 // nearest state on the fail chain that spells a pattern, or 0
}

// edge is a trie edge while the automaton is built.
type edge struct {
	from, to int32
	label    byte
}

// build makes the automaton of pats, which must be distinct and non-empty; word
// values are indexes into pats.
func build(pats []string) *automaton {
	a := &automaton{word: []int32{-1}}
	child := map[int64]int32{}
	var edges []edge
	for i, p := range pats {
		s := int32(0)
		for j := 0; j < len(p); j++ {
			key := int64(s)<<8 | int64(p[j])
			t, ok := child[key]
			if !ok {
				t = int32(len(a.word))
				a.word = append(a.word, -1)
				child[key] = t
				edges = append(edges, edge{s, t, p[j]})
			}
			s = t
		}
		a.word[s] = int32(i)
	}
	slices.SortFunc(edges, func(x, y edge) int {
		if x.from != y.from {
			return int(x.from - y.from)
		}
		return int(x.label) - int(y.label)
	})
	n := len(a.word)
	a.first = make([]int32, n+1)
	a.labels = make([]byte, len(edges))
	a.targets = make([]int32, len(edges))
	for i, e := range edges {
		a.first[e.from+1]++
		a.labels[i], a.targets[i] = e.label, e.to
	}
	for s := range n {
		a.first[s+1] += a.first[s]
	}
	for i := a.first[0]; i < a.first[1]; i++ {
		a.root[a.labels[i]] = a.targets[i]
	}
	a.links(n)
	return a
}

// links computes fail and dict breadth first, so the links of shallower states are
// ready when a deeper state needs them.
func (a *automaton) links(n int) {
	a.fail = make([]int32, n)
	a.dict = make([]int32, n)
	queue := make([]int32, 0, n)
	queue = append(queue, a.targets[a.first[0]:a.first[1]]...)
	for len(queue) > 0 {
		s := queue[0]
		queue = queue[1:]
		for i := a.first[s]; i < a.first[s+1]; i++ {
			t := a.targets[i]
			f := a.next(a.fail[s], a.labels[i])
			a.fail[t] = f
			if a.word[f] >= 0 {
				a.dict[t] = f
			} else {
				a.dict[t] = a.dict[f]
			}
			queue = append(queue, t)
		}
	}
}

// next is the transition of the automaton: the edge of s labelled b if any, otherwise
// that of its longest suffix that has one. It runs in amortized constant time.
func (a *automaton) next(s int32, b byte) int32 {
	for s != 0 {
		lo, hi := a.first[s], a.first[s+1]
		if hi-lo <= 8 {
			for i := lo; i < hi && a.labels[i] <= b; i++ {
				if a.labels[i] == b {
					return a.targets[i]
				}
			}
		} else {
			for lo < hi {
				m := int32(uint32(lo+hi) >> 1)
				if a.labels[m] < b {
					lo = m + 1
				} else {
					hi = m
				}
			}
			if lo < a.first[s+1] && a.labels[lo] == b {
				return a.targets[lo]
			}
		}
		s = a.fail[s]
	}
	return a.root[b]
}
