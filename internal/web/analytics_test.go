// The 数据分析 pages: the session list (live and ended with their figures), the live
// dashboard and its token, the report with its Excel export and one-click tagging;
// who may see and do what, and another brand's sessions not found.

package web_test

import (
	"encoding/json"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/siyu-live/siyu/internal/apptest"
)

func TestAnalyticsPages(t *testing.T) { commerceEngines(t, analyticsPages) }

func analyticsPages(t *testing.T, app *apptest.App) {
	owner, tn := ownerOf(t, app, "Analytics Brand")
	p := owner.get("/console/analytics")
	mustStatus(t, p, http.StatusOK, "empty list")
	mustHave(t, p, "empty list", `data-testid="analytics-empty"`, "还没有可分析的直播")
	mustNotHave(t, p, "a built area", `data-testid="area-not-yet"`)

	s := newShop(t, app, tn)
	app.Must(http.StatusOK, "POST", "/api/v1/sessions/"+s.session+"/start", tn.Token, nil)
	s.order(t, app, "小美", true)
	s.order(t, app, "阿May", true)
	s.order(t, app, "七七", false)

	// On air: the list shows it with its live figures, the dashboard renders them.
	p = owner.get("/console/analytics")
	mustHave(t, p, "live list", `data-testid="live-session" data-id="`+s.session+`"`, "真丝专场", "¥1,914.00", "打开数据大屏")
	p = owner.get("/console/analytics/sessions/" + s.session)
	mustStatus(t, p, http.StatusFound, "session shortcut while live")
	if loc := p.Header.Get("Location"); loc != "/console/analytics/sessions/"+s.session+"/live" {
		t.Fatalf("a live session opens its dashboard, got %q", loc)
	}
	p = owner.get("/console/analytics/sessions/" + s.session + "/live")
	mustStatus(t, p, http.StatusOK, "dashboard")
	mustHave(t, p, "dashboard", `data-testid="dashboard"`, `data-session="`+s.session+`"`, `data-k="orders" data-fmt="num" data-testid="live-orders">3<`,
		`data-testid="live-gmv">¥1,914.00<`, `data-testid="live-paid">¥1,276.00<`, "analytics-live.js", "vendor/echarts.min.js", "数据大屏")
	noRawKeys(t, p, "dashboard")
	if csp := p.Header.Get("Content-Security-Policy"); !strings.Contains(csp, "script-src 'self'") || strings.Contains(csp, "unsafe") {
		t.Fatalf("dashboard CSP %q", csp)
	}

	// The dashboard script's token: CSRF-protected, and good for the dashboard API.
	mustStatus(t, owner.post("/console/analytics/token", url.Values{}), http.StatusForbidden, "token without csrf")
	tok := owner.post("/console/analytics/token", url.Values{}, "X-CSRF-Token", owner.csrf)
	mustStatus(t, tok, http.StatusOK, "token")
	var minted struct {
		Token string `json:"token"`
	}
	if err := json.Unmarshal([]byte(tok.Body), &minted); err != nil || minted.Token == "" {
		t.Fatalf("token answer %q: %v", tok.Body, err)
	}
	d := app.Must(http.StatusOK, "GET", "/api/v1/sessions/"+s.session+"/dashboard", minted.Token, nil)
	if d.JSON["orders"] != float64(3) || d.JSON["paid_amount"] != float64(127600) {
		t.Fatalf("dashboard through the console's token: %s", d.Body)
	}

	// Ended: the list shows the report's headline, the report has it all.
	app.Must(http.StatusOK, "POST", "/api/v1/sessions/"+s.session+"/end", tn.Token, nil)
	p = owner.get("/console/analytics")
	mustHave(t, p, "ended list", `data-testid="ended-row" data-id="`+s.session+`"`, `data-testid="row-orders">3<`, `data-testid="row-gmv">¥1,914.00<`, "查看复盘")
	mustNotHave(t, p, "nothing on air", `data-testid="live-session"`)
	p = owner.get("/console/analytics/sessions/" + s.session)
	if loc := p.Header.Get("Location"); loc != "/console/analytics/sessions/"+s.session+"/report" {
		t.Fatalf("an ended session opens its report, got %q", loc)
	}
	p = waitReport(t, owner, s.session, 2)
	mustHave(t, p, "report", `data-testid="report-title">真丝专场<`, `data-testid="kpi-orders-num">3<`, `data-testid="kpi-gmv-num">¥1,914.00<`,
		`data-testid="kpi-paid-num">¥1,276.00<`, `data-stage="entered"`, `data-stage="paid"`, `data-testid="product-row"`, "真丝衬衫",
		`data-testid="tag-form-converted"`, `data-testid="group-non_converted"`, "小美", "report.xlsx", "这是第一场直播")
	noRawKeys(t, p, "report")
	en := owner.get("/console/analytics/sessions/" + s.session + "/report?lang=en")
	mustHave(t, en, "English report", "Post-live report", "Conversion funnel", "Customers who paid", "Export to Excel")
	noRawKeys(t, en, "English report")
	owner.get("/console/analytics?lang=zh-CN") // back to Chinese (the choice is remembered)

	x := owner.get("/console/analytics/sessions/" + s.session + "/report.xlsx")
	mustStatus(t, x, http.StatusOK, "excel")
	if !strings.HasPrefix(x.Body, "PK") || !strings.Contains(x.Header.Get("Content-Type"), "spreadsheetml") ||
		!strings.Contains(x.Header.Get("Content-Disposition"), "attachment") {
		t.Fatalf("excel export: %v %.40q", x.Header, x.Body)
	}

	// One click tags the buyers; htmx swaps the group's card with the result.
	tag := owner.submit("/console/analytics/sessions/"+s.session+"/tag", url.Values{"group": {"converted"}, "tag": {"真丝专场已购"}}, "HX-Request", "true")
	mustStatus(t, tag, http.StatusOK, "tag")
	mustHave(t, tag, "tag result", `data-testid="tag-result"`, "已为 2 位客户打上标签「真丝专场已购」", "/console/customers?tag=", "followup=")
	if n := len(app.Must(http.StatusOK, "GET", "/api/v1/customers?tag="+url.QueryEscape("真丝专场已购"), tn.Token, nil).JSON["items"].([]any)); n != 2 {
		t.Fatalf("%d customers carry the tag, want the 2 buyers", n)
	}
	bad := owner.submit("/console/analytics/sessions/"+s.session+"/tag", url.Values{"group": {"converted"}, "tag": {"a b"}}, "HX-Request", "true")
	mustStatus(t, bad, http.StatusUnprocessableEntity, "bad tag name")
	mustHave(t, bad, "bad tag name", `class="field-error"`)
	plain := owner.submit("/console/analytics/sessions/"+s.session+"/tag", url.Values{"group": {"non_converted"}})
	mustStatus(t, plain, http.StatusOK, "tag without script")
	mustHave(t, plain, "tag without script", `data-testid="tag-result"`, "直播"+s.session+"未成交", `data-testid="funnel"`)

	// A session not started yet: both pages open and say so.
	draft := strconv.FormatInt(app.Must(http.StatusCreated, "POST", "/api/v1/sessions", tn.Token, map[string]any{"title": "下周预告"}).ID("id"), 10)
	mustHave(t, owner.get("/console/analytics/sessions/"+draft+"/report"), "draft report", "本场直播尚未开始", `data-status="draft"`)
	mustHave(t, owner.get("/console/analytics/sessions/"+draft+"/live"), "draft dashboard", `data-testid="dashboard"`, `data-status="draft"`)

	analyticsAccess(t, app, tn, s.session)
}

// waitReport opens the report until the CRM has linked the buyers to customers (it
// does so asynchronously) and the converted group counts want.
func waitReport(t *testing.T, b *browser, session string, want int) page {
	t.Helper()
	re := regexp.MustCompile(`data-testid="group-converted"[\s\S]*?data-testid="group-count">(\d+)<`)
	deadline := time.Now().Add(15 * time.Second)
	for {
		p := b.get("/console/analytics/sessions/" + session + "/report")
		mustStatus(t, p, http.StatusOK, "report")
		if m := re.FindStringSubmatch(p.Body); m != nil && m[1] == strconv.Itoa(want) {
			return p
		}
		if time.Now().After(deadline) {
			t.Fatalf("the report never counted %d converted customers:\n%s", want, p.Body)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// analyticsAccess: who may open what, and another brand's session is not found.
func analyticsAccess(t *testing.T, app *apptest.App, tn apptest.Tenant, session string) {
	base := "/console/analytics/sessions/" + session
	addStaff(t, app, tn, "agent@analytics.test", "agent")
	agent := newBrowser(t, app)
	agent.login("agent@analytics.test", "staff-password-1")
	mustHave(t, agent.get("/console"), "agent nav", `data-testid="nav"`)
	mustNotHave(t, agent.get("/console"), "agent nav", `href="/console/analytics"`)
	for _, path := range []string{"/console/analytics", base + "/live", base + "/report", base + "/report.xlsx"} {
		mustStatus(t, agent.get(path), http.StatusForbidden, "agent "+path)
	}

	addStaff(t, app, tn, "host@analytics.test", "host")
	host := newBrowser(t, app)
	host.login("host@analytics.test", "staff-password-1")
	p := host.get(base + "/report")
	mustStatus(t, p, http.StatusOK, "host report")
	mustNotHave(t, p, "a host may not tag", `data-testid="tag-form-converted"`, `data-testid="followup"`)
	mustStatus(t, host.submit(base+"/tag", url.Values{"group": {"converted"}, "tag": {"x"}}), http.StatusForbidden, "host tags")

	other, _ := ownerOf(t, app, "Other Brand")
	for _, path := range []string{base, base + "/live", base + "/report", base + "/report.xlsx"} {
		mustStatus(t, other.get(path), http.StatusNotFound, "another brand "+path)
	}
	mustStatus(t, other.submit(base+"/tag", url.Values{"group": {"converted"}, "tag": {"x"}}), http.StatusNotFound, "another brand tags")
	mustStatus(t, other.get("/console/analytics/sessions/abc/report"), http.StatusNotFound, "bad id")
	mustNotHave(t, other.get("/console/analytics"), "another brand's list", "真丝专场")
}
