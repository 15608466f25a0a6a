package web

import (
	"html/template"
	"net/http"
	"net/url"
	"strings"

	"github.com/siyu-live/siyu/internal/crm/script"
	"github.com/siyu-live/siyu/internal/crm/talk"
)

// scriptPages are the templates of the 话术库 area. They share scripts_partials.html
// (the area's stylesheet and script, snippet previews, variable chips), so
// mountScripts parses them itself, as mountCommerce does.
var scriptPages = []string{"scripts_list", "scripts_form"}

// mountScripts registers the 话术库 area: the library (categories, search, script cards
// with a copy/send button) and the script form.
//
// Categories are changed through one address with op=create|rename|delete: a path such
// as /console/scripts/categories/{id} would collide in the router with
// /console/scripts/{id}/render, which neither pattern outranks.
func (c *Console) mountScripts(mux *http.ServeMux) {
	c.parseScriptPages()
	const key = "scripts"
	mux.Handle("GET /console/scripts", c.authed(key, c.scriptList))
	mux.Handle("GET /console/scripts/new", c.authed(key, c.scriptNew))
	mux.Handle("POST /console/scripts", c.authed(key, c.scriptCreate))
	mux.Handle("POST /console/scripts/categories", c.authed(key, c.scriptCategory))
	mux.Handle("GET /console/scripts/{id}", c.authed(key, c.scriptEdit))
	mux.Handle("POST /console/scripts/{id}", c.authed(key, c.scriptAction))
	mux.Handle("POST /console/scripts/{id}/render", c.authed(key, c.scriptRender))
}

// parseScriptPages adds the area's pages to every language on the console shell.
func (c *Console) parseScriptPages() {
	c.parseAreaPages("templates/scripts_partials.html", scriptPages, c.scriptFuncs)
}

// textPart is a piece of a text reply as a card shows it: plain text, or a variable
// drawn as a chip with its meaning.
type textPart struct {
	Text string
	Var  string
}

// scriptFuncs are the area's template functions.
func (c *Console) scriptFuncs(lang string) template.FuncMap {
	return template.FuncMap{
		"textParts": textParts,
		"varLabel":  func(name string) string { return c.tr(lang, "scripts.var."+name) },
		"urlHost": func(s string) string {
			if u, err := url.Parse(s); err == nil && u.Host != "" {
				return u.Host
			}
			return s
		},
		"allVars":  func() []string { return talk.Variables },
		"kinds":    func() []string { return script.Kinds },
		"joinKeys": func(k []string) string { return strings.Join(k, "，") },
		"blankRow": func() snippetRow { return snippetRow{Kind: script.KindText} },
	}
}

// textParts splits a text reply into plain runs and {variables} (doubled braces are
// literal), the same reading talk.Render has, so the card shows what will be filled.
func textParts(text string) []textPart {
	var out []textPart
	var b strings.Builder
	flush := func() {
		if b.Len() > 0 {
			out = append(out, textPart{Text: b.String()})
			b.Reset()
		}
	}
	for i := 0; i < len(text); i++ {
		ch := text[i]
		switch {
		case (ch == '{' || ch == '}') && i+1 < len(text) && text[i+1] == ch:
			b.WriteByte(ch)
			i++
		case ch == '{':
			end := strings.IndexByte(text[i+1:], '}')
			if end < 0 {
				b.WriteString(text[i:])
				i = len(text)
				continue
			}
			flush()
			out = append(out, textPart{Var: strings.TrimSpace(text[i+1 : i+1+end])})
			i += end + 1
		default:
			b.WriteByte(ch)
		}
	}
	flush()
	return out
}
