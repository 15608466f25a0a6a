package web_test

import (
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/siyu-live/siyu/internal/apptest"
)

// browser is a cookie-keeping HTTP client that does not follow redirects, so tests
// see the 303s and Location headers a user's browser would act on.
type browser struct {
	t    *testing.T
	app  *apptest.App
	c    *http.Client
	csrf string // the session's token, read from the last console page
}

func newBrowser(t *testing.T, app *apptest.App) *browser {
	t.Helper()
	jar, err := cookiejar.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	return &browser{t: t, app: app, c: &http.Client{
		Jar:     jar,
		Timeout: 30 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error {
			return http.ErrUseLastResponse
		},
	}}
}

// page is one answer as a user would see it.
type page struct {
	Status int
	Body   string
	Header http.Header
}

func (p page) has(s string) bool { return strings.Contains(p.Body, s) }

var csrfInput = regexp.MustCompile(`name="csrf" value="([^"]+)"`)

func (b *browser) do(req *http.Request) page {
	b.t.Helper()
	res, err := b.c.Do(req)
	if err != nil {
		b.t.Fatalf("%s %s: %v", req.Method, req.URL.Path, err)
	}
	defer res.Body.Close()
	raw, _ := io.ReadAll(res.Body)
	p := page{Status: res.StatusCode, Body: string(raw), Header: res.Header}
	if m := csrfInput.FindStringSubmatch(p.Body); m != nil && strings.HasPrefix(m[1], "csrf_") {
		b.csrf = m[1]
	}
	return p
}

// get fetches path; extra headers come as name, value pairs.
func (b *browser) get(path string, headers ...string) page {
	b.t.Helper()
	req, err := http.NewRequest(http.MethodGet, b.app.URL+path, nil)
	if err != nil {
		b.t.Fatal(err)
	}
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	return b.do(req)
}

// post submits a form exactly as given (no token is added).
func (b *browser) post(path string, form url.Values, headers ...string) page {
	b.t.Helper()
	req, err := http.NewRequest(http.MethodPost, b.app.URL+path, strings.NewReader(form.Encode()))
	if err != nil {
		b.t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	return b.do(req)
}

// submit posts a console form with the session's CSRF token, as the page would.
func (b *browser) submit(path string, form url.Values, headers ...string) page {
	b.t.Helper()
	if b.csrf == "" {
		b.get("/console")
	}
	form.Set("csrf", b.csrf)
	return b.post(path, form, headers...)
}

// login signs in through the login form and fails the test unless it works.
func (b *browser) login(email, password string) {
	b.t.Helper()
	p := b.tryLogin(email, password, "")
	if p.Status != http.StatusSeeOther {
		b.t.Fatalf("login %s: status %d, want 303; body:\n%s", email, p.Status, p.Body)
	}
	b.get("/console") // picks up the session's CSRF token
}

func (b *browser) tryLogin(email, password, next string) page {
	b.t.Helper()
	form := b.get("/console/login")
	m := csrfInput.FindStringSubmatch(form.Body)
	if m == nil {
		b.t.Fatalf("login page has no csrf field:\n%s", form.Body)
	}
	v := url.Values{"csrf": {m[1]}, "email": {email}, "password": {password}}
	if next != "" {
		v.Set("next", next)
	}
	return b.post("/console/login", v)
}

func mustStatus(t *testing.T, p page, want int, what string) {
	t.Helper()
	if p.Status != want {
		t.Fatalf("%s: status %d, want %d; body:\n%s", what, p.Status, want, p.Body)
	}
}

func mustHave(t *testing.T, p page, what string, texts ...string) {
	t.Helper()
	for _, s := range texts {
		if !p.has(s) {
			t.Fatalf("%s: page lacks %q; body:\n%s", what, s, p.Body)
		}
	}
}

func mustNotHave(t *testing.T, p page, what string, texts ...string) {
	t.Helper()
	for _, s := range texts {
		if p.has(s) {
			t.Fatalf("%s: page shows %q but should not; body:\n%s", what, s, p.Body)
		}
	}
}

const ownerPassword = "correct horse battery" // apptest.Signup's password

// ownerOf signs up a brand and returns a browser signed in as its owner.
func ownerOf(t *testing.T, app *apptest.App, brand string) (*browser, apptest.Tenant) {
	t.Helper()
	tn := app.Signup(brand)
	b := newBrowser(t, app)
	b.login(tn.Email, ownerPassword)
	return b, tn
}

// addStaff creates a staff member through the API and returns their id.
func addStaff(t *testing.T, app *apptest.App, tn apptest.Tenant, email, role string) int64 {
	t.Helper()
	r := app.Must(http.StatusCreated, "POST", "/api/v1/staff", tn.Token, map[string]any{
		"email": email, "name": "测试 " + role, "role": role, "password": "staff-password-1"})
	return r.ID("id")
}
