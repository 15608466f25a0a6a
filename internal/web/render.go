package web

import (
	"bytes"
	"fmt"
	"html/template"
	"io/fs"
	"net/http"
	"net/url"
	"path"
	"strconv"
	"strings"
	"time"

	"github.com/siyu-live/siyu/internal/api"
	"github.com/siyu-live/siyu/internal/org"
)

// pageFiles are the per-page templates; each defines "content" and may define
// fragments that htmx requests swap in.
var pageFiles = []string{"home", "staff", "tokens", "settings", "webhooks", "webhook", "audit", "area", "error", "login",
	"live_list", "live_new", "live_detail", "live_gifts", "live_studio", "pub_room", "pub_preview", "pub_discover", "pub_error",
	"pub_prize"}

// parseTemplates parses every page once at start-up: the shared layout plus the page,
// then one clone per language whose t function speaks that language.
func (c *Console) parseTemplates(fsys fs.FS) (map[string]map[string]*template.Template, error) {
	base, err := template.New("").Funcs(c.funcs(langZh)).ParseFS(fsys, "templates/layout.html", "templates/icons.html",
		"templates/partials.html", "templates/live_partials.html", "templates/public.html", "templates/live_studio_tools.html")
	if err != nil {
		return nil, fmt.Errorf("web: templates: %w", err)
	}
	out := map[string]map[string]*template.Template{}
	for _, l := range languages {
		out[l] = map[string]*template.Template{}
	}
	for _, name := range pageFiles {
		b, err := base.Clone()
		if err != nil {
			return nil, err
		}
		pg, err := b.ParseFS(fsys, "templates/"+name+".html")
		if err != nil {
			return nil, fmt.Errorf("web: template %s: %w", name, err)
		}
		for _, l := range languages {
			cl, err := pg.Clone()
			if err != nil {
				return nil, err
			}
			out[l][name] = cl.Funcs(c.funcs(l))
		}
	}
	return out, nil
}

// funcs are the template functions; t and has are bound to one language.
func (c *Console) funcs(lang string) template.FuncMap {
	return template.FuncMap{
		"t":     func(key string, args ...any) string { return c.tr(lang, key, args...) },
		"has":   func(key string) bool { return c.has(lang, key) },
		"asset": c.assets.url,
		"time":  fmtTime,
		"iso": func(t time.Time) string {
			if t.IsZero() {
				return ""
			}
			return t.UTC().Format(time.RFC3339)
		},
		"yuan":  func(fen int) string { return fmt.Sprintf("¥%s.%02d", groupDigits(fen/100), fen%100) },
		"num":   groupDigits,
		"num64": func(n int64) string { return groupDigits(int(n)) },
		"yuan64": func(fen int64) string {
			return fmt.Sprintf("¥%s.%02d", groupDigits(int(fen/100)), fen%100)
		},
		"duration":  fmtDuration,
		"inc":       func(i int) int { return i + 1 },
		"hasPrefix": strings.HasPrefix,
		"slowModes": func() []int { return slowModeChoices },
		"score":     fmtScore,
		"dict": func(kv ...any) (map[string]any, error) {
			if len(kv)%2 != 0 {
				return nil, fmt.Errorf("dict: odd number of arguments")
			}
			m := map[string]any{}
			for i := 0; i < len(kv); i += 2 {
				k, ok := kv[i].(string)
				if !ok {
					return nil, fmt.Errorf("dict: key %v is not a string", kv[i])
				}
				m[k] = kv[i+1]
			}
			return m, nil
		},
		"displayName": func(name, email string) string {
			if strings.TrimSpace(name) != "" {
				return name
			}
			return email
		},
		"initial": func(s string) string {
			for _, r := range strings.TrimSpace(s) {
				return strings.ToUpper(string(r))
			}
			return "?"
		},
	}
}

// view is what every console page template receives; Data is the page's own part.
type view struct {
	Lang      string
	Title     string
	Active    string
	P         org.Principal
	Tenant    org.Tenant
	CSRF      string
	Nav       []navGroup
	Flash     string
	FlashKind string // "ok" or "error"
	Langs     []langLink
	RequestID string
	Status    int
	Data      any
}

// langLink is one entry of the language switch.
type langLink struct {
	Code string
	URL  string
	On   bool
}

// render writes a full page: the console shell for a signed-in user, the bare shell
// otherwise (login, errors before sign-in).
func (q *rq) render(status int, page, titleKey string, data any) {
	v := q.view(status, titleKey, data)
	layout := "layout"
	if !q.authed {
		layout = "bare"
	}
	if page == "login" {
		layout = "login"
	}
	q.exec(status, page, layout, v)
}

// fragment writes one named template of page, for htmx swaps.
func (q *rq) fragment(status int, page, name string, data any) {
	q.exec(status, page, name, data)
}

func (q *rq) exec(status int, page, name string, data any) {
	t := q.c.pages[q.lang][page]
	var buf bytes.Buffer
	if err := t.ExecuteTemplate(&buf, name, data); err != nil {
		q.c.Logger.ErrorContext(q.r.Context(), "render", "page", page, "template", name, "err", err,
			"request_id", api.RequestID(q.r.Context()))
		http.Error(q.w, "internal error", http.StatusInternalServerError)
		return
	}
	h := q.w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Cache-Control", "no-store")
	h.Set("X-Frame-Options", "DENY")
	h.Set("Referrer-Policy", "same-origin")
	h.Set("X-Content-Type-Options", "nosniff")
	csp := q.csp
	if csp == "" {
		csp = strictCSP
	}
	h.Set("Content-Security-Policy", csp)
	h.Set("Vary", "Cookie, Accept-Language")
	q.w.WriteHeader(status)
	_, _ = buf.WriteTo(q.w)
}

// strictCSP is the policy of every console page: nothing but this site's own files.
const strictCSP = "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; frame-ancestors 'none'; form-action 'self'; base-uri 'none'"

func (q *rq) view(status int, titleKey string, data any) view {
	v := view{Lang: q.lang, Title: q.t(titleKey), P: q.p, Tenant: q.tenant, CSRF: q.csrf, Active: q.active,
		RequestID: api.RequestID(q.r.Context()), Status: status, Data: data}
	if q.authed {
		v.Nav = navFor(q.p, q.active)
	}
	for _, l := range languages {
		v.Langs = append(v.Langs, langLink{Code: l, URL: langURL(q.r.URL, l), On: l == q.lang})
	}
	v.Flash, v.FlashKind = q.takeFlash()
	return v
}

// langURL is the current page in another language. Every console page rendered in
// answer to a POST (a form with errors, a secret shown once) lives at an address
// that is also a GET page, so the switch never leads to a dead end.
func langURL(u *url.URL, lang string) string {
	vals := u.Query()
	vals.Set("lang", lang)
	p := u.Path
	if !strings.HasPrefix(p, "/console") {
		p = "/console"
	}
	return path.Clean(p) + "?" + vals.Encode()
}

// t translates in the request's language.
func (q *rq) t(key string, args ...any) string { return q.c.tr(q.lang, key, args...) }

const flashCookie = "siyu_flash"

// redirect answers a successful form post with 303 to target and a one-time message
// (a catalog key and an optional argument) for the next page.
func (q *rq) redirect(target, flashKey string, arg string) {
	if flashKey != "" {
		v := url.QueryEscape(flashKey) + "|" + url.QueryEscape(arg)
		http.SetCookie(q.w, &http.Cookie{Name: flashCookie, Value: v, Path: "/console", MaxAge: 60,
			HttpOnly: true, SameSite: http.SameSiteLaxMode, Secure: q.c.Config.SecureCookies()})
	}
	if q.r.Header.Get("HX-Request") == "true" {
		q.w.Header().Set("HX-Redirect", target)
		q.w.WriteHeader(http.StatusNoContent)
		return
	}
	http.Redirect(q.w, q.r, target, http.StatusSeeOther)
}

// takeFlash reads and clears the one-time message. Only catalog keys starting with
// "flash." are shown, so a forged cookie cannot put arbitrary text on the page
// beyond the (escaped) argument.
func (q *rq) takeFlash() (string, string) {
	ck, err := q.r.Cookie(flashCookie)
	if err != nil {
		return "", ""
	}
	http.SetCookie(q.w, &http.Cookie{Name: flashCookie, Value: "", Path: "/console", MaxAge: -1})
	k, a, _ := strings.Cut(ck.Value, "|")
	key, _ := url.QueryUnescape(k)
	arg, _ := url.QueryUnescape(a)
	if !strings.HasPrefix(key, "flash.") || !q.c.has(q.lang, key) {
		return "", ""
	}
	kind := "ok"
	if strings.HasPrefix(key, "flash.error.") {
		kind = "error"
	}
	if strings.Contains(q.c.tr(q.lang, key), "%") {
		return q.t(key, arg), kind
	}
	return q.t(key), kind
}

// groupDigits writes n with thousands separators (1,000,000), which both languages
// read; long thresholds such as 1000000000 are hard to count otherwise.
func groupDigits(n int) string {
	s := strconv.Itoa(n)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	var b strings.Builder
	for i, r := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(r)
	}
	if neg {
		return "-" + b.String()
	}
	return b.String()
}
