// The admin pages driven through their forms: staff, settings, tokens, webhooks.

package web_test

import (
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/siyu-live/siyu/internal/apptest"
)

var staffIDRe = regexp.MustCompile(`id="staff-(\d+)" data-testid="staff-row" data-email="([^"]+)"`)

func staffID(t *testing.T, p page, email string) string {
	t.Helper()
	for _, m := range staffIDRe.FindAllStringSubmatch(p.Body, -1) {
		if m[2] == email {
			return m[1]
		}
	}
	t.Fatalf("no staff row for %s:\n%s", email, p.Body)
	return ""
}

func TestStaffCreateChangeDisable(t *testing.T) {
	t.Parallel()
	app := apptest.New(t)
	b, tn := ownerOf(t, app, "Staff Brand")

	p := b.submit("/console/staff", url.Values{"email": {"not-an-email"}, "name": {"小林"}, "role": {"host"}, "password": {"password-123"}})
	mustStatus(t, p, http.StatusUnprocessableEntity, "bad e-mail")
	mustHave(t, p, "bad e-mail", `class="field has-error"`, "请输入有效的邮箱地址", `value="小林"`, `value="not-an-email"`,
		`<option value="host" selected>`)

	p = b.submit("/console/staff", url.Values{"email": {"lin@example.com"}, "name": {"小林"}, "role": {"host"}, "password": {"short"}})
	mustStatus(t, p, http.StatusUnprocessableEntity, "short password")
	mustHave(t, p, "short password", "密码需为 8–128 个字符")

	p = b.submit("/console/staff", url.Values{"email": {"lin@example.com"}, "name": {"小林"}, "role": {"host"}, "password": {"password-123"}})
	mustStatus(t, p, http.StatusSeeOther, "create staff")
	p = b.get("/console/staff")
	mustHave(t, p, "staff list", "已添加员工「小林」", "lin@example.com", "主播", "从未登录", "角色权限", "管理员工")
	id := staffID(t, p, "lin@example.com")

	p = b.submit("/console/staff", url.Values{"email": {"lin@example.com"}, "name": {"又一个"}, "role": {"agent"}, "password": {"password-123"}})
	mustStatus(t, p, http.StatusConflict, "duplicate e-mail")
	mustHave(t, p, "duplicate e-mail", "该邮箱已被注册")

	p = b.submit("/console/staff/"+id+"/role", url.Values{"role": {"agent"}})
	mustStatus(t, p, http.StatusSeeOther, "change role")
	mustHave(t, b.get("/console/staff"), "after role change", "已更新「小林」的角色")

	// htmx inline change answers with the row only.
	p = b.submit("/console/staff/"+id+"/status", url.Values{"disabled": {"true"}}, "HX-Request", "true")
	mustStatus(t, p, http.StatusOK, "disable via htmx")
	if !strings.HasPrefix(strings.TrimSpace(p.Body), "<tr") || !p.has("已停用") || p.has("<html") {
		t.Fatalf("htmx disable should answer the updated row, got:\n%s", p.Body)
	}
	p = b.submit("/console/staff/"+id+"/status", url.Values{"disabled": {"false"}})
	mustStatus(t, p, http.StatusSeeOther, "enable")
	p = b.submit("/console/staff/"+id+"/status", url.Values{"disabled": {"true"}})
	mustStatus(t, p, http.StatusSeeOther, "disable")
	p = b.get("/console/staff")
	mustHave(t, p, "after disable", "已停用「小林」", "badge-danger")

	// The disabled member can no longer sign in.
	other := newBrowser(t, app)
	mustHave(t, other.tryLogin("lin@example.com", "password-123", ""), "disabled login", "该账号已停用")

	// Refusals come back next to the row, in Chinese.
	self := staffID(t, p, tn.Email)
	p = b.submit("/console/staff/"+self+"/status", url.Values{"disabled": {"true"}}, "HX-Request", "true")
	mustStatus(t, p, http.StatusUnprocessableEntity, "disable yourself via htmx")
	mustHave(t, p, "self-disable", "不能停用自己", `data-testid="row-error"`)
	p = b.submit("/console/staff/"+self+"/status", url.Values{"disabled": {"true"}})
	mustStatus(t, p, http.StatusConflict, "disable yourself")
	mustHave(t, p, "self-disable page", "不能停用自己", `data-testid="staff-table"`)

	mustStatus(t, b.submit("/console/staff/999999/status", url.Values{"disabled": {"true"}}), http.StatusNotFound, "unknown staff")
	mustStatus(t, b.submit("/console/staff/abc/role", url.Values{"role": {"host"}}), http.StatusNotFound, "bad id")
}

func TestSettingsEdit(t *testing.T) {
	t.Parallel()
	app := apptest.New(t)
	b, _ := ownerOf(t, app, "Settings Brand")

	p := b.get("/console/settings")
	mustStatus(t, p, http.StatusOK, "settings page")
	mustHave(t, p, "settings page", "未支付订单关闭时间（分钟）", `name="order_expiry_minutes" value="15"`, "范围 1–10,080", "¥520.00")

	p = b.submit("/console/settings", url.Values{"order_expiry_minutes": {"30"}, "lottery_draw_delay_seconds": {"60"}})
	mustStatus(t, p, http.StatusSeeOther, "save a setting")
	p = b.get("/console/settings")
	mustHave(t, p, "after save", "已保存 1 项设置", `name="order_expiry_minutes" value="30"`)

	p = b.submit("/console/settings", url.Values{"order_expiry_minutes": {"0"}, "weekly_top_n": {"abc"}, "kos_min_stores": {"12"}})
	mustStatus(t, p, http.StatusUnprocessableEntity, "out of range")
	mustHave(t, p, "out of range", "必须在 1 到 10,080 之间", "请输入整数", `name="order_expiry_minutes" value="0"`,
		`name="weekly_top_n" value="abc"`, `name="kos_min_stores" value="12"`, "有设置未通过校验")
	// Nothing was saved from the rejected form.
	mustHave(t, b.get("/console/settings"), "after rejected save", `name="order_expiry_minutes" value="30"`, `name="kos_min_stores" value="10"`)

	p = b.submit("/console/settings", url.Values{"order_expiry_minutes": {"30"}})
	mustStatus(t, p, http.StatusSeeOther, "unchanged")
	mustHave(t, b.get("/console/settings"), "unchanged flash", "没有需要保存的修改")
}

var tokenRevokeRe = regexp.MustCompile(`/console/tokens/(\d+)/revoke`)
var plaintextRe = regexp.MustCompile(`data-testid="token-plaintext">(sy_[0-9a-f]+)<`)

func TestTokensCreateRevoke(t *testing.T) {
	t.Parallel()
	app := apptest.New(t)
	b, _ := ownerOf(t, app, "Token Brand")

	p := b.submit("/console/tokens", url.Values{"name": {"  "}})
	mustStatus(t, p, http.StatusUnprocessableEntity, "empty token name")
	mustHave(t, p, "empty token name", "请填写 1–100 个字符的令牌名称")

	p = b.submit("/console/tokens", url.Values{"name": {"ERP 订单同步"}})
	mustStatus(t, p, http.StatusOK, "create token")
	m := plaintextRe.FindStringSubmatch(p.Body)
	if m == nil {
		t.Fatalf("token page shows no plaintext:\n%s", p.Body)
	}
	plain := m[1]
	mustHave(t, p, "created token", "只显示这一次", "ERP 订单同步")
	app.Must(http.StatusOK, "GET", "/api/v1/me", plain, nil)

	p = b.get("/console/tokens")
	mustNotHave(t, p, "token list", plain)
	mustHave(t, p, "token list", "ERP 订单同步", plain[:10]+"…")
	ids := tokenRevokeRe.FindStringSubmatch(p.Body)
	if ids == nil {
		t.Fatalf("no revoke button:\n%s", p.Body)
	}
	p = b.submit("/console/tokens/"+ids[1]+"/revoke", url.Values{})
	mustStatus(t, p, http.StatusSeeOther, "revoke")
	mustHave(t, b.get("/console/tokens"), "after revoke", "令牌已吊销", "已吊销")
	app.Must(http.StatusUnauthorized, "GET", "/api/v1/me", plain, nil)
}

var endpointRe = regexp.MustCompile(`href="/console/webhooks/(\d+)"`)

func TestWebhooks(t *testing.T) {
	t.Parallel()
	app := apptest.New(t)
	b, _ := ownerOf(t, app, "Hook Brand")

	p := b.get("/console/webhooks")
	mustStatus(t, p, http.StatusOK, "webhooks page")
	mustHave(t, p, "webhooks page", "还没有 Webhook", `value="staff.created"`, `value="*"`, "员工已创建")

	p = b.submit("/console/webhooks", url.Values{"url": {"ftp://example.com"}, "events": {"staff.created"}, "description": {"同步"}})
	mustStatus(t, p, http.StatusUnprocessableEntity, "bad url")
	mustHave(t, p, "bad url", "请输入以 http:// 或 https:// 开头", `value="ftp://example.com"`, `value="staff.created" checked`, `value="同步"`)
	p = b.submit("/console/webhooks", url.Values{"url": {"https://example.com/hook"}})
	mustStatus(t, p, http.StatusUnprocessableEntity, "no events")
	mustHave(t, p, "no events", "请至少选择一个事件类型")

	p = b.submit("/console/webhooks", url.Values{"url": {"https://example.com/hook"}, "events": {"staff.created", "tenant.settings_updated"}, "description": {"同步到企业微信"}})
	mustStatus(t, p, http.StatusOK, "create webhook")
	mustHave(t, p, "created webhook", `data-testid="webhook-secret">whsec_`, "只显示这一次", "https://example.com/hook")
	m := endpointRe.FindStringSubmatch(p.Body)
	if m == nil {
		t.Fatalf("no endpoint link:\n%s", p.Body)
	}
	id := m[1]
	mustNotHave(t, b.get("/console/webhooks"), "list after create", "whsec_")

	p = b.submit("/console/webhooks/"+id+"/test", url.Values{"back": {"endpoint"}})
	mustStatus(t, p, http.StatusSeeOther, "send test")
	p = b.get("/console/webhooks/" + id)
	mustStatus(t, p, http.StatusOK, "endpoint page")
	mustHave(t, p, "endpoint page", "测试事件已加入发送队列", `data-testid="delivery-row"`, "测试事件", "同步到企业微信")
	frag := b.get("/console/webhooks/"+id+"/deliveries", "HX-Request", "true")
	mustStatus(t, frag, http.StatusOK, "deliveries fragment")
	if !strings.HasPrefix(strings.TrimSpace(frag.Body), `<section id="deliveries"`) {
		t.Fatalf("deliveries fragment:\n%s", frag.Body)
	}

	p = b.submit("/console/webhooks/"+id+"/active", url.Values{"active": {"false"}, "back": {"endpoint"}})
	mustStatus(t, p, http.StatusSeeOther, "pause")
	if loc := p.Header.Get("Location"); loc != "/console/webhooks/"+id {
		t.Fatalf("pause from the endpoint page went to %q", loc)
	}
	mustHave(t, b.get("/console/webhooks/"+id), "paused", "Webhook 已暂停", "已暂停")
	p = b.submit("/console/webhooks/"+id+"/test", url.Values{})
	mustStatus(t, p, http.StatusSeeOther, "test a paused endpoint")
	mustHave(t, b.get("/console/webhooks"), "test refused", "flash-error")

	p = b.submit("/console/webhooks/"+id+"/delete", url.Values{})
	mustStatus(t, p, http.StatusSeeOther, "delete")
	mustStatus(t, b.get("/console/webhooks/"+id), http.StatusNotFound, "deleted endpoint")

	p = b.get("/console/audit")
	mustHave(t, p, "audit after webhook changes", "webhook.create", "webhook.pause", "webhook.delete", "添加 Webhook", "webhook:"+id)
}
