package segment_test

import (
	"reflect"
	"testing"

	"github.com/siyu-live/siyu"
	"github.com/siyu-live/siyu/internal/crm/segment"
)

// FuzzParse: the parser never panics; it either rejects a rule as invalid on field
// "rule", or accepts it, and then the canonical print parses to the same tree and
// prints the same again.
func FuzzParse(f *testing.F) {
	for _, s := range []string{
		"tag:vip AND NOT (tag:churned OR tag:blocked)", `tag:"高 价值" or tag:“新 客”`, "orders>=1 AND spent>=99.5元",
		"watched>=10m OR seen<7d", "source:live AND last_source:ad", "NOT NOT (tag:a)", `tag:"a\"b\\c"`,
		"((((tag:x))))", "tag:a)", "(tag:a", "spent>=1.234", "seen<=48h", "orders≠0", "tag:\x00", "tag:\xff",
		`tag:"\xff"`, "watched>=60分钟", "TAG:AND and NOT tag:OR",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, rule string) {
		e, err := segment.Parse(rule)
		if err != nil {
			if siyu.ErrorCode(err) != siyu.EINVALID || siyu.ErrorField(err) != "rule" {
				t.Fatalf("Parse(%q): %v, want invalid on field rule", rule, err)
			}
			return
		}
		printed := e.String()
		again, err := segment.Parse(printed)
		if err != nil {
			t.Fatalf("Parse(%q) printed %q, which does not parse: %v", rule, printed, err)
		}
		if !reflect.DeepEqual(again, e) {
			t.Fatalf("Parse(%q) printed %q, which parses to a different tree", rule, printed)
		}
		if again.String() != printed {
			t.Fatalf("printing is not stable: %q then %q", printed, again.String())
		}
	})
}
