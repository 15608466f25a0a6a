package web

import (
	"net/http"
	"net/url"
	"regexp"
	"strings"
)

// pubView is what the public pages (viewer room, preview, discovery) receive. They
// have no console shell and no session cookie; their scripts read the catalog's js.*
// texts from a JSON script tag, because the CSP allows no inline script.
type pubView struct {
	Lang      string
	Title     string
	Langs     []langLink
	JS        map[string]string
	Theme     string
	BodyClass string
	Data      any
}

// jsCatalog returns the texts the page scripts use (keys starting with "js.").
func (c *Console) jsCatalog(lang string) map[string]string {
	out := map[string]string{}
	for k, v := range c.cats[lang] {
		if strings.HasPrefix(k, "js.") {
			out[k] = v
		}
	}
	return out
}

// pubLangURL is the current public page in another language.
func pubLangURL(u *url.URL, lang string) string {
	vals := u.Query()
	vals.Set("lang", lang)
	return u.Path + "?" + vals.Encode()
}

// renderPublic writes a public page with the media CSP (covers and streams may live on
// a CDN). title is already translated or the merchant's own text.
func (q *rq) renderPublic(status int, page, title, theme, bodyClass string, data any) {
	v := pubView{Lang: q.lang, Title: title, JS: q.c.jsCatalog(q.lang), Theme: theme, BodyClass: bodyClass, Data: data}
	if v.Theme == "" {
		v.Theme = "rose"
	}
	for _, l := range languages {
		v.Langs = append(v.Langs, langLink{Code: l, URL: pubLangURL(q.r.URL, l), On: l == q.lang})
	}
	q.csp = q.mediaCSP()
	q.exec(status, page, "public", v)
}

// pubError is the public pages' not-found (and other error) page: no console links,
// since the visitor is a viewer, not staff.
func (q *rq) pubError(status int, headingKey, textKey string) {
	q.renderPublic(status, "pub_error", q.t(headingKey), "", "pub-body", map[string]any{
		"Status": status, "Heading": q.t(headingKey), "Text": q.t(textKey)})
}

// publicPage wraps a public handler: errors become the public error page (404 for an
// unknown code or session), never the console's.
func (c *Console) publicPage(h handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		q := c.newRQ(w, r)
		if err := h(q); err != nil {
			q.publicFail(err)
		}
	})
}

// mediaCSP is the policy of the live pages. Scripts and styles stay this site's own;
// cover images and the HLS stream are wherever the merchant hosts them (a CDN), so
// images, media and the stream's playlist and segment requests may come from any
// http(s) origin, and the room's WebSocket goes to this host.
func (q *rq) mediaCSP() string {
	ws := ""
	if hostRe.MatchString(q.r.Host) { // never copy an odd Host header into the policy
		ws = " ws://" + q.r.Host + " wss://" + q.r.Host
	}
	return "default-src 'self'; img-src 'self' data: https: http:; media-src 'self' blob: https: http:; " +
		"connect-src 'self'" + ws + " https: http:; style-src 'self'; script-src 'self'; " +
		"frame-ancestors 'none'; form-action 'self'; base-uri 'none'"
}

// hostRe matches a plain host[:port] (names, IPv4 and bracketed IPv6).
var hostRe = regexp.MustCompile(`^[A-Za-z0-9.\-]+(:[0-9]{1,5})?$|^\[[0-9A-Fa-f:.]+\](:[0-9]{1,5})?$`)
