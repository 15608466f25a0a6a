package promo

import (
	"encoding/binary"
	"fmt"
	"io"
	"math"
	"slices"
)

// Split modes of a red envelope.
const (
	ModeRandom = "random" // 拼手气: shares differ at random
	ModeFixed  = "fixed"  // 普通: equal shares
)

// Split divides total fen into count shares, each at least 1 fen, adding up to total
// exactly. It runs once, when the envelope is created, so a grab only takes the next
// share (O(1), nothing to round).
//
// Fixed mode: every share is total/count; the remainder r = total mod count adds one
// fen to each of the first r shares, so shares differ by at most 1 fen and grabbers
// who come first get the extra fen.
//
// Random mode ("random cut points"): count-1 distinct cut points are drawn uniformly
// from 1…total-1 (Floyd's sampling, crypto/rand through r, rejection sampling so no
// modulo bias), sorted, and the shares are the gaps between 0, the cuts and total.
// Every composition of total into count positive parts is equally likely, so each
// share has the same distribution whatever the grab order (mean total/count).
func Split(total, count int64, mode string, r io.Reader) ([]int64, error) {
	if count < 1 || total < count {
		return nil, fmt.Errorf("promo: split %d fen into %d shares: need total ≥ count ≥ 1", total, count)
	}
	shares := make([]int64, count)
	switch mode {
	case ModeFixed:
		base, rem := total/count, total%count
		for i := range shares {
			shares[i] = base
			if int64(i) < rem {
				shares[i]++
			}
		}
		return shares, nil
	case ModeRandom:
	default:
		return nil, fmt.Errorf("promo: unknown split mode %q", mode)
	}
	src := newRandSource(r)
	// Floyd: for j in n-k+1…n pick t in 1…j; take t, or j when t is already taken.
	n, k := total-1, count-1
	cuts := make(map[int64]struct{}, k)
	for j := n - k + 1; j <= n; j++ {
		t, err := src.below(uint64(j))
		if err != nil {
			return nil, err
		}
		v := int64(t) + 1
		if _, taken := cuts[v]; taken {
			v = j
		}
		cuts[v] = struct{}{}
	}
	points := make([]int64, 0, k+1)
	for c := range cuts {
		points = append(points, c)
	}
	slices.Sort(points)
	points = append(points, total)
	prev := int64(0)
	for i, p := range points {
		shares[i] = p - prev
		prev = p
	}
	return shares, nil
}

// randSource reads uniform integers from a cryptographic reader in 512-byte chunks.
type randSource struct {
	r   io.Reader
	buf [512]byte
	off int
}

func newRandSource(r io.Reader) *randSource {
	return &randSource{r: r, off: 512}
}

func (s *randSource) uint64() (uint64, error) {
	if s.off+8 > len(s.buf) {
		if _, err := io.ReadFull(s.r, s.buf[:]); err != nil {
			return 0, fmt.Errorf("promo: random: %w", err)
		}
		s.off = 0
	}
	v := binary.BigEndian.Uint64(s.buf[s.off:])
	s.off += 8
	return v, nil
}

// below returns a uniform integer in [0, m) for m ≥ 1, rejecting the top values of the
// 64-bit range that would make some results more likely than others.
func (s *randSource) below(m uint64) (uint64, error) {
	limit := math.MaxUint64 - (math.MaxUint64-m+1)%m // largest accepted value
	for {
		v, err := s.uint64()
		if err != nil {
			return 0, err
		}
		if v <= limit {
			return v % m, nil
		}
	}
}
