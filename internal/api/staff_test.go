package api_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/siyu-live/siyu/internal/apptest"
)

func TestStaffRolesAndPermissions(t *testing.T) {
	t.Parallel()
	app := apptest.New(t)
	owner := app.Signup("Staff Co")
	agent := app.Must(http.StatusCreated, "POST", "/api/v1/staff", owner.Token, map[string]any{
		"email": "agent@staff.example", "name": "客服小王", "role": "agent", "password": "agent-pass-1"})
	if agent.JSON["role"] != "agent" || agent.JSON["name"] != "客服小王" {
		t.Fatalf("created staff: %s", agent.Body)
	}
	agentID := itoa(agent.ID("id"))
	login := app.Must(http.StatusOK, "POST", "/api/v1/auth/login", "", map[string]any{"email": "agent@staff.example", "password": "agent-pass-1"})
	agentToken := login.JSON["token"].(string)

	// An agent may list colleagues but not manage staff, settings or the audit log.
	app.Must(http.StatusOK, "GET", "/api/v1/staff", agentToken, nil)
	for _, c := range []struct{ method, path string }{
		{"POST", "/api/v1/staff"}, {"PATCH", "/api/v1/settings"}, {"GET", "/api/v1/audit-log"}, {"GET", "/api/v1/webhooks"},
	} {
		r := app.Do(c.method, c.path, agentToken, map[string]any{"email": "x@y.io", "role": "owner", "password": "12345678"})
		if r.Status != http.StatusForbidden || r.ErrorCode() != "forbidden" {
			t.Errorf("agent %s %s: %d %s, want 403", c.method, c.path, r.Status, r.Body)
		}
	}
	me := app.Must(http.StatusOK, "GET", "/api/v1/me", agentToken, nil)
	if strings.Contains(string(me.Body), "staff.manage") || !strings.Contains(string(me.Body), "inbox.reply") {
		t.Errorf("agent permissions: %s", me.Body)
	}

	// Bad role and bad e-mail name their fields.
	r := app.Do("POST", "/api/v1/staff", owner.Token, map[string]any{"email": "h@staff.example", "role": "boss", "password": "12345678"})
	if r.Status != http.StatusBadRequest || r.ErrorField() != "role" {
		t.Errorf("bad role: %d %s", r.Status, r.Body)
	}
	r = app.Do("POST", "/api/v1/staff", owner.Token, map[string]any{"email": "agent@staff.example", "role": "host", "password": "12345678"})
	if r.Status != http.StatusConflict || r.ErrorField() != "email" {
		t.Errorf("duplicate e-mail: %d %s", r.Status, r.Body)
	}

	// Disabling the agent ends their token at once.
	app.Must(http.StatusOK, "PATCH", "/api/v1/staff/"+agentID, owner.Token, map[string]any{"disabled": true})
	if r := app.Do("GET", "/api/v1/me", agentToken, nil); r.Status != http.StatusUnauthorized {
		t.Errorf("disabled agent's token still works: %d", r.Status)
	}
	if r := app.Do("POST", "/api/v1/auth/login", "", map[string]any{"email": "agent@staff.example", "password": "agent-pass-1"}); r.Status != http.StatusUnauthorized {
		t.Errorf("disabled agent can log in: %d", r.Status)
	}

	// The owner cannot disable themselves; the tenant keeps an owner.
	ownerMe := app.Must(http.StatusOK, "GET", "/api/v1/me", owner.Token, nil)
	ownerID := itoa(int64(ownerMe.JSON["user"].(map[string]any)["id"].(float64)))
	if r := app.Do("PATCH", "/api/v1/staff/"+ownerID, owner.Token, map[string]any{"disabled": true}); r.Status != http.StatusConflict {
		t.Errorf("owner disabling themselves: %d %s", r.Status, r.Body)
	}

	// An admin cannot create an owner.
	app.Must(http.StatusCreated, "POST", "/api/v1/staff", owner.Token, map[string]any{
		"email": "admin@staff.example", "role": "admin", "password": "admin-pass-1"})
	adminTok := app.Must(http.StatusOK, "POST", "/api/v1/auth/login", "", map[string]any{"email": "admin@staff.example", "password": "admin-pass-1"}).JSON["token"].(string)
	if r := app.Do("POST", "/api/v1/staff", adminTok, map[string]any{"email": "o2@staff.example", "role": "owner", "password": "12345678"}); r.Status != http.StatusForbidden {
		t.Errorf("admin created an owner: %d %s", r.Status, r.Body)
	}

	// All of it is in the audit log, newest first, with the actor.
	log := app.Must(http.StatusOK, "GET", "/api/v1/audit-log", owner.Token, nil)
	body := string(log.Body)
	for _, want := range []string{"staff.create", "staff.update", "agent@staff.example", owner.Email, "127.0.0.1"} {
		if !strings.Contains(body, want) {
			t.Errorf("audit log lacks %q: %.1500s", want, body)
		}
	}
}

func TestTokensCreateListRevoke(t *testing.T) {
	t.Parallel()
	app := apptest.New(t)
	owner := app.Signup("Token Co")
	created := app.Must(http.StatusCreated, "POST", "/api/v1/tokens", owner.Token, map[string]any{"name": "ERP 同步"})
	plain := created.JSON["plaintext"].(string)
	tok := created.JSON["token"].(map[string]any)
	if !strings.HasPrefix(plain, "sy_") || !strings.HasPrefix(plain, tok["prefix"].(string)) {
		t.Fatalf("token answer: %s", created.Body)
	}
	app.Must(http.StatusOK, "GET", "/api/v1/me", plain, nil)
	list := app.Must(http.StatusOK, "GET", "/api/v1/tokens", owner.Token, nil)
	if strings.Contains(string(list.Body), plain) || !strings.Contains(string(list.Body), "ERP 同步") {
		t.Fatalf("token list leaks the plaintext or misses the token: %s", list.Body)
	}
	app.Must(http.StatusNoContent, "DELETE", "/api/v1/tokens/"+itoa(int64(tok["id"].(float64))), owner.Token, nil)
	if r := app.Do("GET", "/api/v1/me", plain, nil); r.Status != http.StatusUnauthorized {
		t.Fatalf("revoked token still works: %d", r.Status)
	}
	if r := app.Do("POST", "/api/v1/tokens", owner.Token, map[string]any{"name": ""}); r.ErrorField() != "name" {
		t.Fatalf("empty token name: %s", r.Body)
	}
}

func TestSettingsArePerTenantAndValidated(t *testing.T) {
	t.Parallel()
	app := apptest.New(t)
	a := app.Signup("Settings A")
	b := app.Signup("Settings B")
	s := app.Must(http.StatusOK, "GET", "/api/v1/settings", a.Token, nil)
	want := map[string]float64{"goods_permission_broadcasts": 3, "goods_permission_viewers": 100, "goods_permission_minutes": 30,
		"new_host_exposure_credits": 2000, "lottery_draw_delay_seconds": 60, "personal_lotteries_per_month": 1,
		"inbox_ad_spend_fen": 300000, "kos_min_stores": 10}
	for k, v := range want {
		if s.JSON[k] != v {
			t.Errorf("default %s = %v, want %v", k, s.JSON[k], v)
		}
	}
	up := app.Must(http.StatusOK, "PATCH", "/api/v1/settings", a.Token, map[string]any{"lottery_draw_delay_seconds": 30, "kos_min_stores": 5})
	if up.JSON["lottery_draw_delay_seconds"] != 30.0 || up.JSON["kos_min_stores"] != 5.0 {
		t.Fatalf("update: %s", up.Body)
	}
	if other := app.Must(http.StatusOK, "GET", "/api/v1/settings", b.Token, nil); other.JSON["lottery_draw_delay_seconds"] != 60.0 {
		t.Fatalf("tenant B's settings changed with A's: %s", other.Body)
	}
	for body, field := range map[string]string{
		`{"lottery_draw_delay_seconds": 1}`: "lottery_draw_delay_seconds",
		`{"lotery_draw_delay_seconds": 30}`: "lotery_draw_delay_seconds",
		`{"kos_min_stores": "ten"}`:         "kos_min_stores",
		`{"kos_min_stores": 3.5}`:           "kos_min_stores",
	} {
		r := app.Do("PATCH", "/api/v1/settings", a.Token, body)
		if r.Status != http.StatusBadRequest || r.ErrorField() != field {
			t.Errorf("%s: %d %s, want 400 naming %s", body, r.Status, r.Body, field)
		}
	}
	// A rejected patch changes nothing, not even its valid parts.
	app.Do("PATCH", "/api/v1/settings", a.Token, `{"kos_min_stores": 7, "lottery_draw_delay_seconds": 0}`)
	if s := app.Must(http.StatusOK, "GET", "/api/v1/settings", a.Token, nil); s.JSON["kos_min_stores"] != 5.0 {
		t.Fatalf("half of a rejected patch was saved: %s", s.Body)
	}
}
