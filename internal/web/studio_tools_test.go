package web

import (
	"io/fs"
	"regexp"
	"strings"
	"testing"
)

// The studio's selling tools build many texts from parts (a tool's status, a tab's
// name, an error's field). Every key the scripts ask for, literally or from the lists
// below, must exist in both languages: a missing one would show as a raw key.
func TestStudioToolsTexts(t *testing.T) {
	cats, err := loadCatalogs(files)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]bool{}
	lit := regexp.MustCompile(`'(js\.tools\.[a-z_.]+[a-z_])'`)
	paths, err := fs.Glob(files, "static/live/studio-tools*.js")
	if err != nil || len(paths) == 0 {
		t.Fatalf("no studio-tools scripts: %v", err)
	}
	for _, p := range paths {
		raw, err := fs.ReadFile(files, p)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range lit.FindAllStringSubmatch(string(raw), -1) {
			want[m[1]] = true
		}
	}
	statuses := map[string][]string{
		"flash": {"scheduled", "running", "sold_out", "ended"}, "env": {"open", "empty", "expired"},
		"lot": {"open", "drawn"}, "group": {"open", "closed"}, "grp": {"forming", "succeeded", "failed"},
		"assist": {"open", "closed"}, "coupon": {"active", "stopped"}, "cb": {"active", "stopped"},
	}
	for tool, list := range statuses {
		for _, s := range list {
			want["js.tools."+tool+".status."+s] = true
		}
	}
	for _, c := range []string{"none", "follow", "share", "password"} {
		want["js.tools.cond."+c] = true
		want["live.tools.cond."+c] = true
	}
	for _, m := range []string{"random", "fixed"} {
		want["js.tools.env.mode."+m] = true
	}
	for _, tab := range []string{"showcase", "flash", "envelope", "lottery", "group", "assist", "coupon", "commentbuy"} {
		want["live.tools.tab."+tab] = true
		want["live.tools."+tab+".list"] = true
		want["live.tools."+tab+".empty"] = true
	}
	for key := range want {
		for lang, c := range cats {
			if _, ok := c[key]; !ok {
				t.Errorf("catalog %s lacks %q", lang, key)
			}
		}
	}
	// The studio page links the panel's stylesheet and includes the panel.
	raw, err := fs.ReadFile(files, "templates/live_studio.html")
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range []string{`asset "live/studio-tools.css"`, `template "studio_tools"`} {
		if !strings.Contains(string(raw), s) {
			t.Errorf("live_studio.html lacks %s", s)
		}
	}
}
