package web

import (
	"net/url"
	"strings"
	"testing"

	"github.com/siyu-live/siyu/internal/crm/script"
)

// FuzzScriptForm: whatever a posted script form holds, reading it never panics, every
// refused reply gets a message in the page's language (never an English service
// message), and a form the page accepts is one the library accepts too, so the save
// never fails after the page said it was fine.
func FuzzScriptForm(f *testing.F) {
	cats, err := loadCatalogs(files)
	if err != nil {
		f.Fatal(err)
	}
	c := &Console{cats: cats}
	for _, s := range [][5]string{
		{"穿多大码？", "尺码，偏大 大码", "text", "{name}您好，这款偏大", ""},
		{"链接", "", "link", "", "https://shop.example.com/size"},
		{"", "", "image", "", "javascript:alert(1)"},
		{"t", ",,, ;；", "video", "{nmae", "http://x"},
		{"t", "a b c d e f g h i j k", "audio", "{{literal}}", ""},
		{"t", "", "text", "}{", ""},
	} {
		f.Add(s[0], s[1], s[2], s[3], s[4])
	}
	f.Fuzz(func(t *testing.T, title, keywords, kind, text, link string) {
		v := url.Values{"title": {title}, "keywords": {keywords}, "category_id": {"0"},
			"sn_kind": {kind, "link"}, "sn_text": {text, ""}, "sn_url": {link, link}, "sn_title": {"", text}}
		form, in := c.readScriptForm(langZh, v)
		for field, msg := range form.Errors {
			if msg == "" || strings.HasPrefix(msg, "scripts.") || strings.Contains(msg, "must be") {
				t.Fatalf("field %s: message %q is not a page text", field, msg)
			}
		}
		if form.HasErrors() {
			return
		}
		if _, err := script.CheckSnippets(in.Snippets); err != nil {
			t.Fatalf("page accepted replies the library refuses: %v", err)
		}
		if _, err := script.CheckKeywords(in.Keywords); err != nil {
			t.Fatalf("page accepted keywords the library refuses: %v", err)
		}
	})
}
