package promo

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"hash"
	"math"
)

// LotteryAlgorithm names the draw algorithm below; it is published with every lottery
// so a verifier knows which rules to apply (docs/lottery.md).
const LotteryAlgorithm = "siyu-lottery-v1"

// SeedBytes is the length of a lottery seed.
const SeedBytes = 32

// Commitment is the published promise of a seed: lowercase hex of SHA-256(seed).
func Commitment(seed []byte) string {
	sum := sha256.Sum256(seed)
	return hex.EncodeToString(sum[:])
}

// DrawWinners is siyu-lottery-v1: a deterministic function of the seed, the entrant
// list (viewer ids in entry order) and the number of winners k.
//
//  1. A byte stream: block c (c = 0, 1, 2, …) is HMAC-SHA256(key = seed, message =
//     c as 8 bytes big-endian); the stream is block 0 ‖ block 1 ‖ …, and each random
//     value is the next 8 bytes read as a big-endian uint64 (4 values per block).
//  2. uniform(m): let r = 2^64 mod m; take values until one is < 2^64 − r (rejection
//     sampling: no modulo bias) and return it mod m.
//  3. A partial Fisher–Yates shuffle of a copy of the list: for i = 0 … k'−1 with
//     k' = min(k, n): j = i + uniform(n − i); swap positions i and j.
//  4. The winners are the first k' positions, in that order (place 1, 2, …).
func DrawWinners(seed []byte, entrants []int64, k int) []int64 {
	n := len(entrants)
	k = max(0, min(k, n))
	a := make([]int64, n)
	copy(a, entrants)
	st := newDrawStream(seed)
	for i := range k {
		j := i + int(st.uniform(uint64(n-i)))
		a[i], a[j] = a[j], a[i]
	}
	return a[:k:k]
}

// drawStream is the HMAC-SHA256 counter-mode stream of step 1.
type drawStream struct {
	mac     hash.Hash
	counter uint64
	block   []byte
	off     int
}

func newDrawStream(seed []byte) *drawStream {
	return &drawStream{mac: hmac.New(sha256.New, seed), off: sha256.Size}
}

func (d *drawStream) next() uint64 {
	if d.off+8 > len(d.block) {
		var msg [8]byte
		binary.BigEndian.PutUint64(msg[:], d.counter)
		d.counter++
		d.mac.Reset()
		d.mac.Write(msg[:])
		d.block = d.mac.Sum(d.block[:0])
		d.off = 0
	}
	v := binary.BigEndian.Uint64(d.block[d.off:])
	d.off += 8
	return v
}

// uniform is step 2; m ≥ 1.
func (d *drawStream) uniform(m uint64) uint64 {
	limit := math.MaxUint64 - (math.MaxUint64-m+1)%m // accept v ≤ limit, i.e. v < 2^64 − r
	for {
		if v := d.next(); v <= limit {
			return v % m
		}
	}
}
