package segment

import "math/bits"

// bitset is a dense set of customer slots (one bit per customer of a tenant): 125 KB
// per million customers, so AND/OR/ANDNOT over a tenant's whole base are a few
// thousand word operations. Words beyond the slice are zero, so sets of different
// lengths combine without being resized first.
type bitset []uint64

func (b bitset) has(i int) bool {
	w := i >> 6
	return w < len(b) && b[w]&(1<<(uint(i)&63)) != 0
}

// set sets bit i, growing the set (amortised) when needed.
func (b *bitset) set(i int) {
	w := i >> 6
	if w >= len(*b) {
		if w >= cap(*b) { // the spare capacity is zero: sets only grow
			grown := make(bitset, len(*b), max(w+1, 2*cap(*b), 16))
			copy(grown, *b)
			*b = grown
		}
		*b = (*b)[:w+1]
	}
	(*b)[w] |= 1 << (uint(i) & 63)
}

func (b bitset) clear(i int) {
	if w := i >> 6; w < len(b) {
		b[w] &^= 1 << (uint(i) & 63)
	}
}

func (b bitset) count() int {
	n := 0
	for _, w := range b {
		n += bits.OnesCount64(w)
	}
	return n
}

// clone copies b into a new set of exactly words words.
func (b bitset) clone(words int) bitset {
	out := make(bitset, words)
	copy(out, b)
	return out
}

// and keeps in b only the bits also in o.
func (b bitset) and(o bitset) {
	n := min(len(b), len(o))
	for i := 0; i < n; i++ {
		b[i] &= o[i]
	}
	clear(b[n:])
}

// or adds o's bits to b (b must be at least as long as o's non-zero part).
func (b bitset) or(o bitset) {
	n := min(len(b), len(o))
	for i := 0; i < n; i++ {
		b[i] |= o[i]
	}
}

// andNot removes o's bits from b.
func (b bitset) andNot(o bitset) {
	n := min(len(b), len(o))
	for i := 0; i < n; i++ {
		b[i] &^= o[i]
	}
}

// andCount counts the bits of b AND o without building the set.
func (b bitset) andCount(o bitset) int {
	n, c := min(len(b), len(o)), 0
	for i := 0; i < n; i++ {
		c += bits.OnesCount64(b[i] & o[i])
	}
	return c
}

// eachDown calls fn for every set bit from bit from down to 0 until fn returns false.
func (b bitset) eachDown(from int, fn func(i int) bool) {
	if from < 0 {
		return
	}
	w := min(from>>6, len(b)-1)
	if w < 0 {
		return
	}
	for ; w >= 0; w-- {
		x := b[w]
		if w == from>>6 && from&63 != 63 {
			x &= 1<<(uint(from&63)+1) - 1
		}
		for x != 0 {
			top := 63 - bits.LeadingZeros64(x)
			if !fn(w<<6 | top) {
				return
			}
			x &^= 1 << uint(top)
		}
	}
}
