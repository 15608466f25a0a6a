package web

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/hex"
	"net/http"
	"net/url"
	"strings"

	"github.com/siyu-live/siyu"
	"github.com/siyu-live/siyu/internal/api"
	"github.com/siyu-live/siyu/internal/org"
)

// Cookie names. The session cookie holds a random secret whose hash the org service
// stores; the login cookie is the pre-session CSRF secret of the sign-in form.
const (
	sessionCookie    = "siyu_session"
	loginCSRFCookie  = "siyu_login_csrf"
	csrfField        = "csrf"
	csrfHeader       = "X-CSRF-Token"
	defaultNextLogin = "/console"
)

// rq is one console request: who is asking, in which language, and the CSRF token
// their forms must echo.
type rq struct {
	c      *Console
	w      http.ResponseWriter
	r      *http.Request
	lang   string
	authed bool
	p      org.Principal
	tenant org.Tenant
	csrf   string
	active string // navigation key of the page
	csp    string // Content-Security-Policy of the answer; strictCSP when empty
}

// handler is the signature of console handlers: they render their own success and
// return an error for everything else, which fail turns into a page.
type handler func(q *rq) error

func (c *Console) newRQ(w http.ResponseWriter, r *http.Request) *rq {
	r.Body = http.MaxBytesReader(w, r.Body, c.Config.MaxBodyBytes)
	return &rq{c: c, w: w, r: r, lang: c.pickLang(w, r)}
}

// public wraps a handler that needs no session (the login page).
func (c *Console) public(h handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		q := c.newRQ(w, r)
		if err := h(q); err != nil {
			q.fail(err)
		}
	})
}

// authed wraps a page of area key: it requires a session, checks the CSRF token on
// every state-changing method, and checks that the role may open the area, all before
// the handler runs.
func (c *Console) authed(key string, h handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		q := c.newRQ(w, r)
		q.active = key
		if !q.loadSession() {
			q.toLogin()
			return
		}
		if !isSafeMethod(r.Method) && !q.csrfOK() {
			q.fail(siyu.Errorf(siyu.EFORBIDDEN, "csrf"))
			return
		}
		if a, ok := areaByKey(key); ok && !a.allowed(q.p) {
			q.fail(siyu.Errorf(siyu.EFORBIDDEN, "area"))
			return
		}
		if err := h(q); err != nil {
			q.fail(err)
		}
	})
}

func isSafeMethod(m string) bool {
	return m == http.MethodGet || m == http.MethodHead || m == http.MethodOptions
}

// loadSession resolves the session cookie; false means the visitor must sign in.
func (q *rq) loadSession() bool {
	ck, err := q.r.Cookie(sessionCookie)
	if err != nil || ck.Value == "" {
		return false
	}
	p, csrf, err := q.c.Org.SessionPrincipal(q.r.Context(), ck.Value)
	if err != nil {
		if siyu.ErrorCode(err) == siyu.EINTERNAL {
			q.c.Logger.ErrorContext(q.r.Context(), "console session", "err", err, "request_id", api.RequestID(q.r.Context()))
		}
		return false
	}
	t, err := q.c.Org.Tenant(q.r.Context(), p.TenantID)
	if err != nil {
		return false
	}
	q.authed, q.p, q.csrf, q.tenant = true, p, csrf, t
	q.r = q.r.WithContext(api.WithPrincipal(q.r.Context(), p))
	return true
}

// csrfOK compares the request's token (form field or htmx header) with the session's
// in constant time.
func (q *rq) csrfOK() bool {
	got := q.r.Header.Get(csrfHeader)
	if got == "" {
		got = q.r.PostFormValue(csrfField)
	}
	return got != "" && subtle.ConstantTimeCompare([]byte(got), []byte(q.csrf)) == 1
}

// toLogin sends a visitor without a session to the login page, remembering where they
// were going; htmx requests get HX-Redirect so the whole page changes, not a fragment.
func (q *rq) toLogin() {
	target := "/console/login"
	if q.r.Method == http.MethodGet {
		if next := q.r.URL.RequestURI(); next != defaultNextLogin {
			target += "?next=" + url.QueryEscape(next)
		}
	}
	if q.r.Header.Get("HX-Request") == "true" {
		q.w.Header().Set("HX-Redirect", target)
		q.w.WriteHeader(http.StatusUnauthorized)
		return
	}
	http.Redirect(q.w, q.r, target, http.StatusSeeOther)
}

// safeNext accepts only a console path on this site as a post-login target, so the
// login page cannot be used to bounce users to another site.
func safeNext(next string) string {
	if next == "" || strings.ContainsAny(next, "\\\r\n\t") || strings.HasPrefix(next, "//") {
		return defaultNextLogin
	}
	u, err := url.Parse(next)
	if err != nil || u.IsAbs() || u.Host != "" || u.User != nil {
		return defaultNextLogin
	}
	if u.Path != "/console" && !strings.HasPrefix(u.Path, "/console/") {
		return defaultNextLogin
	}
	if u.Path == "/console/login" || u.Path == "/console/logout" {
		return defaultNextLogin
	}
	return u.RequestURI()
}

func randomToken() string {
	b := make([]byte, 24)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// loginCSRF returns the sign-in form's CSRF secret, setting the cookie when the
// browser has none. Double-submit: a cross-site page can make the browser send the
// cookie but cannot read it to put the same value in the form.
func (q *rq) loginCSRF() string {
	if ck, err := q.r.Cookie(loginCSRFCookie); err == nil && len(ck.Value) == 48 {
		return ck.Value
	}
	tok := randomToken()
	http.SetCookie(q.w, &http.Cookie{Name: loginCSRFCookie, Value: tok, Path: "/console/login", MaxAge: 24 * 3600,
		HttpOnly: true, SameSite: http.SameSiteStrictMode, Secure: q.c.Config.SecureCookies()})
	return tok
}

func (q *rq) loginCSRFOK() bool {
	ck, err := q.r.Cookie(loginCSRFCookie)
	if err != nil || ck.Value == "" {
		return false
	}
	got := q.r.PostFormValue(csrfField)
	return subtle.ConstantTimeCompare([]byte(got), []byte(ck.Value)) == 1
}
