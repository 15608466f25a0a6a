package script

import (
	"encoding/json"
	"reflect"
	"testing"

	"github.com/siyu-live/siyu"
)

// FuzzSnippets feeds request bodies of POST /api/v1/scripts through the checks: they
// never panic, refuse with invalid (never internal), and what they accept is stable —
// checking it again changes nothing, and it survives the trip through the JSON columns.
func FuzzSnippets(f *testing.F) {
	for _, seed := range []string{
		`{"title":"发货","keywords":["发货"," 快递 "],"snippets":[{"kind":"text","text":"{name}您好，48 小时内发货"}]}`,
		`{"title":"t","snippets":[{"kind":"link","url":"https://x.example/p?a=1&b=<2>","title":"看看"},{"kind":"image","url":"http://x.example/a.png"}]}`,
		`{"title":"t","snippets":[{"kind":"text","text":"{{literal}} {nmae"}]}`,
		`{"title":"t","snippets":[{"kind":"video","url":"javascript:alert(1)"}]}`,
		`{"title":"t","snippets":[{"kind":"text","text":"\u0000{name}\ufffd"}]}`,
		`{"title":"","snippets":[]}`,
		`{"snippets":[{"kind":"audio"}]}`,
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		var in Input
		if json.Unmarshal(body, &in) != nil {
			return
		}
		c, err := checkInput(in)
		if err != nil {
			if siyu.ErrorCode(err) != siyu.EINVALID {
				t.Fatalf("refused with %v, want invalid", err)
			}
			return
		}
		again, err := checkInput(Input{Title: c.title, Keywords: c.keywords, Snippets: c.snippets})
		if err != nil || !reflect.DeepEqual(again, c) {
			t.Fatalf("accepted input changes when checked again: %+v → %+v (%v)", c, again, err)
		}
		st, err := encode(c.title, c.keywords, c.snippets)
		if err != nil {
			t.Fatal(err)
		}
		got, err := scriptRow{Title: c.title, Keywords: st.keywords, Snippets: st.snippets}.script()
		if err != nil || !reflect.DeepEqual(got.Snippets, c.snippets) || !reflect.DeepEqual(got.Keywords, c.keywords) {
			t.Fatalf("stored %q %q read back as %+v (%v)", st.keywords, st.snippets, got, err)
		}
		_ = UsedVariables(got.Snippets)
	})
}

// FuzzValues: render values from a request never panic and are refused as invalid
// unless every key is a known variable.
func FuzzValues(f *testing.F) {
	f.Add(`{"name":"王小雨","coupon":"满199减30"}`)
	f.Add(`{"nmae":"x"}`)
	f.Add(`{" name ":"  x  "}`)
	f.Fuzz(func(t *testing.T, body string) {
		var in map[string]string
		if json.Unmarshal([]byte(body), &in) != nil {
			return
		}
		out, err := CheckValues(in)
		if err != nil {
			if siyu.ErrorCode(err) != siyu.EINVALID {
				t.Fatalf("refused with %v", err)
			}
			return
		}
		for k := range out {
			if !known(k) {
				t.Fatalf("accepted unknown variable %q", k)
			}
		}
	})
}
