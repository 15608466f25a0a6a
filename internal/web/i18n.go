package web

import (
	"encoding/json"
	"fmt"
	"io/fs"
	"net/http"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"
)

// The console's languages. Chinese comes first: it is the default for every visitor
// who has not asked for something else.
const (
	langZh = "zh-CN"
	langEn = "en"
)

// languages lists the catalogs in i18n/, in the order the language switch shows them.
var languages = []string{langZh, langEn}

const langCookie = "siyu_lang"

// catalog maps a message key to its text in one language. Texts may contain fmt verbs
// (%s, %d) filled by the t template function's extra arguments.
type catalog map[string]string

// loadCatalogs reads i18n/<lang>.json and every i18n/<lang>.<area>.json for every
// language and insists that all catalogs have the same keys, so a text added in Chinese
// is never silently missing in English. Areas keep their texts in their own files so a
// page's words sit together; a key defined in two files of one language is an error.
func loadCatalogs(fsys fs.FS) (map[string]catalog, error) {
	out := map[string]catalog{}
	for _, l := range languages {
		parts, err := fs.Glob(fsys, "i18n/"+l+".*.json")
		if err != nil {
			return nil, fmt.Errorf("web: catalog %s: %w", l, err)
		}
		c := catalog{}
		for _, name := range append([]string{"i18n/" + l + ".json"}, parts...) {
			if err := mergeCatalog(fsys, name, c); err != nil {
				return nil, fmt.Errorf("web: catalog %s: %w", l, err)
			}
		}
		out[l] = c
	}
	ref := out[languages[0]]
	for _, l := range languages[1:] {
		if missing := missingKeys(ref, out[l]); len(missing) > 0 {
			return nil, fmt.Errorf("web: catalog %s lacks %s", l, strings.Join(missing, ", "))
		}
		if extra := missingKeys(out[l], ref); len(extra) > 0 {
			return nil, fmt.Errorf("web: catalog %s lacks %s", languages[0], strings.Join(extra, ", "))
		}
	}
	return out, nil
}

// mergeCatalog adds the keys of one catalog file to c, refusing a key c already has.
func mergeCatalog(fsys fs.FS, name string, c catalog) error {
	raw, err := fs.ReadFile(fsys, name)
	if err != nil {
		return err
	}
	var part catalog
	if err := json.Unmarshal(raw, &part); err != nil {
		return fmt.Errorf("%s: %w", name, err)
	}
	for k, v := range part {
		if _, dup := c[k]; dup {
			return fmt.Errorf("%s: key %q is already defined in another file", name, k)
		}
		c[k] = v
	}
	return nil
}

func missingKeys(want, have catalog) []string {
	var out []string
	for k := range want {
		if _, ok := have[k]; !ok {
			out = append(out, k)
		}
	}
	sort.Strings(out)
	return out
}

// tr translates key into lang. A missing key shows the key itself, which is ugly on
// purpose: the catalog test fails on it before a user could see it.
func (c *Console) tr(lang, key string, args ...any) string {
	s, ok := c.cats[lang][key]
	if !ok {
		return key
	}
	if len(args) > 0 {
		return fmt.Sprintf(s, args...)
	}
	return s
}

// has reports whether key exists; templates use it for optional texts such as the
// translation of an audit action that a later domain may add.
func (c *Console) has(lang, key string) bool {
	_, ok := c.cats[lang][key]
	return ok
}

// normLang maps what a user or browser sends ("zh", "zh-cn", "en-US") to a catalog.
func normLang(s string) string {
	s = strings.ToLower(strings.TrimSpace(s))
	switch {
	case s == "zh" || strings.HasPrefix(s, "zh-") || strings.HasPrefix(s, "zh_"):
		return langZh
	case s == "en" || strings.HasPrefix(s, "en-") || strings.HasPrefix(s, "en_"):
		return langEn
	}
	return ""
}

// pickLang decides the language of a request: ?lang= (remembered in a cookie), then
// the cookie, then Accept-Language, then Chinese.
func (c *Console) pickLang(w http.ResponseWriter, r *http.Request) string {
	if l := normLang(r.URL.Query().Get("lang")); l != "" {
		http.SetCookie(w, &http.Cookie{Name: langCookie, Value: l, Path: "/", MaxAge: 365 * 24 * 3600,
			HttpOnly: true, SameSite: http.SameSiteLaxMode, Secure: c.Config.SecureCookies()})
		return l
	}
	if ck, err := r.Cookie(langCookie); err == nil {
		if l := normLang(ck.Value); l != "" {
			return l
		}
	}
	if l := acceptLanguage(r.Header.Get("Accept-Language")); l != "" {
		return l
	}
	return langZh
}

// acceptLanguage returns the supported language the browser prefers most, or "".
func acceptLanguage(h string) string {
	type pref struct {
		lang string
		q    float64
	}
	var prefs []pref
	for part := range strings.SplitSeq(h, ",") {
		tag, params, _ := strings.Cut(strings.TrimSpace(part), ";")
		q := 1.0
		if v, ok := strings.CutPrefix(strings.TrimSpace(params), "q="); ok {
			if f, err := strconv.ParseFloat(v, 64); err == nil {
				q = f
			}
		}
		if l := normLang(tag); l != "" && q > 0 {
			prefs = append(prefs, pref{l, q})
		}
	}
	slices.SortStableFunc(prefs, func(a, b pref) int {
		switch {
		case a.q > b.q:
			return -1
		case a.q < b.q:
			return 1
		}
		return 0
	})
	if len(prefs) == 0 {
		return ""
	}
	return prefs[0].lang
}

// fmtTime renders an instant for tables; the browser script rewrites it to the
// viewer's own time zone, this is the no-script fallback.
func fmtTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.Local().Format("2006-01-02 15:04")
}
