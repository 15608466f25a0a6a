package wordfilter

import (
	"sync"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// maxPasses bounds the re-normalization of step 4 of the package doc; one extra pass
// is all real text needs, the bound only guarantees termination.
const maxPasses = 4

// maxPooled is the largest buffer returned to the pool, so one huge comment does not
// pin megabytes of memory for the life of the process.
const maxPooled = 64 << 10

// scratch is the working memory of fold, pooled so that Match does not allocate: the
// NFKC iterator and two buffers of text with, for each byte, whether runes were
// dropped right before it (a break, which the short-word boundary rule needs).
type scratch struct {
	it  norm.Iter
	buf [2][]byte
	brk [2][]bool
}

var scratchPool = sync.Pool{New: func() any { return new(scratch) }}

func getScratch() *scratch { return scratchPool.Get().(*scratch) }

func putScratch(sc *scratch) {
	for k := range sc.buf {
		if cap(sc.buf[k]) > maxPooled {
			sc.buf[k], sc.brk[k] = nil, nil
		}
	}
	sc.it.InitString(norm.NFKC, "") // drop the iterator's reference to the last text
	scratchPool.Put(sc)
}

// fold returns the normalized form of s and its breaks. Both alias sc and are valid
// until sc goes back to the pool.
func (sc *scratch) fold(s string) ([]byte, []bool) {
	if out, brk, ok := sc.quick(s); ok && len(lookalike) == 0 {
		return out, brk // only ASCII and Han were kept: NFKC already
	}
	return sc.slow(s)
}

// slow is fold with the NFKC library, for any text.
func (sc *scratch) slow(s string) ([]byte, []bool) {
	sc.it.InitString(norm.NFKC, s)
	out, brk := sc.pass(0, nil)
	for k := 1; k < maxPasses && !norm.NFKC.IsNormal(out); k++ {
		sc.it.Init(norm.NFKC, out)
		out, brk = sc.pass(k&1, brk)
	}
	return out, brk
}

// quick folds s into buffer 0 without the NFKC library, which is several times
// slower, when every rune of s is one that quickNFKC knows; ok is false otherwise.
func (sc *scratch) quick(s string) (out []byte, brk []bool, ok bool) {
	out, brk = sc.buf[0][:0], sc.brk[0][:0]
	pending, ok := false, true
	for i := 0; i < len(s); {
		r, n := rune(s[i]), 1
		if r >= utf8.RuneSelf {
			r, n = utf8.DecodeRuneInString(s[i:])
		}
		i += n
		if r, ok = quickNFKC(r); !ok {
			break
		}
		out, brk, pending = emit(out, brk, r, pending)
	}
	sc.buf[0], sc.brk[0] = out, brk
	return out, brk, ok
}

// quickNFKC returns NFKC(r) for common runes of Chinese comments that NFKC maps to
// a single rune and that never interact with their neighbours (norm's BoundaryBefore),
// so that text made only of them is normalized rune by rune. A test checks every rune
// of these ranges against the NFKC library.
func quickNFKC(r rune) (rune, bool) {
	switch {
	case r < utf8.RuneSelf,
		0x4E00 <= r && r <= 0x9FFF,              // CJK unified ideographs
		0x3001 <= r && r <= 0x3003,              // 、。〃
		0x3008 <= r && r <= 0x3011,              // 〈〉《》「」『』【】
		r == 0x2010, 0x2012 <= r && r <= 0x2016, // dashes
		0x2018 <= r && r <= 0x2023, // quotes “”‘’, daggers, bullets
		0x200B <= r && r <= 0x200D, // zero-width space, (non-)joiner
		r == 0x2060, r == 0xFEFF,   // word joiner, BOM
		r == 0xFE0F,                                                // emoji presentation selector
		0x2600 <= r && r <= 0x27BF,                                 // symbols and dingbats: ❤ ☀ ✨
		0x1F300 <= r && r <= 0x1F6FF, 0x1F900 <= r && r <= 0x1FAFF: // emoji
		return r, true
	case 0xFF01 <= r && r <= 0xFF5E: // full-width ASCII: ！，？ＡＢ１２
		return r - 0xFEE0, true
	}
	return 0, false
}

// pass drains the iterator into buffer k, folding and dropping runes. srcBrk holds the
// breaks of the input when it is the output of an earlier pass: a break carries over
// to the first rune kept from the segment that starts there.
func (sc *scratch) pass(k int, srcBrk []bool) ([]byte, []bool) {
	out, brk := sc.buf[k][:0], sc.brk[k][:0]
	pending, last := false, -1
	for !sc.it.Done() {
		if p := sc.it.Pos(); srcBrk != nil && p != last {
			pending = pending || srcBrk[p]
			last = p
		}
		for seg := sc.it.Next(); len(seg) > 0; {
			r, n := utf8.DecodeRune(seg)
			seg = seg[n:]
			out, brk, pending = emit(out, brk, r, pending)
		}
	}
	sc.buf[k], sc.brk[k] = out, brk
	return out, brk
}

// emit folds r and appends it to out, with its break, if it is kept; otherwise it
// reports a pending break for the next kept rune.
func emit(out []byte, brk []bool, r rune, pending bool) ([]byte, []bool, bool) {
	if r = foldRune(r); !keep(r) {
		return out, brk, true
	}
	m := len(out)
	out = utf8.AppendRune(out, r)
	brk = append(brk, pending)
	for range len(out) - m - 1 {
		brk = append(brk, false)
	}
	return out, brk, false
}
