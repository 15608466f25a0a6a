package segment_test

import (
	"reflect"
	"strings"
	"testing"

	"github.com/siyu-live/siyu"
	"github.com/siyu-live/siyu/internal/crm/segment"
)

// TestParseCanonical: rules an operator writes are accepted in any keyword case, with
// Chinese and quoted tag names, and print back in one canonical form that parses to the
// same tree.
func TestParseCanonical(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		"tag:vip AND NOT (tag:churned OR tag:blocked)": "tag:vip AND NOT (tag:churned OR tag:blocked)",
		"TAG:vip and not(tag:churned or tag:blocked)":  "tag:vip AND NOT (tag:churned OR tag:blocked)",
		"  tag:vip  ":                                        "tag:vip",
		"tag:高价值":                                            "tag:高价值",
		`tag:"高 价值"`:                                         `tag:"高 价值"`,
		`tag:“高 价值” OR tag:新客`:                               `tag:"高 价值" OR tag:新客`,
		`tag:"say \"hi\" \\ ok"`:                             `tag:"say \"hi\" \\ ok"`,
		"(tag:a AND tag:b) AND tag:c":                        "tag:a AND tag:b AND tag:c",
		"tag:a OR (tag:b OR tag:c)":                          "tag:a OR tag:b OR tag:c",
		"tag:a OR tag:b AND tag:c":                           "tag:a OR tag:b AND tag:c",
		"(tag:a OR tag:b) AND tag:c":                         "(tag:a OR tag:b) AND tag:c",
		"((tag:a))":                                          "tag:a",
		"NOT NOT tag:a":                                      "NOT NOT tag:a",
		"not (tag:a and tag:b)":                              "NOT (tag:a AND tag:b)",
		"orders >= 1":                                        "orders>=1",
		"orders≥1 AND orders ≠ 3 AND orders==2":              "orders>=1 AND orders!=3 AND orders=2",
		"spent>=500":                                         "spent>=500",
		"spent >= 99.50元":                                    "spent>=99.5",
		"spent<0.05yuan":                                     "spent<0.05",
		"watched>=10m":                                       "watched>=10m",
		"watched>=60分钟 OR watched>90s OR watched>=2H":        "watched>=1h OR watched>90s OR watched>=2h",
		"seen<7d AND seen<=48h":                              "seen<7d AND seen<=2d",
		"source:live_qr AND last_source:ad":                  "source:live_qr AND last_source:ad",
		"tag:vip AND spent>=500 AND NOT seen>30d":            "tag:vip AND spent>=500 AND NOT seen>30d",
		"tag:AND":                                            "tag:AND",
		"(tag:a)AND(tag:b)":                                  "tag:a AND tag:b",
		"tag:a OR NOT (tag:b OR tag:c) AND (tag:d OR tag:e)": "tag:a OR NOT (tag:b OR tag:c) AND (tag:d OR tag:e)",
	} {
		e, err := segment.Parse(in)
		if err != nil {
			t.Errorf("Parse(%q): %v", in, err)
			continue
		}
		if got := e.String(); got != want {
			t.Errorf("Parse(%q).String() = %q, want %q", in, got, want)
		}
		again, err := segment.Parse(e.String())
		if err != nil || !reflect.DeepEqual(again, e) {
			t.Errorf("Parse(%q) printed %q, which parses to a different tree (%v)", in, e.String(), err)
		}
	}
}

// TestParseErrors: a malformed rule is invalid on field "rule", and the message names
// the position (1-based, in characters) and what was expected there.
func TestParseErrors(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		rule, pos, says string
	}{
		{"", "", "empty"},
		{"   ", "", "empty"},
		{"tag:vip AND", "at position 12:", "but the rule ends here"},
		{"tag:vip AND NOT (tag:churned OR tag:blocked", "at position 44:", "closing parenthesis ) for the one at position 17"},
		{"tag:vip tag:x", "at position 9:", `expected AND, OR or the end of the rule, found "tag"`},
		{"vip", "at position 1:", `unknown term "vip"`},
		{"高价值 OR tag:a", "at position 1:", "write tag:高价值"},
		{"tag:", "at position 5:", "expected a name after tag:"},
		{"tag vip", "at position 4:", "expected a colon after tag"},
		{`tag:"高 价值`, "at position 5:", "no closing quote"},
		{`tag:""`, "at position 5:", "is empty"},
		{"orders>=abc", "at position 9:", "expected a number after orders>=, found \"abc\""},
		{"orders 1", "at position 8:", "expected a comparison"},
		{"orders>=1.5", "at position 9:", "whole number"},
		{"orders>=3x", "at position 10:", "takes no unit"},
		{"watched>=10", "at position 12:", "expected a unit"},
		{"watched>=10d", "at position 12:", `unknown unit "d"`},
		{"seen<7", "at position 7:", "h (hours) or d (days)"},
		{"spent>=1.234", "at position 8:", "at most two decimals"},
		{"spent>=5美元", "at position 9:", "yuan"},
		{"tag:a)", "at position 6:", "closing parenthesis ) without an opening one"},
		{"()", "at position 2:", "before the closing parenthesis"},
		{"tag:a AND AND tag:b", "at position 11:", "before AND"},
		{"NOT", "at position 4:", "ends here"},
		{"tag:a AND (tag:b", "at position 17:", "for the one at position 11"},
		{"orders>=99999999999", "at position 9:", "too large"},
		{strings.Repeat("(", 40) + "tag:a" + strings.Repeat(")", 40), "at position 33:", "nested more than 32"},
		{strings.Repeat("NOT ", 40) + "tag:a", "at position 129:", "nested more than 32"},
		{strings.Repeat("tag:a OR ", 101) + "tag:a", "at position 901:", "more than 100 terms"},
		{"tag:" + strings.Repeat("长", 1001), "", "at most 1000"},
		{"tag:" + strings.Repeat("长", 101), "at position 5:", "at most 100"},
	} {
		_, err := segment.Parse(c.rule)
		if err == nil {
			t.Errorf("Parse(%q) accepted a malformed rule", c.rule)
			continue
		}
		msg := siyu.ErrorMessage(err)
		if siyu.ErrorCode(err) != siyu.EINVALID || siyu.ErrorField(err) != "rule" {
			t.Errorf("Parse(%q): %v, want invalid on field rule", c.rule, err)
		}
		if !strings.HasPrefix(msg, c.pos) || !strings.Contains(msg, c.says) {
			t.Errorf("Parse(%q) says %q, want %q… mentioning %q", c.rule, msg, c.pos, c.says)
		}
	}
}

// TestTagNames lists each tag once, in order, for resolving them in one query.
func TestTagNames(t *testing.T) {
	t.Parallel()
	e, err := segment.Parse(`tag:b AND NOT (tag:a OR tag:b) OR tag:"c d" AND orders>1`)
	if err != nil {
		t.Fatal(err)
	}
	if got := e.TagNames(); !reflect.DeepEqual(got, []string{"b", "a", "c d"}) {
		t.Errorf("TagNames = %q", got)
	}
}
