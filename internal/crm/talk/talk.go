// Package talk fills talk-tracks (话术) with per-recipient values. A talk-track is text
// with variables in braces — "{name}，明晚 {live_time} 见：{live_link}" — written by an
// operations person, so the syntax is the one they already know from Chinese SCRM tools
// and an unknown or misspelt variable is reported when the text is saved, not discovered
// by a customer reading "{nmae}" in a message. Broadcasts and the script library share it.
package talk

import (
	"fmt"
	"strings"

	"github.com/siyu-live/siyu"
)

// Variables every sender can fill, in the order a form lists them.
var Variables = []string{"name", "live_title", "live_time", "live_link", "brand", "coupon"}

// Check reports the first variable in text that is not in allowed, or an unclosed
// brace, as an invalid-input error naming field. Doubled braces ("{{", "}}") are
// literal braces.
func Check(field, text string, allowed []string) error {
	_, err := scan(text, func(name string) (string, bool) {
		for _, a := range allowed {
			if a == name {
				return "", true
			}
		}
		return "", false
	})
	if err != nil {
		return siyu.Errorf(siyu.EINVALID, "%s: %s (variables: {%s})", field, err.Error(), strings.Join(allowed, "}, {"))
	}
	return nil
}

// Render replaces each {variable} with its value; a variable without a value becomes
// empty text, so a message never shows a raw placeholder to a customer.
func Render(text string, values map[string]string) string {
	out, _ := scan(text, func(name string) (string, bool) { return values[name], true })
	return out
}

// scan walks text once, asking lookup for each variable.
func scan(text string, lookup func(name string) (string, bool)) (string, error) {
	var b strings.Builder
	b.Grow(len(text))
	for i := 0; i < len(text); i++ {
		c := text[i]
		switch {
		case c == '{' && i+1 < len(text) && text[i+1] == '{':
			b.WriteByte('{')
			i++
		case c == '}' && i+1 < len(text) && text[i+1] == '}':
			b.WriteByte('}')
			i++
		case c == '{':
			end := strings.IndexByte(text[i+1:], '}')
			if end < 0 {
				return b.String(), fmt.Errorf("unclosed { at byte %d", i)
			}
			name := strings.TrimSpace(text[i+1 : i+1+end])
			v, ok := lookup(name)
			if !ok {
				return b.String(), fmt.Errorf("unknown variable {%s}", name)
			}
			b.WriteString(v)
			i += end + 1
		default:
			b.WriteByte(c)
		}
	}
	return b.String(), nil
}
