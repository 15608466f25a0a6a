package web

import (
	"hash/fnv"
	"html/template"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/siyu-live/siyu"
)

// tagTones is how many chip colours tags rotate through (customers.css .tone-0 …).
const tagTones = 8

// customerFuncs are the template functions of the 客户 pages, bound to one language.
func (c *Console) customerFuncs(lang string) template.FuncMap {
	return template.FuncMap{
		"tagTone": tagTone,
		"watch":   func(ms int64) string { return c.watchTime(lang, ms) },
		"source":  func(s string) string { return c.sourceName(lang, s) },
		"ago":     func(t time.Time) string { return c.ago(lang, t, time.Now()) },
	}
}

// tagTone picks a tag's chip colour from its name, so a tag looks the same on every
// page and for every staff member without storing a colour.
func tagTone(name string) int {
	h := fnv.New32a()
	_, _ = h.Write([]byte(name))
	return int(h.Sum32() % tagTones)
}

// watchTime writes a watch time the way operators talk about it: minutes, then hours
// and minutes; under a minute says so rather than "0".
func (c *Console) watchTime(lang string, ms int64) string {
	mins := ms / 60_000
	switch {
	case ms <= 0:
		return "—"
	case mins < 1:
		return c.tr(lang, "customers.dur.lt1")
	case mins < 60:
		return c.tr(lang, "customers.dur.m", mins)
	case mins%60 == 0:
		return c.tr(lang, "customers.dur.h", mins/60)
	}
	return c.tr(lang, "customers.dur.hm", mins/60, mins%60)
}

// sourceName translates a touch source: an entry-link channel (live.channel.*), one of
// the CRM's own origins (customers.source.*), or the raw name for a channel this
// version does not know (an import may bring any lowercase name).
func (c *Console) sourceName(lang, s string) string {
	switch {
	case s == "":
		return "—"
	case c.has(lang, "live.channel."+s):
		return c.tr(lang, "live.channel."+s)
	case c.has(lang, "customers.source."+s):
		return c.tr(lang, "customers.source."+s)
	}
	return s
}

// ago writes how long ago t was ("3 天前"), or the date once it is more than a month
// back; the exact time goes in the element's title.
func (c *Console) ago(lang string, t, now time.Time) string {
	if t.IsZero() {
		return "—"
	}
	d := now.Sub(t)
	switch {
	case d < time.Minute:
		return c.tr(lang, "customers.ago.now")
	case d < time.Hour:
		return c.tr(lang, "customers.ago.min", int(d/time.Minute))
	case d < 24*time.Hour:
		return c.tr(lang, "customers.ago.hour", int(d/time.Hour))
	case d < 31*24*time.Hour:
		return c.tr(lang, "customers.ago.day", int(d/(24*time.Hour)))
	}
	return t.Local().Format("2006-01-02")
}

// ruleError is a rejected rule as the pages show it: the rule with the character where
// reading stopped marked, and the parser's explanation.
type ruleError struct {
	Pos    int    // 1-based character position; 0 when the message names none
	Before string // the rule up to the position
	At     string // the character at the position ("" at the end)
	After  string
	Detail string // what was expected there (the service's words)
}

var positionRe = regexp.MustCompile(`^at position (\d+): (.*)$`)

// newRuleError splits a rule parser's "at position N: …" message so the page can point
// at the spot; any other message is shown whole. rule is the text the parser read
// (positions count its characters).
func newRuleError(rule string, err error) *ruleError {
	msg := siyu.ErrorMessage(err)
	m := positionRe.FindStringSubmatch(msg)
	if m == nil {
		return &ruleError{Detail: msg}
	}
	pos, _ := strconv.Atoi(m[1])
	r := []rune(rule)
	if pos < 1 || pos > len(r)+1 {
		return &ruleError{Detail: m[2]}
	}
	e := &ruleError{Pos: pos, Before: string(r[:pos-1]), Detail: m[2]}
	if pos <= len(r) {
		e.At, e.After = string(r[pos-1]), string(r[pos:])
	}
	return e
}

// customerErrs maps the CRM's and segments' English refusals (by a fragment of the
// message) to catalog keys, so the reasons operators meet most are in their language.
// Anything else falls back to the console's generic frame around the service's words.
var customerErrs = []struct{ part, key string }{
	{"is a rule tag", "customers.err.rule_tag"},
	{"may not contain spaces", "customers.err.tag_chars"},
	{"a tag name is 1–30", "customers.err.tag_len"},
	{"tag names", "customers.err.tag_count"},
	{"a tag named", "customers.err.tag_taken"},
	{"remark must be", "customers.err.remark"},
	{"was erased", "customers.err.erased"},
	{"an erased customer cannot be merged", "customers.err.erased"},
	{"customer_id names the profile", "customers.err.merge_who"},
	{"a segment named", "customers.err.segment_taken"},
	{"name must be 1–50", "customers.err.name"},
	{"description is at most", "customers.err.description"},
	{"at most 500 segments", "customers.err.segment_max"},
}

// customerErr is the message shown for a refusal on the 客户 pages.
func (c *Console) customerErr(lang string, err error) string {
	msg := siyu.ErrorMessage(err)
	if siyu.ErrorCode(err) != siyu.EINTERNAL {
		for _, m := range customerErrs {
			if strings.Contains(msg, m.part) {
				return c.tr(lang, m.key)
			}
		}
	}
	return c.errText(lang, "", err)
}
