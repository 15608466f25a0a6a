package promo

import (
	"bytes"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
)

// LotteryRecord is the part of a published lottery (GET /api/v1/lotteries/{id}) that a
// verifier needs. Other fields of the answer are ignored, so the verifier keeps working
// when the answer grows.
type LotteryRecord struct {
	ID          int64   `json:"id"`
	Status      string  `json:"status"`
	Algorithm   string  `json:"algorithm"`
	Commitment  string  `json:"commitment"`
	Seed        string  `json:"seed"`
	WinnerCount int     `json:"winner_count"`
	Entrants    []int64 `json:"entrants"`
	Winners     []int64 `json:"winners"`
}

// maxVerifyEntrants bounds what a verifier accepts, so a hostile file cannot make it
// allocate without limit.
const maxVerifyEntrants = 10_000_000

// ParseLotteryRecord decodes a lottery as published (one JSON object; unknown fields
// are ignored).
func ParseLotteryRecord(data []byte) (LotteryRecord, error) {
	var rec LotteryRecord
	dec := json.NewDecoder(bytes.NewReader(data))
	if err := dec.Decode(&rec); err != nil {
		return rec, fmt.Errorf("not a lottery JSON object: %w", err)
	}
	if dec.More() {
		return rec, fmt.Errorf("not a lottery JSON object: more than one value")
	}
	return rec, nil
}

// VerifyLottery recomputes a drawn lottery from its own published data: the seed must
// hash to the commitment, the entrant list must hold no viewer twice, and the winners
// must be exactly DrawWinners(seed, entrants, winner_count). It returns nil when all
// holds, and otherwise an error saying the first thing that does not.
func VerifyLottery(rec LotteryRecord) error {
	if rec.Algorithm != "" && rec.Algorithm != LotteryAlgorithm {
		return fmt.Errorf("unknown algorithm %q; this verifier implements %s", rec.Algorithm, LotteryAlgorithm)
	}
	if rec.Status != "drawn" {
		return fmt.Errorf("lottery %d is %q, not drawn: the seed is revealed at the draw", rec.ID, rec.Status)
	}
	seed, err := hex.DecodeString(rec.Seed)
	if err != nil || len(seed) != SeedBytes {
		return fmt.Errorf("seed must be %d hex characters (%d bytes), got %q", 2*SeedBytes, SeedBytes, clip(rec.Seed))
	}
	if got := Commitment(seed); got != strings.ToLower(rec.Commitment) {
		return fmt.Errorf("commitment mismatch: sha256(seed) = %s but the published commitment is %s", got, clip(rec.Commitment))
	}
	if len(rec.Entrants) > maxVerifyEntrants {
		return fmt.Errorf("%d entrants is more than this verifier accepts (%d)", len(rec.Entrants), maxVerifyEntrants)
	}
	seen := make(map[int64]struct{}, len(rec.Entrants))
	for _, e := range rec.Entrants {
		if _, dup := seen[e]; dup {
			return fmt.Errorf("entrant %d appears twice in the entrant list", e)
		}
		seen[e] = struct{}{}
	}
	if rec.WinnerCount < 0 {
		return fmt.Errorf("winner_count must not be negative, got %d", rec.WinnerCount)
	}
	want := DrawWinners(seed, rec.Entrants, rec.WinnerCount)
	if !slices.Equal(want, rec.Winners) {
		return fmt.Errorf("winners mismatch: recomputed %v but published %v", clipIDs(want), clipIDs(rec.Winners))
	}
	return nil
}

func clip(s string) string {
	if len(s) > 80 {
		return s[:80] + "…"
	}
	return s
}

func clipIDs(ids []int64) string {
	if len(ids) > 20 {
		return fmt.Sprintf("%v… (%d in all)", ids[:20], len(ids))
	}
	return fmt.Sprint(ids)
}
