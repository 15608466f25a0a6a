package web

import (
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/siyu-live/siyu"
	"github.com/siyu-live/siyu/internal/crm"
	"github.com/siyu-live/siyu/internal/crm/segment"
)

// FuzzRuleError: whatever a staff member types in a rule box, the page's marking of a
// refused rule never panics, and when it points at a spot the rule around the mark is
// exactly what was typed.
func FuzzRuleError(f *testing.F) {
	for _, s := range []string{"tag:vip AND", "tag:vip tag:x", "vip", "watched>=10", "(tag:a", "tag:\"高 价值", "watch_minutes >> 10",
		"orders >= 1 AND", "spent_30d >= 500元", "", "  ", "tag:vip\r\nAND NOT", "NOT NOT NOT", "“"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, rule string) {
		if !utf8.ValidString(rule) {
			return
		}
		if _, err := segment.Parse(rule); err != nil {
			checkRuleMark(t, rule, newRuleError(rule, err))
		}
		trimmed := strings.TrimSpace(rule)
		if _, err := crm.ParseRule(rule); err != nil {
			checkRuleMark(t, trimmed, newRuleError(trimmed, err))
		}
	})
}

func checkRuleMark(t *testing.T, rule string, e *ruleError) {
	t.Helper()
	if e.Detail == "" {
		t.Fatalf("rule %q: no explanation", rule)
	}
	if e.Pos > 0 && e.Before+e.At+e.After != rule {
		t.Fatalf("rule %q: marked as %q|%q|%q", rule, e.Before, e.At, e.After)
	}
}

// The add box splits on either width of comma, 、, semicolons and spaces.
func TestSplitTagNames(t *testing.T) {
	got := strings.Join(splitTagNames(" 复购，高净值、新客;VIP  老客\n"), "|")
	if got != "复购|高净值|新客|VIP|老客" {
		t.Fatalf("split: %q", got)
	}
	if n := len(splitTagNames(" ,，  ")); n != 0 {
		t.Fatalf("only separators gave %d names", n)
	}
}

// A message without a position is shown whole.
func TestRuleErrorWithoutPosition(t *testing.T) {
	e := newRuleError("x", siyu.Invalid("rule", "the rule is empty"))
	if e.Pos != 0 || e.Detail != "the rule is empty" {
		t.Fatalf("%+v", e)
	}
}
