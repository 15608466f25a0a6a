package promo

import "github.com/siyu-live/siyu"

// CheckShares validates what a red envelope asks Split to divide, total fen in count
// shares by mode, within the sender's limits (maxTotal fen, maxShares shares), naming
// the field at fault, so the live room's envelopes and the communities' (which have
// limits of their own) reject the same input with the same words.
func CheckShares(total, count int64, mode string, maxTotal, maxShares int64) error {
	if total < 1 || total > maxTotal {
		return siyu.Invalid("total", "total must be between 1 and %d fen, got %d", maxTotal, total)
	}
	if count < 1 || count > maxShares {
		return siyu.Invalid("count", "count must be between 1 and %d shares, got %d", maxShares, count)
	}
	if total < count {
		return siyu.Invalid("total", "total (%d fen) must be at least count (%d): every share is at least 1 fen", total, count)
	}
	if mode != ModeRandom && mode != ModeFixed {
		return siyu.Invalid("mode", `mode must be "random" or "fixed", got %q`, mode)
	}
	return nil
}
