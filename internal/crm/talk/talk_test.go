package talk_test

import (
	"strings"
	"testing"

	"github.com/siyu-live/siyu"
	"github.com/siyu-live/siyu/internal/crm/talk"
)

func TestRenderFillsEachRecipientsValues(t *testing.T) {
	t.Parallel()
	text := "{name}，明晚 {live_time} 开播：{ live_link } {{不是变量}}"
	got := talk.Render(text, map[string]string{"name": "王女士", "live_time": "20:00", "live_link": "http://x/r/ab"})
	want := "王女士，明晚 20:00 开播：http://x/r/ab {不是变量}"
	if got != want {
		t.Fatalf("Render = %q, want %q", got, want)
	}
	if got := talk.Render("hi {name}!", nil); got != "hi !" {
		t.Fatalf("a variable without a value must vanish, got %q", got)
	}
}

func TestCheckNamesTheBadVariable(t *testing.T) {
	t.Parallel()
	if err := talk.Check("text", "{name} {live_link}", talk.Variables); err != nil {
		t.Fatalf("known variables refused: %v", err)
	}
	for text, want := range map[string]string{"你好 {nmae}": "{nmae}", "见 {live_time": "unclosed"} {
		err := talk.Check("text", text, talk.Variables)
		if siyu.ErrorCode(err) != siyu.EINVALID || !strings.Contains(err.Error(), want) || !strings.Contains(err.Error(), "text") {
			t.Fatalf("Check(%q) = %v, want invalid naming %q and the field", text, err, want)
		}
	}
}

func FuzzRender(f *testing.F) {
	for _, s := range []string{"", "{name}", "{{", "}}", "{", "a{b}c{", "{{name}}", "{名字}"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, text string) {
		out := talk.Render(text, map[string]string{"name": "x"})
		if err := talk.Check("t", text, talk.Variables); err == nil && strings.Contains(text, "{name}") && !strings.Contains(text, "{{") && !strings.Contains(out, "x") {
			t.Fatalf("%q rendered %q without the value", text, out)
		}
	})
}
