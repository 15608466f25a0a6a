package wordfilter

import (
	"unicode"
	"unicode/utf8"
)

// Normalize folds text for matching: NFKC, lower case, drop everything that is not a
// letter, digit or CJK ideograph (spaces, punctuation, symbols, emoji, zero-width,
// combining marks). Banned words and comments are compared in this form, which is why
// the tricks of the package doc all lead to the same text; it is exported so callers
// can show or store the form a word is matched in.
func Normalize(s string) string {
	sc := getScratch()
	out, _ := sc.fold(s)
	n := string(out)
	putScratch(sc)
	return n
}

// lookalike folds runes that the filter should treat as the same, after NFKC and lower
// case, on both banned words and comments. It is empty on purpose (see "Known limits"
// in the package doc): entries such as '寶': '宝' can be added when merchants need them.
// Keys and values must both be kept runes (letters, digits or CJK ideographs), values
// must be lower case, NFKC-stable and not keys themselves, so Normalize stays idempotent.
var lookalike = map[rune]rune{}

// foldRune lowers r and applies the lookalike table; ASCII and Han take fast paths
// because they make up most of a Chinese comment.
func foldRune(r rune) rune {
	if r < utf8.RuneSelf {
		if 'A' <= r && r <= 'Z' {
			r += 'a' - 'A'
		}
		return r
	}
	if !isHan(r) {
		r = unicode.ToLower(r)
	}
	if len(lookalike) != 0 {
		if t, ok := lookalike[r]; ok {
			return t
		}
	}
	return r
}

// keep reports whether a folded rune takes part in matching; everything else is the
// kind of filler viewers insert between the runes of a banned word.
func keep(r rune) bool {
	if r < utf8.RuneSelf {
		return 'a' <= r && r <= 'z' || '0' <= r && r <= '9'
	}
	return isHan(r) || unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.Is(unicode.Ideographic, r)
}

// isHan is a fast path for the CJK Unified Ideographs block, most of Chinese text:
// they have no case and are always kept.
func isHan(r rune) bool { return 0x4E00 <= r && r <= 0x9FFF }
