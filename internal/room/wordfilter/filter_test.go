package wordfilter_test

import (
	"testing"
	"unicode"

	"golang.org/x/text/unicode/norm"

	"github.com/siyu-live/siyu/internal/room/wordfilter"
)

// banned is the word list of the table tests, as a host would type it.
var banned = []string{"微信", "加微", "vx", "wx", "qq", "淘宝", "拼多多", "二维码", "fuck", "WeiXin", "fish"}

func mustNew(t testing.TB, words []string) *wordfilter.Filter {
	t.Helper()
	f, err := wordfilter.New(words)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	return f
}

func checkMatches(t *testing.T, f *wordfilter.Filter, cases []struct{ text, want string }) {
	t.Helper()
	for _, c := range cases {
		got, ok := f.Match(c.text)
		if c.want == "" && ok {
			t.Errorf("Match(%q) = %q, want no match (normalized %q)", c.text, got, wordfilter.Normalize(c.text))
		} else if c.want != "" && (!ok || got != c.want) {
			t.Errorf("Match(%q) = %q, %v; want %q (normalized %q)", c.text, got, ok, c.want, wordfilter.Normalize(c.text))
		}
	}
}

func TestMatchTricks(t *testing.T) {
	checkMatches(t, mustNew(t, banned), []struct{ text, want string }{
		// plain
		{"加我微信吧", "微信"},
		{"去淘宝买更便宜", "淘宝"},
		{"拼多多上有", "拼多多"},
		{"扫二维码", "二维码"},
		{"fuck", "fuck"},
		// full-width and other compatibility forms
		{"ＷＸ：abc123", "wx"},
		{"ｖｘ１２３", "vx"},
		{"ＱＱ号多少", "qq"},
		{"ⓦⓧ", "wx"},
		{"ⓆⓆ群", "qq"},
		{"⒲⒳", "wx"},
		{"𝐯𝐱", "vx"},
		{"ᵛˣ", "vx"},
		{"ℱ𝓊𝒸𝓀", "fuck"},
		{"卖ﬁsh", "fish"},
		{"ｆｕｃｋ", "fuck"},
		// case
		{"WeiXin", "WeiXin"},
		{"wEiXiN", "WeiXin"},
		{"VX", "vx"},
		{"FUCK you", "fuck"},
		// inserted separators
		{"微.信", "微信"},
		{"微 信", "微信"},
		{"微\u3000信", "微信"},
		{"微-_-信", "微信"},
		{"w e i x i n", "WeiXin"},
		{"加❤️微❤️信", "加微"},
		{"淘🍑宝", "淘宝"},
		{"拼 多 多", "拼多多"},
		{"二/维/码", "二维码"},
		{"F.U.C.K", "fuck"},
		{"f*ck", ""}, // a replaced letter is not an inserted one
		{"v～x", "vx"},
		// zero-width characters
		{"微\u200b信", "微信"},
		{"微\u200c信", "微信"},
		{"微\u200d信", "微信"},
		{"微\ufeff信", "微信"},
		{"微\u2060信", "微信"},
		{"\u200bq\u200bq\u200b", "qq"},
		// combining marks
		{"微\u0301信", "微信"},
		{"v\u0308x", "vx"},
		{"q\u0336q\u0336", "qq"},
		{"淘\u20dd宝", "淘宝"},
		// several words: the first to end wins, then the longest
		{"加微信", "加微"},
		{"二维码和微信", "二维码"},
	})
}

func TestMatchOrdinaryComments(t *testing.T) {
	checkMatches(t, mustNew(t, banned), []struct{ text, want string }{
		{"主播好美", ""},
		{"多少钱", ""},
		{"链接在哪", ""},
		{"vxyz是什么", ""},
		{"dev", ""},
		{"这个颜色很vivid", ""},
		{"我想看微博", ""},
		{"二维的图", ""},
		{"拼多一点", ""},
		{"new xbox", ""},
		{"wow x", ""},
		{"qqq", ""},
		{"review xp", ""},
		{"fun cake", ""},
		{"主播今天状态真好！👍👍", ""},
		{"", ""},
	})
}

// TestShortASCIIBoundary is the rule of the package doc for words of at most three
// ASCII letters or digits.
func TestShortASCIIBoundary(t *testing.T) {
	checkMatches(t, mustNew(t, []string{"vx", "qq", "520", "fuck"}), []struct{ text, want string }{
		{"vx", "vx"},
		{"加vx123", "vx"},
		{"vx123", "vx"},
		{"123vx", "vx"},
		{"vx:abc", "vx"},
		{"vx😀abc", "vx"},
		{"vx\u200babc", "vx"},
		{"我的VX是", "vx"},
		{"加 v x", "vx"},
		{"add my vx pls", "vx"},
		{"de vx", "vx"},
		{"vxyz", ""},
		{"vxyz是什么", ""},
		{"devx", ""},
		{"advx", ""},
		{"vivid", ""},
		{"dev x", ""},
		{"qqq", ""},
		{"qq群", "qq"},
		{"加qq2", "qq"},
		{"5201314", "520"},
		{"a520b", ""},
		{"a 520 b", "520"},
		// longer words are plain substrings
		{"fucking", "fuck"},
		{"motherfucker", "fuck"},
	})
}

// TestKnownLimits pins what the package doc says is not caught, so that changing it
// is a decision rather than an accident.
func TestKnownLimits(t *testing.T) {
	checkMatches(t, mustNew(t, banned), []struct{ text, want string }{
		{"淘寶", ""},  // traditional Chinese is not folded
		{"威信", ""},  // nor homophones
		{"v信", ""},  // nor pinyin initials
		{"微a信", ""}, // letters inserted between the runes
		{"νх", ""},  // Greek nu and Cyrillic ha look like vx
		{"喜欢就加，微笑一下", "加微"}, // separators are dropped, so words can join
	})
}

func TestNormalize(t *testing.T) {
	for in, want := range map[string]string{
		"ＷＸ":          "wx",
		"ｖｘ１２３":       "vx123",
		"WeiXin":      "weixin",
		"微-_-信":       "微信",
		"加❤️微❤️信":     "加微信",
		"ⓦⓧ":          "wx",
		"ﬁ":           "fi",
		"a\u200bb":    "ab",
		"é":           "é",
		"e\u0301":     "é",
		"ᄀ.ᅡ":         "가", // dropping the dot lets the jamo compose
		"〇二":          "〇二",
		"\xff微\xfe信":  "微信",
		"  Hello, 世界": "hello世界",
	} {
		if got := wordfilter.Normalize(in); got != want {
			t.Errorf("Normalize(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestQuickNFKC checks the runes that Normalize folds without the NFKC library: each
// must normalize alone to what quickNFKC says, and neither it nor its result may
// interact with the rune before it, so that normalizing rune by rune is exact.
func TestQuickNFKC(t *testing.T) {
	n := 0
	for r := rune(0); r <= unicode.MaxRune; r++ {
		q, ok := wordfilter.QuickNFKC(r)
		if !ok {
			continue
		}
		n++
		if got := norm.NFKC.String(string(r)); got != string(q) {
			t.Errorf("U+%04X: quickNFKC gives %q, NFKC %q", r, q, got)
		}
		for _, x := range []rune{r, q} {
			if p := norm.NFKC.PropertiesString(string(x)); !p.BoundaryBefore() {
				t.Errorf("U+%04X interacts with the rune before it", x)
			}
		}
	}
	if n < 20000 {
		t.Errorf("only %d quick runes", n)
	}
}

// TestNormalizeIdempotentBMP complements FuzzMatch, which rarely reaches exotic runes:
// every rune of the Basic Multilingual Plane, alone and after a separated jamo.
func TestNormalizeIdempotentBMP(t *testing.T) {
	for r := rune(0); r <= 0xFFFF; r++ {
		for _, s := range []string{string(r), "ᄀ." + string(r)} {
			if n := wordfilter.Normalize(s); wordfilter.Normalize(n) != n {
				t.Errorf("%U: Normalize(%q) = %q, Normalize again = %q", r, s, n, wordfilter.Normalize(n))
			}
		}
	}
}
