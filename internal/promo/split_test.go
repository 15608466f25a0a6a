package promo_test

import (
	"bytes"
	"crypto/rand"
	"math/big"
	"testing"

	"github.com/siyu-live/siyu/internal/promo"
)

// TestSplitInvariants is a property test over many random totals and counts: every
// share is at least 1 fen and the shares add up to the total exactly, in both modes.
func TestSplitInvariants(t *testing.T) {
	t.Parallel()
	randInt := func(max int64) int64 {
		n, err := rand.Int(rand.Reader, big.NewInt(max))
		if err != nil {
			t.Fatal(err)
		}
		return n.Int64() + 1
	}
	cases := [][2]int64{{1, 1}, {2, 2}, {2, 1}, {10_000, 10_000}, {10_001, 10_000}, {100_000_000, 1}, {100_000_000, 10_000}, {7, 3}}
	for range 400 {
		count := randInt(promo.MaxEnvelopeShares)
		if randInt(4) == 1 {
			count = randInt(20)
		}
		total := count + randInt(promo.MaxEnvelopeTotal-count) - 1
		if randInt(3) == 1 {
			total = count + randInt(3) - 1 // tight: almost every share is 1 fen
		}
		cases = append(cases, [2]int64{total, count})
	}
	for _, c := range cases {
		for _, mode := range []string{promo.ModeRandom, promo.ModeFixed} {
			shares, err := promo.Split(c[0], c[1], mode, rand.Reader)
			if err != nil {
				t.Fatalf("split %d into %d %s: %v", c[0], c[1], mode, err)
			}
			if int64(len(shares)) != c[1] {
				t.Fatalf("split %d into %d %s: %d shares", c[0], c[1], mode, len(shares))
			}
			sum, lo, hi := int64(0), shares[0], shares[0]
			for _, s := range shares {
				if s < 1 {
					t.Fatalf("split %d into %d %s: a share of %d fen", c[0], c[1], mode, s)
				}
				sum, lo, hi = sum+s, min(lo, s), max(hi, s)
			}
			if sum != c[0] {
				t.Fatalf("split %d into %d %s: shares add up to %d", c[0], c[1], mode, sum)
			}
			if mode == promo.ModeFixed && hi-lo > 1 {
				t.Fatalf("fixed split %d into %d: shares from %d to %d differ by more than 1 fen", c[0], c[1], lo, hi)
			}
		}
	}
}

func TestSplitFixedRemainderGoesToTheFirstShares(t *testing.T) {
	t.Parallel()
	shares, err := promo.Split(100, 3, promo.ModeFixed, rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	if shares[0] != 34 || shares[1] != 33 || shares[2] != 33 {
		t.Fatalf("100 fen in 3 fixed shares = %v, want [34 33 33]", shares)
	}
}

func TestSplitRandomIsRandomAndUnbiasedEnough(t *testing.T) {
	t.Parallel()
	// 10 fen in 2 shares: the cut is uniform on 1…9, so the first share is 1…9 each
	// about 1/9 of the time.
	counts := map[int64]int{}
	for range 9000 {
		s, err := promo.Split(10, 2, promo.ModeRandom, rand.Reader)
		if err != nil {
			t.Fatal(err)
		}
		counts[s[0]]++
	}
	for v := int64(1); v <= 9; v++ {
		if counts[v] < 800 || counts[v] > 1200 {
			t.Fatalf("first share %d came %d times in 9000 (want ~1000): %v", v, counts[v], counts)
		}
	}
}

func TestSplitRejectsBadInputAndFailingRandomness(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		total, count int64
		mode         string
	}{{0, 1, "random"}, {5, 6, "random"}, {5, 0, "fixed"}, {5, 5, "lucky"}} {
		if _, err := promo.Split(c.total, c.count, c.mode, rand.Reader); err == nil {
			t.Errorf("split %d into %d %s was accepted", c.total, c.count, c.mode)
		}
	}
	if _, err := promo.Split(1000, 10, promo.ModeRandom, bytes.NewReader(nil)); err == nil {
		t.Error("a random split without randomness succeeded")
	}
}
