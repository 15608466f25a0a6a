package api_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/siyu-live/siyu/internal/apptest"
	"github.com/siyu-live/siyu/internal/config"
)

func TestSignupAndLoginContract(t *testing.T) {
	t.Parallel()
	for _, pg := range []bool{false, true} {
		name := "sqlite"
		if pg {
			name = "postgres"
		}
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			app := apptest.New(t, apptest.Options{Postgres: pg})
			r := app.Must(http.StatusCreated, "POST", "/api/v1/tenants", "", map[string]any{
				"name": "花西子旗舰店", "owner_email": "Boss@Brand.example", "owner_password": "s3cret-pass"})
			tenant := r.JSON["tenant"].(map[string]any)
			if tenant["id"] == nil || tenant["name"] != "花西子旗舰店" || r.JSON["token"] == "" {
				t.Fatalf("signup answer lacks tenant.id, name or token: %s", r.Body)
			}
			token := r.JSON["token"].(string)
			me := app.Must(http.StatusOK, "GET", "/api/v1/me", token, nil)
			if me.JSON["user"].(map[string]any)["role"] != "owner" {
				t.Fatalf("signup owner is not an owner: %s", me.Body)
			}

			// Same e-mail again (case-insensitive) is a conflict naming the field.
			dup := app.Do("POST", "/api/v1/tenants", "", map[string]any{"name": "x", "owner_email": "boss@brand.example", "owner_password": "s3cret-pass"})
			if dup.Status != http.StatusConflict || dup.ErrorField() != "owner_email" {
				t.Fatalf("duplicate owner e-mail: %d %s", dup.Status, dup.Body)
			}

			login := app.Must(http.StatusOK, "POST", "/api/v1/auth/login", "", map[string]any{"email": "boss@brand.example", "password": "s3cret-pass"})
			if login.JSON["token"] == "" || login.JSON["user"].(map[string]any)["email"] != "boss@brand.example" {
				t.Fatalf("login answer: %s", login.Body)
			}
			bad := app.Do("POST", "/api/v1/auth/login", "", map[string]any{"email": "boss@brand.example", "password": "wrong-pass"})
			if bad.Status != http.StatusUnauthorized || bad.ErrorCode() != "unauthorized" {
				t.Fatalf("wrong password: %d %s", bad.Status, bad.Body)
			}
			// The logged-in token works until logout, then never again.
			lt := login.JSON["token"].(string)
			app.Must(http.StatusOK, "GET", "/api/v1/me", lt, nil)
			app.Must(http.StatusNoContent, "POST", "/api/v1/auth/logout", lt, nil)
			if r := app.Do("GET", "/api/v1/me", lt, nil); r.Status != http.StatusUnauthorized {
				t.Fatalf("token works after logout: %d", r.Status)
			}
		})
	}
}

func TestSignupValidationNamesTheField(t *testing.T) {
	t.Parallel()
	app := apptest.New(t)
	cases := []struct {
		body  string
		field string
	}{
		{`{"name":"","owner_email":"a@b.io","owner_password":"12345678"}`, "name"},
		{`{"name":"x","owner_email":"not-an-email","owner_password":"12345678"}`, "owner_email"},
		{`{"name":"x","owner_email":"a@b.io","owner_password":"short"}`, "owner_password"},
		{`{"name":"x","owner_email":"a@b.io","owner_password":"12345678","plan":"gold"}`, "plan"},
		{`{"name":123,"owner_email":"a@b.io","owner_password":"12345678"}`, "name"},
		{`{"name":"` + strings.Repeat("长", 101) + `","owner_email":"a@b.io","owner_password":"12345678"}`, "name"},
	}
	for _, c := range cases {
		r := app.Do("POST", "/api/v1/tenants", "", c.body)
		if r.Status != http.StatusBadRequest || r.ErrorCode() != "invalid" || r.ErrorField() != c.field {
			t.Errorf("body %s: %d %s, want 400 invalid naming %q", c.body, r.Status, r.Body, c.field)
		}
		if msg := r.JSON["error"].(map[string]any)["message"].(string); !strings.Contains(msg, c.field) {
			t.Errorf("body %s: message %q does not name %q", c.body, msg, c.field)
		}
	}
	for _, body := range []string{``, `{`, `[]`, `{"name":"x"} {"name":"y"}`, `null`} {
		r := app.Do("POST", "/api/v1/tenants", "", body)
		if r.Status != http.StatusBadRequest || r.ErrorCode() != "invalid" {
			t.Errorf("body %q: %d %s, want 400 invalid", body, r.Status, r.Body)
		}
	}
	// Nothing half-written: no tenant exists for any of the rejected e-mails.
	if r := app.Do("POST", "/api/v1/auth/login", "", map[string]any{"email": "a@b.io", "password": "12345678"}); r.Status != http.StatusUnauthorized {
		t.Errorf("a rejected signup left an account behind: %d", r.Status)
	}
}

func TestLoginIsRateLimited(t *testing.T) {
	t.Parallel()
	app := apptest.New(t, apptest.Options{Config: func(c *config.Config) { c.LoginPerMinute = 3 }})
	app.Signup("Rate")
	var last apptest.Response
	for range 4 {
		last = app.Do("POST", "/api/v1/auth/login", "", map[string]any{"email": "victim@example.com", "password": "guess-guess"})
	}
	if last.Status != http.StatusTooManyRequests || last.ErrorCode() != "rate_limited" {
		t.Fatalf("4th login attempt in a minute: %d %s, want 429 rate_limited", last.Status, last.Body)
	}
}

func TestBodyLimitAndErrorsShape(t *testing.T) {
	t.Parallel()
	app := apptest.New(t, apptest.Options{Config: func(c *config.Config) { c.MaxBodyBytes = 2048 }})
	big := `{"name":"` + strings.Repeat("x", 4096) + `","owner_email":"a@b.io","owner_password":"12345678"}`
	r := app.Do("POST", "/api/v1/tenants", "", big)
	if r.Status != http.StatusRequestEntityTooLarge || !strings.Contains(r.JSON["error"].(map[string]any)["message"].(string), "2048") {
		t.Fatalf("oversized body: %d %s", r.Status, r.Body)
	}
	r = app.Do("GET", "/api/v1/me", "", nil)
	if r.Status != http.StatusUnauthorized || r.ErrorCode() != "unauthorized" {
		t.Fatalf("no token: %d %s", r.Status, r.Body)
	}
	if r.Header.Get("X-Request-Id") == "" || r.JSON["error"].(map[string]any)["request_id"] == nil {
		t.Fatalf("error answer lacks a request id: %v %s", r.Header, r.Body)
	}
	r = app.Do("GET", "/api/v1/me", "sy_not-a-real-token", nil)
	if r.Status != http.StatusUnauthorized {
		t.Fatalf("bad token: %d", r.Status)
	}
}

func TestHealthAndMetrics(t *testing.T) {
	t.Parallel()
	app := apptest.New(t)
	r := app.Must(http.StatusOK, "GET", "/healthz", "", nil)
	if r.JSON["status"] != "ok" {
		t.Fatalf("healthz: %s", r.Body)
	}
	app.Do("GET", "/api/v1/me", "", nil)
	m := app.Must(http.StatusOK, "GET", "/metrics", "", nil)
	if !strings.Contains(string(m.Body), `siyu_http_requests_total{route="GET /api/v1/me",status="401"}`) {
		t.Fatalf("metrics lack the request counter:\n%.2000s", m.Body)
	}
}
