package promo_test

import (
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"github.com/siyu-live/siyu/internal/promo"
)

// exampleSeed is the seed of the worked example in docs/lottery.md (bytes 0x00…0x1f).
func exampleSeed() []byte {
	seed := make([]byte, 32)
	for i := range seed {
		seed[i] = byte(i)
	}
	return seed
}

// TestWorkedExampleOfTheDocs pins docs/lottery.md's example, so the document and the
// code cannot drift apart.
func TestWorkedExampleOfTheDocs(t *testing.T) {
	t.Parallel()
	seed := exampleSeed()
	if c := promo.Commitment(seed); c != "630dcd2966c4336691125448bbb25b4ff412a49c732db2c8abc1b8581bd710dd" {
		t.Fatalf("commitment %s", c)
	}
	got := promo.DrawWinners(seed, []int64{101, 102, 103, 104, 105, 106, 107, 108, 109, 110}, 3)
	if !slices.Equal(got, []int64{106, 109, 104}) {
		t.Fatalf("winners %v, want [106 109 104]", got)
	}
}

func TestDrawWinnersEdgesAndFairness(t *testing.T) {
	t.Parallel()
	seed := exampleSeed()
	if w := promo.DrawWinners(seed, nil, 3); len(w) != 0 {
		t.Fatalf("winners without entrants: %v", w)
	}
	if w := promo.DrawWinners(seed, []int64{7, 8}, 5); len(w) != 2 || !slices.Contains(w, 7) || !slices.Contains(w, 8) {
		t.Fatalf("more winners than entrants: %v", w)
	}
	// Each of 10 entrants wins one of 3 places about 30% of the time over random seeds.
	wins := map[int64]int{}
	entrants := []int64{1, 2, 3, 4, 5, 6, 7, 8, 9, 10}
	for range 10_000 {
		s := make([]byte, 32)
		_, _ = rand.Read(s)
		w := promo.DrawWinners(s, entrants, 3)
		if len(w) != 3 || w[0] == w[1] || w[1] == w[2] || w[0] == w[2] {
			t.Fatalf("bad draw %v", w)
		}
		for _, id := range w {
			wins[id]++
		}
	}
	for _, id := range entrants {
		if wins[id] < 2700 || wins[id] > 3300 {
			t.Fatalf("entrant %d won %d of 10000 draws, want ~3000: %v", id, wins[id], wins)
		}
	}
}

// drawnRecord is a correct published lottery for the verifier tests.
func drawnRecord() promo.LotteryRecord {
	seed := exampleSeed()
	entrants := []int64{101, 102, 103, 104, 105, 106, 107, 108, 109, 110}
	return promo.LotteryRecord{ID: 1, Status: "drawn", Algorithm: promo.LotteryAlgorithm, Commitment: promo.Commitment(seed),
		Seed: hex.EncodeToString(seed), WinnerCount: 3, Entrants: entrants, Winners: promo.DrawWinners(seed, entrants, 3)}
}

func TestVerifierAcceptsTheTruthAndRejectsTampering(t *testing.T) {
	t.Parallel()
	if err := promo.VerifyLottery(drawnRecord()); err != nil {
		t.Fatalf("a correct lottery failed verification: %v", err)
	}
	for _, c := range []struct {
		name   string
		tamper func(r *promo.LotteryRecord)
		want   string
	}{
		{"seed", func(r *promo.LotteryRecord) { r.Seed = strings.Repeat("ab", 32) }, "commitment mismatch"},
		{"short seed", func(r *promo.LotteryRecord) { r.Seed = "abcd" }, "seed must be"},
		{"commitment", func(r *promo.LotteryRecord) { r.Commitment = strings.Repeat("0", 64) }, "commitment mismatch"},
		{"entrant dropped", func(r *promo.LotteryRecord) { r.Entrants = r.Entrants[1:] }, "winners mismatch"},
		{"entrants reordered", func(r *promo.LotteryRecord) { slices.Reverse(r.Entrants) }, "winners mismatch"},
		{"entrant twice", func(r *promo.LotteryRecord) { r.Entrants = append(r.Entrants, 101) }, "twice"},
		{"winner swapped", func(r *promo.LotteryRecord) { r.Winners = []int64{101, 109, 104} }, "winners mismatch"},
		{"winner order", func(r *promo.LotteryRecord) { slices.Reverse(r.Winners) }, "winners mismatch"},
		{"winner count", func(r *promo.LotteryRecord) { r.WinnerCount = 2 }, "winners mismatch"},
		{"not drawn", func(r *promo.LotteryRecord) { r.Status = "open" }, "not drawn"},
		{"algorithm", func(r *promo.LotteryRecord) { r.Algorithm = "v2" }, "unknown algorithm"},
	} {
		r := drawnRecord()
		c.tamper(&r)
		err := promo.VerifyLottery(r)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: verification said %v, want an error with %q", c.name, err, c.want)
		}
	}
}

// FuzzVerifyLottery feeds the verifier arbitrary JSON: it must never panic, and
// whatever it accepts must really recompute.
func FuzzVerifyLottery(f *testing.F) {
	good, _ := json.Marshal(drawnRecord())
	f.Add(good)
	f.Add([]byte(`{"status":"drawn","seed":"","entrants":[1,1]}`))
	f.Add([]byte(`{"status":"drawn","winner_count":-1}`))
	f.Add([]byte(`[]`))
	f.Add([]byte(`{"entrants":[9223372036854775807,-9223372036854775808],"winner_count":2}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		rec, err := promo.ParseLotteryRecord(data)
		if err != nil {
			return
		}
		if promo.VerifyLottery(rec) != nil {
			return
		}
		seed, _ := hex.DecodeString(rec.Seed)
		if promo.Commitment(seed) != strings.ToLower(rec.Commitment) ||
			!slices.Equal(promo.DrawWinners(seed, rec.Entrants, rec.WinnerCount), rec.Winners) {
			t.Fatalf("verifier accepted a lottery that does not recompute: %s", data)
		}
	})
}
