package web

import (
	"net/http"
	"strings"

	"github.com/siyu-live/siyu"
	"github.com/siyu-live/siyu/internal/api"
)

// loginData fills the sign-in form; Email survives a failed attempt, the password
// never does.
type loginData struct {
	Email string
	Next  string
	CSRF  string
	Error string
	Demo  bool // the demo tenant is seeded: show its sign-in
}

func (c *Console) loginPage(q *rq) error {
	if q.loadSession() {
		http.Redirect(q.w, q.r, safeNext(q.r.URL.Query().Get("next")), http.StatusSeeOther)
		return nil
	}
	q.authed = false
	q.render(http.StatusOK, "login", "login.title", loginData{Demo: c.Config.Demo, Next: safeNext(q.r.URL.Query().Get("next")), CSRF: q.loginCSRF()})
	return nil
}

func (c *Console) loginSubmit(q *rq) error {
	d := loginData{Demo: c.Config.Demo, Email: strings.TrimSpace(q.r.PostFormValue("email")), Next: safeNext(q.r.PostFormValue("next"))}
	if !q.loginCSRFOK() {
		d.CSRF = q.loginCSRF()
		d.Error = q.t("login.err.csrf")
		q.render(http.StatusForbidden, "login", "login.title", d)
		return nil
	}
	d.CSRF = q.loginCSRF()
	ip := api.ClientIP(q.r)
	u, _, err := c.Org.Login(q.r.Context(), d.Email, q.r.PostFormValue("password"), ip)
	if err != nil {
		status := http.StatusUnauthorized
		switch siyu.ErrorCode(err) {
		case siyu.ERATELIMITED:
			status = http.StatusTooManyRequests
		case siyu.EINVALID:
			status = http.StatusBadRequest
		case siyu.EUNAUTHORIZED:
		default:
			return err
		}
		d.Error = c.errText(q.lang, "login", err)
		q.render(status, "login", "login.title", d)
		return nil
	}
	s, err := c.Org.CreateSession(q.r.Context(), u, ip)
	if err != nil {
		return err
	}
	http.SetCookie(q.w, &http.Cookie{Name: sessionCookie, Value: s.Cookie, Path: "/", Expires: s.ExpiresAt,
		HttpOnly: true, SameSite: http.SameSiteLaxMode, Secure: c.Config.SecureCookies()})
	// The pre-session secret has done its job; a fresh one is issued on the next visit.
	http.SetCookie(q.w, &http.Cookie{Name: loginCSRFCookie, Value: "", Path: "/console/login", MaxAge: -1})
	http.Redirect(q.w, q.r, d.Next, http.StatusSeeOther)
	return nil
}

func (c *Console) logout(q *rq) error {
	if ck, err := q.r.Cookie(sessionCookie); err == nil {
		if err := c.Org.EndSession(q.r.Context(), ck.Value); err != nil {
			return err
		}
	}
	http.SetCookie(q.w, &http.Cookie{Name: sessionCookie, Value: "", Path: "/", MaxAge: -1,
		HttpOnly: true, SameSite: http.SameSiteLaxMode, Secure: c.Config.SecureCookies()})
	q.redirect("/console/login", "flash.signed_out", "")
	return nil
}
