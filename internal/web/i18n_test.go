package web

import (
	"io/fs"
	"regexp"
	"testing"

	"github.com/siyu-live/siyu/internal/live"
	"github.com/siyu-live/siyu/internal/org"
	"github.com/siyu-live/siyu/internal/webhook"
)

// Every literal key a template asks for, and every key built from a known list
// (areas, roles, permissions, event types, audit actions of the org and live services), must
// exist in every catalog: a missing one would show as a raw key on the page.
func TestCatalogsCoverTemplates(t *testing.T) {
	cats, err := loadCatalogs(files)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]bool{}
	lit := regexp.MustCompile(`\{\{-?\s*(?:t|has)\s+"([^"]+)"`)
	lit2 := regexp.MustCompile(`\(t "([^"]+)"`)
	err = fs.WalkDir(files, "templates", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		raw, err := fs.ReadFile(files, p)
		for _, re := range []*regexp.Regexp{lit, lit2} {
			for _, m := range re.FindAllStringSubmatch(string(raw), -1) {
				want[m[1]] = true
			}
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range areas {
		want["nav."+a.Key] = true
		if a.Key != "home" && !a.Admin {
			want["area."+a.Key+".tagline"] = true
		}
		if !a.Built {
			want["area."+a.Key+".desc"] = true
			want["area."+a.Key+".f1"] = true
		}
	}
	for _, r := range org.Roles {
		want["role."+string(r)] = true
		want["role."+string(r)+".desc"] = true
	}
	for _, p := range org.AllPermissions {
		want["perm."+string(p)] = true
	}
	for _, e := range webhook.EventTypes {
		want["event."+e] = true
	}
	for _, k := range []string{"plan.personal", "plan.enterprise", "audit.action.staff.login", "audit.action.staff.create",
		"audit.action.staff.update", "audit.action.token.create", "audit.action.token.revoke", "audit.action.settings.update",
		"audit.action.tenant.create", "audit.action.webhook.create", "audit.action.webhook.delete",
		"audit.action.webhook.pause", "audit.action.webhook.resume"} {
		want[k] = true
	}
	for _, a := range live.AuditActions {
		want["audit.action."+a] = true
	}
	for _, g := range settingGroups {
		want["settings.group."+g.Key] = true
		want["settings.group."+g.Key+".desc"] = true
	}
	for _, k := range knownMessages {
		want[k] = true
	}
	for _, code := range []string{"invalid", "forbidden", "not_found", "conflict", "internal", "rate_limited", "unauthorized"} {
		want["error.heading."+code] = true
	}
	for key := range want {
		for lang, c := range cats {
			if _, ok := c[key]; !ok {
				t.Errorf("catalog %s lacks %q", lang, key)
			}
		}
	}
}

func TestSafeNext(t *testing.T) {
	for in, want := range map[string]string{
		"":                         "/console",
		"/console/staff":           "/console/staff",
		"/console/audit?before=10": "/console/audit?before=10",
		"/console":                 "/console",
		"//evil.example/console":   "/console",
		"https://evil.example/":    "/console",
		"/\\evil.example":          "/console",
		"/api/v1/me":               "/console",
		"/consolex":                "/console",
		"/console/login":           "/console",
		"javascript:alert(1)":      "/console",
		"/console/\r\nX: y":        "/console",
	} {
		if got := safeNext(in); got != want {
			t.Errorf("safeNext(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestAcceptLanguage(t *testing.T) {
	for in, want := range map[string]string{
		"":                           "",
		"en-US,en;q=0.9":             langEn,
		"zh-CN,zh;q=0.9,en;q=0.8":    langZh,
		"fr-FR,en;q=0.3,zh-TW;q=0.6": langZh,
		"de":                         "",
		"en;q=0, zh;q=0.1":           langZh,
		"EN-gb":                      langEn,
	} {
		if got := acceptLanguage(in); got != want {
			t.Errorf("acceptLanguage(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestGroupDigits(t *testing.T) {
	for in, want := range map[int]string{0: "0", 999: "999", 1000: "1,000", 1000000000: "1,000,000,000", -52000: "-52,000"} {
		if got := groupDigits(in); got != want {
			t.Errorf("groupDigits(%d) = %q, want %q", in, got, want)
		}
	}
}
