package wordfilter_test

import (
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/siyu-live/siyu/internal/room/wordfilter"
)

// fuzzCJK are the banned CJK words that FuzzMatch hides inside arbitrary text.
var fuzzCJK = []string{"微信", "加微", "淘宝", "拼多多", "二维码"}

// FuzzMatch checks the invariants of the package on arbitrary text: no panic,
// Normalize is idempotent, Match agrees with a naive matcher (so a reported word is
// in the normalized text), the quick path of normalization agrees with the NFKC
// library, and a banned CJK word with separators between its runes
// is found wherever it is put.
func FuzzMatch(f *testing.F) {
	for _, s := range []string{"加我微信", "ｖｘ１２３", "vxyz", "加❤️微❤️信", "w e i x i n", "ᄀ.ᅡ", "微\u200b信", "\xff", "e\u0301\u0302"} {
		f.Add(s, " ", uint8(0), uint16(2))
	}
	f.Add("喜欢就加", "❤️\u200b.", uint8(1), uint16(3))
	f.Add("ｄｅ vx", "\u0301", uint8(4), uint16(0))
	flt := mustNew(f, banned)
	pats := make([]string, len(flt.Words()))
	for i, w := range flt.Words() {
		pats[i] = wordfilter.Normalize(w)
	}
	f.Fuzz(func(t *testing.T, text, sep string, pick uint8, cut uint16) {
		n := wordfilter.Normalize(text)
		if nn := wordfilter.Normalize(n); nn != n {
			t.Fatalf("Normalize not idempotent: %q → %q → %q", text, n, nn)
		}
		if qt, qb := wordfilter.Fold(text, false); true {
			st, sb := wordfilter.Fold(text, true)
			if qt != st || !slices.Equal(qb, sb) {
				t.Fatalf("Fold(%q): quick path %q %v, NFKC library %q %v", text, qt, qb, st, sb)
			}
		}
		w, ok := flt.Match(text)
		rw, rok := naiveMatch(flt.Words(), pats, text)
		if w != rw || ok != rok {
			t.Fatalf("Match(%q) = %q, %v; naive matcher says %q, %v", text, w, ok, rw, rok)
		}
		if ok && !strings.Contains(n, wordfilter.Normalize(w)) {
			t.Fatalf("Match(%q) = %q, not in normalized %q", text, w, n)
		}

		// Hide a CJK word, its runes separated by the non-matching runes of sep.
		var fill strings.Builder
		for _, r := range sep {
			if wordfilter.Normalize(string(r)) == "" {
				fill.WriteRune(r)
			}
		}
		word := fuzzCJK[int(pick)%len(fuzzCJK)]
		var hidden strings.Builder
		for i, r := range []rune(word) {
			if i > 0 {
				hidden.WriteString(fill.String())
			}
			hidden.WriteRune(r)
		}
		at := int(cut) % (len(text) + 1)
		for at > 0 && at < len(text) && !utf8.RuneStart(text[at]) {
			at--
		}
		s := text[:at] + hidden.String() + text[at:]
		if _, ok := flt.Match(s); !ok {
			t.Fatalf("%q hidden as %q in %q: no match (normalized %q)", word, hidden.String(), s, wordfilter.Normalize(s))
		}
	})
}

// naiveMatch is Match written the obvious way: try every word at every position.
func naiveMatch(words, pats []string, text string) (string, bool) {
	t, brk := wordfilter.Fold(text, false)
	best, bestEnd := -1, 0
	for i, p := range pats {
		for start := 0; start+len(p) <= len(t); start++ {
			end := start + len(p)
			if t[start:end] != p || !naiveBounded(p, t, brk, start, end) {
				continue
			}
			if best < 0 || end < bestEnd || end == bestEnd && len(p) > len(pats[best]) {
				best, bestEnd = i, end
			}
			break
		}
	}
	if best < 0 {
		return "", false
	}
	return words[best], true
}

func naiveBounded(p, t string, brk []bool, start, end int) bool {
	if len(p) > 3 || strings.Trim(p, "abcdefghijklmnopqrstuvwxyz0123456789") != "" {
		return true
	}
	letter := func(b byte) bool { return 'a' <= b && b <= 'z' }
	before := start == 0 || brk[start] || !letter(t[start-1])
	after := end == len(t) || brk[end] || !letter(t[end])
	return before && after
}
