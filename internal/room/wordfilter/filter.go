package wordfilter

import (
	"errors"
	"fmt"
	"slices"
	"unicode/utf8"
)

// Limits of New. They keep the automaton of one room small (a few hundred kilobytes at
// most) and match what the host's settings page lets a person type.
const (
	MaxWords     = 2000 // banned words per filter, counted before duplicates collapse
	MaxWordRunes = 50   // runes per banned word, as typed
)

// Errors of New, so callers can tell bad input (a 400 naming the word) from a bug;
// the wrapped message names the word and says what is wrong with it.
var (
	ErrInvalidWord  = errors.New("wordfilter: invalid banned word")
	ErrTooManyWords = errors.New("wordfilter: too many banned words")
)

// maxShort is the longest normalized ASCII word that needs the boundary rule.
const maxShort = 3

// Filter matches comments against the banned words of one session. It is immutable
// once New returns, hence safe for concurrent use by the many goroutines of a room;
// to change the words, build a new Filter and swap it in.
type Filter struct {
	words []string // as the host typed them, duplicates removed, in order
	short []bool   // per word: normalized form is short ASCII, needs boundaries
	size  []int32  // per word: normalized length in bytes
	ac    *automaton
}

// New builds the filter of words. It fails when there are more than MaxWords words or
// when a word is not valid UTF-8, is longer than MaxWordRunes, or normalizes to
// nothing (it would then be impossible to match). Words that normalize to the same
// text collapse into the first of them. New(nil) is a filter that matches nothing.
func New(words []string) (*Filter, error) {
	if len(words) > MaxWords {
		return nil, fmt.Errorf("%w: %d words, at most %d are allowed", ErrTooManyWords, len(words), MaxWords)
	}
	f := &Filter{}
	seen := make(map[string]bool, len(words))
	var pats []string
	for _, w := range words {
		if !utf8.ValidString(w) {
			return nil, fmt.Errorf("%w %q: it is not valid UTF-8", ErrInvalidWord, w)
		}
		if n := utf8.RuneCountInString(w); n > MaxWordRunes {
			return nil, fmt.Errorf("%w %q: it has %d characters, at most %d are allowed", ErrInvalidWord, w, n, MaxWordRunes)
		}
		p := Normalize(w)
		if p == "" {
			return nil, fmt.Errorf("%w %q: it has no letter, digit or Chinese character, only spaces, punctuation, symbols or emoji, which are ignored when matching", ErrInvalidWord, w)
		}
		if seen[p] {
			continue
		}
		seen[p] = true
		f.words = append(f.words, w)
		f.short = append(f.short, isShortASCII(p))
		f.size = append(f.size, int32(len(p)))
		pats = append(pats, p)
	}
	f.ac = build(pats)
	return f, nil
}

// Match reports whether text hits a banned word, and which one as the host typed it,
// so the room can show the comment to its sender only and tell the host why. The rules
// are those of the package doc. It runs in time linear in len(text) whatever the
// number of words, and does not allocate once its pooled buffers are warm. A nil
// Filter matches nothing.
func (f *Filter) Match(text string) (word string, ok bool) {
	if f == nil || len(f.words) == 0 {
		return "", false
	}
	sc := getScratch()
	t, brk := sc.fold(text)
	w := f.find(t, brk)
	putScratch(sc)
	if w < 0 {
		return "", false
	}
	return f.words[w], true
}

// find scans the normalized text t and returns the index of the matched word, or -1.
// At each byte it walks the matches that end there, longest first; there are only a
// few, as short words are the only ones that can be rejected.
func (f *Filter) find(t []byte, brk []bool) int32 {
	a := f.ac
	s := int32(0)
	for i := range len(t) {
		s = a.next(s, t[i])
		o := s
		if a.word[o] < 0 {
			o = a.dict[o]
		}
		for ; o != 0; o = a.dict[o] {
			w := a.word[o]
			if !f.short[w] || bounded(t, brk, i+1-int(f.size[w]), i+1) {
				return w
			}
		}
	}
	return -1
}

// bounded reports whether t[start:end] has no ASCII letter right before or after it,
// or has a break (dropped runes) between it and that letter.
func bounded(t []byte, brk []bool, start, end int) bool {
	if start > 0 && !brk[start] && isLetter(t[start-1]) {
		return false
	}
	return end == len(t) || brk[end] || !isLetter(t[end])
}

func isLetter(b byte) bool { return 'a' <= b && b <= 'z' }

// isShortASCII reports whether the normalized word p needs the boundary rule.
func isShortASCII(p string) bool {
	if len(p) > maxShort {
		return false
	}
	for i := range len(p) {
		if !isLetter(p[i]) && !('0' <= p[i] && p[i] <= '9') {
			return false
		}
	}
	return true
}

// Words returns the banned words as the host typed them, without the duplicates New
// collapsed, so settings pages show what is actually enforced. It is a copy.
func (f *Filter) Words() []string {
	if f == nil {
		return nil
	}
	return slices.Clone(f.words)
}

// Len returns the number of distinct banned words, so callers can skip filtering, or
// show a count, without copying Words.
func (f *Filter) Len() int {
	if f == nil {
		return 0
	}
	return len(f.words)
}
