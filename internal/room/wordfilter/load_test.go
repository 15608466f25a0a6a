package wordfilter_test

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/siyu-live/siyu/internal/room/wordfilter"
)

// TestConcurrentMatch runs many goroutines on one filter; run it with -race.
func TestConcurrentMatch(t *testing.T) {
	f := mustNew(t, banned)
	texts := []string{"加我微信吧", "主播好美", "ｖｘ１２３", "vxyz", "加❤️微❤️信", "w e i x i n", "多少钱", strings.Repeat("好", 300) + "淘宝"}
	type result struct {
		w  string
		ok bool
	}
	want := make([]result, len(texts))
	for i, s := range texts {
		want[i].w, want[i].ok = f.Match(s)
	}
	var wg sync.WaitGroup
	for g := range 32 {
		wg.Go(func() {
			for i := range 200 {
				k := (g + i) % len(texts)
				if w, ok := f.Match(texts[k]); w != want[k].w || ok != want[k].ok {
					t.Errorf("Match(%.20q) = %q, %v concurrently; want %q, %v", texts[k], w, ok, want[k].w, want[k].ok)
					return
				}
				_ = wordfilter.Normalize(texts[k])
			}
		})
	}
	wg.Wait()
}

// TestHugeInput checks that a megabyte of adversarial text is handled, and quickly:
// the scan is linear, including when every byte ends a few candidate matches.
func TestHugeInput(t *testing.T) {
	f := mustNew(t, append([]string{"a", "aa", "aaa", strings.Repeat("a", 49) + "b"}, banned...))
	for _, c := range []struct{ name, text, want string }{
		{"cjk", strings.Repeat("主播好美，", 1<<16) + "微信", "微信"},
		{"letters", strings.Repeat("a", 1<<20), ""},
		{"marks", "a" + strings.Repeat("\u0301", 1<<19), ""},
		{"separated", strings.Repeat("微 ", 1<<18) + "信", "微信"},
		{"invalid", strings.Repeat("\xff", 1<<20), ""},
	} {
		start := time.Now()
		w, _ := f.Match(c.text)
		if w != c.want {
			t.Errorf("%s: Match = %q, want %q", c.name, w, c.want)
		}
		if d := time.Since(start); d > 5*time.Second {
			t.Errorf("%s: Match took %v", c.name, d)
		}
	}
}

// benchWords returns n banned words like a host's list: mostly two to four CJK
// characters, some ASCII, none of them in comment.
func benchWords(n int, comment string) []string {
	const han = "微信加淘宝拼多二维码私聊联系方式号群店铺便宜代购正品原单高仿退款平台外链红包返现刷单兼职赚钱"
	runes := []rune(han)
	r := rand.New(rand.NewPCG(1, 2))
	norm := wordfilter.Normalize(comment)
	seen := map[string]bool{}
	var words []string
	for len(words) < n {
		var w string
		if r.IntN(5) == 0 {
			w = fmt.Sprintf("%c%c%d", 'a'+r.IntN(26), 'a'+r.IntN(26), r.IntN(100))
		} else {
			var b strings.Builder
			for range 2 + r.IntN(3) {
				b.WriteRune(runes[r.IntN(len(runes))])
			}
			w = b.String()
		}
		if !seen[w] && !strings.Contains(norm, wordfilter.Normalize(w)) {
			seen[w] = true
			words = append(words, w)
		}
	}
	return words
}

// benchComment is a 60-rune live comment that hits none of benchWords.
const benchComment = "主播今天穿的这件衣服好好看啊，请问多少钱？链接在哪里可以买到呀，我想要M码的，谢谢主播～❤️ vivid color!!"

func BenchmarkMatch(b *testing.B) {
	if n := len([]rune(benchComment)); n != 60 {
		b.Fatalf("comment has %d runes, want 60", n)
	}
	f := mustNew(b, benchWords(500, benchComment))
	if w, ok := f.Match(benchComment); ok {
		b.Fatalf("comment matches %q", w)
	}
	b.ReportAllocs()
	for b.Loop() {
		f.Match(benchComment)
	}
}

// BenchmarkMatchSlowPath is a comment with runes that need the NFKC library
// (circled letters, a combining accent, an ideographic space).
func BenchmarkMatchSlowPath(b *testing.B) {
	const comment = "主播今天ⓢⓤⓟⓔⓡ好看，这件cafe\u0301色的多少钱？\u3000链接在哪里可以买到呀，我想要M码的，谢谢主播～❤️"
	f := mustNew(b, benchWords(500, comment))
	if w, ok := f.Match(comment); ok {
		b.Fatalf("comment matches %q", w)
	}
	b.ReportAllocs()
	for b.Loop() {
		f.Match(comment)
	}
}

func BenchmarkNew500(b *testing.B) {
	words := benchWords(500, benchComment)
	b.ReportAllocs()
	for b.Loop() {
		mustNew(b, words)
	}
}
