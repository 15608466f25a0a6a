package wordfilter_test

import (
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/siyu-live/siyu/internal/room/wordfilter"
)

func TestNewInvalidWords(t *testing.T) {
	for _, c := range []struct{ word, why string }{
		{"", "no letter"},
		{"   ", "no letter"},
		{"!!!", "no letter"},
		{"❤️", "no letter"},
		{"\u200b", "no letter"},
		{"\u0301", "no letter"},
		{strings.Repeat("微", 51), "51 characters"},
		{"微\xff信", "not valid UTF-8"},
	} {
		_, err := wordfilter.New([]string{"微信", c.word})
		if !errors.Is(err, wordfilter.ErrInvalidWord) {
			t.Errorf("New(%q) error = %v, want ErrInvalidWord", c.word, err)
			continue
		}
		if msg := err.Error(); !strings.Contains(msg, strconv.Quote(c.word)) || !strings.Contains(msg, c.why) {
			t.Errorf("New(%q) error = %q, want it to name the word and say %q", c.word, msg, c.why)
		}
	}
}

func TestNewLimits(t *testing.T) {
	if _, err := wordfilter.New([]string{strings.Repeat("微", wordfilter.MaxWordRunes)}); err != nil {
		t.Errorf("New with a word of MaxWordRunes runes: %v", err)
	}
	words := make([]string, wordfilter.MaxWords+1)
	for i := range words {
		words[i] = fmt.Sprintf("词%d", i)
	}
	f, err := wordfilter.New(words[:wordfilter.MaxWords])
	if err != nil || f.Len() != wordfilter.MaxWords {
		t.Errorf("New with MaxWords words: len %d, err %v", f.Len(), err)
	}
	if _, err := wordfilter.New(words); !errors.Is(err, wordfilter.ErrTooManyWords) {
		t.Errorf("New with MaxWords+1 words: err %v, want ErrTooManyWords", err)
	}
}

func TestNewDuplicatesCollapse(t *testing.T) {
	f := mustNew(t, []string{"微信", "ＷＸ", "微 信", "wx", "WX", "微.信", "vx"})
	if want := []string{"微信", "ＷＸ", "vx"}; !slices.Equal(f.Words(), want) || f.Len() != len(want) {
		t.Fatalf("Words() = %q, Len() = %d; want %q", f.Words(), f.Len(), want)
	}
	if w, ok := f.Match("加wx"); !ok || w != "ＷＸ" {
		t.Errorf("Match = %q, %v; want the first spelling ＷＸ", w, ok)
	}
	f.Words()[0] = "changed"
	if f.Words()[0] != "微信" {
		t.Error("Words returned the filter's own slice")
	}
}

func TestEmptyFilter(t *testing.T) {
	var nilFilter *wordfilter.Filter
	for _, f := range []*wordfilter.Filter{mustNew(t, nil), mustNew(t, []string{}), nilFilter} {
		if w, ok := f.Match("微信 vx qq"); ok {
			t.Errorf("empty filter matched %q", w)
		}
		if f.Len() != 0 || len(f.Words()) != 0 {
			t.Errorf("empty filter has words %q", f.Words())
		}
	}
}
