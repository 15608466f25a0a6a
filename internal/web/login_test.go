// Sign-in, CSRF and language: what a visitor sees before and around signing in.

package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/siyu-live/siyu/internal/apptest"
	"github.com/siyu-live/siyu/internal/config"
)

func TestLogin(t *testing.T) {
	t.Parallel()
	app := apptest.New(t)
	tn := app.Signup("Test Brand 甲")
	b := newBrowser(t, app)

	p := b.get("/console")
	mustStatus(t, p, http.StatusSeeOther, "console without a session")
	if loc := p.Header.Get("Location"); loc != "/console/login" {
		t.Fatalf("redirect to %q, want /console/login", loc)
	}
	p = b.get("/console/staff?x=1")
	if loc := p.Header.Get("Location"); loc != "/console/login?next="+url.QueryEscape("/console/staff?x=1") {
		t.Fatalf("redirect to %q, want the login page with next", loc)
	}

	p = b.tryLogin(tn.Email, "wrong password!", "")
	mustStatus(t, p, http.StatusUnauthorized, "wrong password")
	mustHave(t, p, "wrong password", `data-testid="login-error"`, "邮箱或密码错误", `value="`+tn.Email+`"`)

	p = b.tryLogin("", "", "")
	mustStatus(t, p, http.StatusBadRequest, "empty form")
	mustHave(t, p, "empty form", "请输入邮箱")

	p = b.tryLogin(tn.Email, ownerPassword, "/console/settings")
	mustStatus(t, p, http.StatusSeeOther, "login")
	if loc := p.Header.Get("Location"); loc != "/console/settings" {
		t.Fatalf("after login to %q, want next=/console/settings", loc)
	}
	var session *http.Cookie
	for _, c := range (&http.Response{Header: p.Header}).Cookies() {
		if c.Name == "siyu_session" {
			session = c
		}
	}
	if session == nil || !session.HttpOnly || session.SameSite != http.SameSiteLaxMode || session.Secure {
		t.Fatalf("session cookie %+v: want HttpOnly, SameSite=Lax, not Secure on http", session)
	}

	p = b.get("/console")
	mustStatus(t, p, http.StatusOK, "home")
	mustHave(t, p, "home", `data-testid="console-home"`, "Test Brand 甲", "店主", "新手上路")

	// Already signed in: the login page goes to the console.
	p = b.get("/console/login")
	mustStatus(t, p, http.StatusSeeOther, "login page when signed in")

	p = b.submit("/console/logout", url.Values{})
	mustStatus(t, p, http.StatusSeeOther, "logout")
	if p = b.get("/console"); p.Status != http.StatusSeeOther {
		t.Fatalf("after logout /console answered %d, want a redirect to the login page", p.Status)
	}
	mustHave(t, b.get("/console/login"), "after logout", "你已安全退出")
}

func TestLoginNextStaysOnSite(t *testing.T) {
	t.Parallel()
	app := apptest.New(t)
	tn := app.Signup("Next Brand")
	for _, next := range []string{"//evil.example/x", "https://evil.example/", "/\\evil.example", "/api/v1/me", "javascript:alert(1)"} {
		b := newBrowser(t, app)
		p := b.tryLogin(tn.Email, ownerPassword, next)
		mustStatus(t, p, http.StatusSeeOther, "login with next "+next)
		if loc := p.Header.Get("Location"); loc != "/console" {
			t.Errorf("next=%q: redirected to %q, want /console", next, loc)
		}
	}
}

func TestLoginRateLimited(t *testing.T) {
	t.Parallel()
	app := apptest.New(t, apptest.Options{Config: func(c *config.Config) { c.LoginPerMinute = 2 }})
	tn := app.Signup("Limit Brand")
	b := newBrowser(t, app)
	var last page
	for range 4 {
		last = b.tryLogin(tn.Email, "wrong password!", "")
	}
	mustStatus(t, last, http.StatusTooManyRequests, "fourth wrong password")
	mustHave(t, last, "rate limited", `data-testid="login-error"`, "登录尝试过于频繁")
}

func TestLoginFormNeedsItsCSRFCookie(t *testing.T) {
	t.Parallel()
	app := apptest.New(t)
	tn := app.Signup("Forged Login Brand")
	// A cross-site page posting the login form has neither the cookie nor its value.
	b := newBrowser(t, app)
	p := b.post("/console/login", url.Values{"email": {tn.Email}, "password": {ownerPassword}, "csrf": {"guess"}})
	mustStatus(t, p, http.StatusForbidden, "login without the pre-session cookie")
	mustHave(t, p, "login csrf", "登录表单已过期")
}

func TestCSRFRefused(t *testing.T) {
	t.Parallel()
	app := apptest.New(t)
	b, _ := ownerOf(t, app, "CSRF Brand")
	form := url.Values{"email": {"victim@example.com"}, "name": {"x"}, "role": {"admin"}, "password": {"password-123"}}

	// What a cross-site page can send: the browser adds the cookie, not the token.
	p := b.post("/console/staff", form, "Origin", "https://evil.example")
	mustStatus(t, p, http.StatusForbidden, "cross-site POST without a token")
	mustHave(t, p, "csrf refusal", "安全校验失败")
	p = b.post("/console/staff", form, "X-CSRF-Token", "csrf_wrong")
	mustStatus(t, p, http.StatusForbidden, "POST with a wrong header token")
	p = b.post("/console/settings", url.Values{"order_expiry_minutes": {"99"}, "csrf": {"csrf_wrong"}})
	mustStatus(t, p, http.StatusForbidden, "POST with a wrong form token")
	mustNotHave(t, b.get("/console/staff"), "staff after refused posts", "victim@example.com")

	// The htmx way: token in the header.
	p = b.post("/console/staff", form, "X-CSRF-Token", b.csrf)
	mustStatus(t, p, http.StatusSeeOther, "POST with the header token")
	mustHave(t, b.get("/console/staff"), "staff after accepted post", "victim@example.com")
}

func TestLanguage(t *testing.T) {
	t.Parallel()
	app := apptest.New(t)
	b := newBrowser(t, app)

	p := b.get("/console/login")
	mustHave(t, p, "default login", `<html lang="zh-CN">`, "登录", "邮箱")
	p = b.get("/console/login?lang=en")
	mustHave(t, p, "?lang=en", `<html lang="en">`, "Sign in", "E-mail")
	if !strings.Contains(strings.Join(p.Header.Values("Set-Cookie"), ";"), "siyu_lang=en") {
		t.Fatalf("?lang=en should remember the language in a cookie; headers %v", p.Header)
	}
	mustHave(t, b.get("/console/login"), "remembered language", "Sign in")
	mustHave(t, b.get("/console/login?lang=zh-CN"), "back to Chinese", "登录")

	fresh := newBrowser(t, app)
	mustHave(t, fresh.get("/console/login", "Accept-Language", "en-US,en;q=0.9,zh;q=0.5"), "Accept-Language en", "Sign in")
	mustHave(t, fresh.get("/console/login", "Accept-Language", "fr-FR,zh-TW;q=0.8,en;q=0.5"), "Accept-Language zh", "登录")
	mustHave(t, fresh.get("/console/login", "Accept-Language", "fr-FR"), "unsupported language", "登录")

	owner, _ := ownerOf(t, app, "Lang Brand")
	p = owner.get("/console?lang=en")
	mustHave(t, p, "English home", "Welcome back", "Getting started", "Lang Brand", "Owner", "Live sessions", "Coming soon")
	p = owner.submit("/console/settings", url.Values{"order_expiry_minutes": {"0"}})
	mustHave(t, p, "English field error", "Must be between 1 and 10,080")
	p = owner.get("/console/ads")
	mustHave(t, p, "English area", "This area is not available yet in this version")
}
