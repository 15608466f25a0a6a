// Who sees which page, navigation, static files, 404s and audit paging.

package web_test

import (
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/siyu-live/siyu/internal/apptest"
)

func TestPermissionsByRole(t *testing.T) {
	t.Parallel()
	app := apptest.New(t)
	owner, tn := ownerOf(t, app, "Role Brand")
	addStaff(t, app, tn, "agent@example.com", "agent")

	p := owner.get("/console/audit")
	mustStatus(t, p, http.StatusOK, "owner audit")
	mustHave(t, p, "owner audit", `data-testid="audit-table"`, "staff.login", "登录", "staff.create", "添加员工", "127.0.0.1")

	agent := newBrowser(t, app)
	agent.login("agent@example.com", "staff-password-1")
	home := agent.get("/console")
	mustHave(t, home, "agent home", "客服", `href="/console/staff"`, `href="/console/settings"`)
	mustNotHave(t, home, "agent nav", `href="/console/audit"`, `href="/console/webhooks"`, `href="/console/live"`)

	for _, path := range []string{"/console/audit", "/console/webhooks", "/console/webhooks/1", "/console/live"} {
		p := agent.get(path)
		mustStatus(t, p, http.StatusForbidden, "agent "+path)
		mustHave(t, p, "agent "+path, "没有访问权限", `data-testid="error-page"`)
	}
	p = agent.get("/console/settings")
	mustStatus(t, p, http.StatusOK, "agent settings")
	mustHave(t, p, "agent settings", `data-testid="settings-readonly"`, " disabled>")
	mustNotHave(t, p, "agent settings", "保存设置")
	mustStatus(t, agent.submit("/console/settings", url.Values{"order_expiry_minutes": {"20"}}), http.StatusForbidden, "agent saves settings")
	mustStatus(t, agent.submit("/console/staff", url.Values{"email": {"x@example.com"}, "role": {"agent"}, "password": {"password-123"}}),
		http.StatusForbidden, "agent adds staff")
	mustStatus(t, agent.submit("/console/webhooks", url.Values{"url": {"https://example.com"}, "events": {"*"}}), http.StatusForbidden, "agent adds webhook")
	p = agent.get("/console/staff")
	mustStatus(t, p, http.StatusOK, "agent staff list")
	mustHave(t, p, "agent staff list", "只有店主和管理员可以添加或修改员工")
	mustNotHave(t, p, "agent staff list", `data-testid="staff-form"`)

	// An agent creates a token of their own.
	p = agent.submit("/console/tokens", url.Values{"name": {"我的脚本"}})
	mustStatus(t, p, http.StatusOK, "agent token")

	// Tenants never see each other: the other brand's endpoint is simply not found.
	other, _ := ownerOf(t, app, "Other Brand")
	p = owner.submit("/console/webhooks", url.Values{"url": {"https://example.com/a"}, "events": {"*"}})
	id := endpointRe.FindStringSubmatch(p.Body)[1]
	mustStatus(t, other.get("/console/webhooks/"+id), http.StatusNotFound, "other tenant's endpoint")
	mustStatus(t, other.submit("/console/webhooks/"+id+"/delete", url.Values{}), http.StatusNotFound, "delete other tenant's endpoint")
}

func TestStaticRootAndNotFound(t *testing.T) {
	t.Parallel()
	app := apptest.New(t)
	b := newBrowser(t, app)

	p := b.get("/")
	if p.Status != http.StatusFound || p.Header.Get("Location") != "/console" {
		t.Fatalf("GET / answered %d to %q, want a redirect to /console", p.Status, p.Header.Get("Location"))
	}
	p = b.get("/static/console.css")
	mustStatus(t, p, http.StatusOK, "css")
	if ct := p.Header.Get("Content-Type"); !strings.HasPrefix(ct, "text/css") || p.Header.Get("Cache-Control") != "public, no-cache" || p.Header.Get("ETag") == "" {
		t.Fatalf("css headers %v", p.Header)
	}
	login := b.get("/console/login")
	m := regexp.MustCompile(`/static/console\.css\?v=([0-9a-f]+)`).FindStringSubmatch(login.Body)
	if m == nil {
		t.Fatal("login page does not link the versioned stylesheet")
	}
	p = b.get("/static/console.css?v=" + m[1])
	if cc := p.Header.Get("Cache-Control"); !strings.Contains(cc, "immutable") {
		t.Fatalf("versioned css Cache-Control %q, want immutable", cc)
	}
	mustStatus(t, b.get("/static/console.css", "If-None-Match", p.Header.Get("ETag")), http.StatusNotModified, "revalidated css")
	mustStatus(t, b.get("/static/nope.css"), http.StatusNotFound, "missing static file")

	owner, _ := ownerOf(t, app, "404 Brand")
	p = owner.get("/console/no-such-page")
	mustStatus(t, p, http.StatusNotFound, "unknown console page")
	mustHave(t, p, "404 page", "页面不存在", "404 Brand")
	mustStatus(t, owner.get("/console/webhooks/999999"), http.StatusNotFound, "unknown endpoint")
	mustStatus(t, owner.get("/console/audit?before=x"), http.StatusNotFound, "bad audit cursor")
}

func TestEveryNavigationItemOpens(t *testing.T) {
	t.Parallel()
	app := apptest.New(t)
	owner, _ := ownerOf(t, app, "Nav Brand")
	home := owner.get("/console")
	links := regexp.MustCompile(`class="nav-item[^"]*"[^>]*href="([^"]+)"|href="([^"]+)" class="nav-item`).FindAllStringSubmatch(home.Body, -1)
	if len(links) < 17 {
		t.Fatalf("owner navigation has %d items, want all 17 areas:\n%s", len(links), home.Body)
	}
	for _, l := range links {
		path := l[1] + l[2]
		p := owner.get(path)
		mustStatus(t, p, http.StatusOK, "nav "+path)
		if !regexp.MustCompile(`<h1[^>]*>[^<]+`).MatchString(p.Body) {
			t.Errorf("%s has no heading", path)
		}
		if strings.Contains(p.Body, "area.") && strings.Contains(p.Body, ".tagline") {
			t.Errorf("%s shows a catalog key", path)
		}
	}
	p := owner.get("/console/ads")
	mustHave(t, p, "not-yet area", "此功能在当前版本中尚未开放", "ROI", `data-testid="area-not-yet"`)
}

func TestAuditPaging(t *testing.T) {
	t.Parallel()
	app := apptest.New(t)
	owner, tn := ownerOf(t, app, "Paging Brand")
	for i := range 55 {
		addStaff(t, app, tn, fmt.Sprintf("s%d@example.com", i), "kos")
	}
	p := owner.get("/console/audit")
	m := regexp.MustCompile(`href="/console/audit\?before=(\d+)" data-testid="audit-older"`).FindStringSubmatch(p.Body)
	if m == nil {
		t.Fatalf("first audit page has no older link:\n%s", p.Body)
	}
	if n := strings.Count(p.Body, `data-testid="audit-row"`); n != 50 {
		t.Fatalf("first page has %d rows, want 50", n)
	}
	p = owner.get("/console/audit?before=" + m[1])
	mustStatus(t, p, http.StatusOK, "older page")
	mustHave(t, p, "older page", "tenant.create", "回到最新", "没有更早的记录了")
}
