package segment

import (
	"strconv"
	"strings"
	"unicode"
)

// Expr is a parsed segment rule: a tree of terms joined by AND, OR and NOT. It is
// immutable, so one parse can be evaluated by many goroutines.
type Expr struct {
	root node
}

// String prints the rule in its canonical form (upper-case keywords, minimal
// parentheses, money in yuan, durations in their largest exact unit); parsing it again
// gives the same tree.
func (e *Expr) String() string {
	var b strings.Builder
	e.root.print(&b)
	return b.String()
}

// TagNames lists the distinct tag names the rule mentions, in order of appearance, so
// a caller can resolve them in one query.
func (e *Expr) TagNames() []string {
	var out []string
	seen := map[string]bool{}
	walk(e.root, func(n node) {
		if t, ok := n.(tagTerm); ok && !seen[t.name] {
			seen[t.name] = true
			out = append(out, t.name)
		}
	})
	return out
}

func walk(n node, fn func(node)) {
	fn(n)
	switch n := n.(type) {
	case andNode:
		for _, x := range n.terms {
			walk(x, fn)
		}
	case orNode:
		for _, x := range n.terms {
			walk(x, fn)
		}
	case notNode:
		walk(n.x, fn)
	}
}

// node is one element of the tree. Trees are values, so two parses of the same rule
// compare equal with reflect.DeepEqual (the fuzz test relies on it).
type node interface {
	print(b *strings.Builder)
}

// andNode holds two or more terms that must all hold; never directly another andNode
// (the parser flattens), so the printed form needs no parentheses around them.
type andNode struct{ terms []node }

// orNode holds two or more alternatives; never directly another orNode.
type orNode struct{ terms []node }

type notNode struct{ x node }

// tagTerm is tag:<name>: the customer carries the tag.
type tagTerm struct{ name string }

// sourceTerm is source:<channel> (first touch) or last_source:<channel> (last touch).
type sourceTerm struct {
	last    bool
	channel string
}

// cmpTerm compares one behaviour number of a customer with a value: orders (count),
// spent (fen), watched (ms) or seen (ms since last seen).
type cmpTerm struct {
	metric string
	op     string // >=, >, <=, <, =, !=
	value  int64
}

func (n andNode) print(b *strings.Builder) {
	for i, x := range n.terms {
		if i > 0 {
			b.WriteString(" AND ")
		}
		if _, ok := x.(orNode); ok {
			b.WriteByte('(')
			x.print(b)
			b.WriteByte(')')
		} else {
			x.print(b)
		}
	}
}

func (n orNode) print(b *strings.Builder) {
	for i, x := range n.terms {
		if i > 0 {
			b.WriteString(" OR ")
		}
		x.print(b) // an AND binds tighter than OR; an OR is never a direct child
	}
}

func (n notNode) print(b *strings.Builder) {
	b.WriteString("NOT ")
	switch n.x.(type) {
	case andNode, orNode:
		b.WriteByte('(')
		n.x.print(b)
		b.WriteByte(')')
	default:
		n.x.print(b)
	}
}

func (n tagTerm) print(b *strings.Builder) {
	b.WriteString("tag:")
	writeName(b, n.name)
}

func (n sourceTerm) print(b *strings.Builder) {
	if n.last {
		b.WriteString("last_source:")
	} else {
		b.WriteString("source:")
	}
	writeName(b, n.channel)
}

func (n cmpTerm) print(b *strings.Builder) {
	b.WriteString(n.metric)
	b.WriteString(n.op)
	switch n.metric {
	case metricSpent:
		b.WriteString(formatYuan(n.value))
	case metricWatched, metricSeen:
		b.WriteString(formatDuration(n.value, n.metric == metricSeen))
	default:
		b.WriteString(strconv.FormatInt(n.value, 10))
	}
}

// bareName reports whether a name can be written without quotes: it must read back
// as exactly itself when the parser stops at a space, a parenthesis or a quote.
func bareName(s string) bool {
	if s == "" {
		return false
	}
	for _, r := range s {
		if !nameRune(r) {
			return false
		}
	}
	return true
}

// nameRune is a character an unquoted name may contain.
func nameRune(r rune) bool {
	return !unicode.IsSpace(r) && !unicode.IsControl(r) && !strings.ContainsRune(`()"\“”`, r) && r != unicode.ReplacementChar
}

// writeName writes a tag or channel name, quoted (with \" and \\ escapes) when needed.
func writeName(b *strings.Builder, s string) {
	if bareName(s) {
		b.WriteString(s)
		return
	}
	b.WriteByte('"')
	for _, r := range s {
		if r == '"' || r == '\\' {
			b.WriteByte('\\')
		}
		b.WriteRune(r)
	}
	b.WriteByte('"')
}

// formatYuan prints fen as yuan with at most two decimals: 50000 → 500, 9950 → 99.5.
func formatYuan(fen int64) string {
	s := strconv.FormatInt(fen/100, 10)
	if c := fen % 100; c != 0 {
		s += "." + strings.TrimRight(strconv.FormatInt(100+c, 10)[1:], "0")
	}
	return s
}

// formatDuration prints ms in the largest unit that divides it: h, m or s for watch
// time; d or h for time since last seen.
func formatDuration(ms int64, days bool) string {
	units := []struct {
		suffix string
		ms     int64
	}{{"h", hour}, {"m", minute}, {"s", second}}
	if days {
		units = []struct {
			suffix string
			ms     int64
		}{{"d", day}, {"h", hour}}
	}
	for _, u := range units {
		if ms%u.ms == 0 {
			return strconv.FormatInt(ms/u.ms, 10) + u.suffix
		}
	}
	last := units[len(units)-1]
	return strconv.FormatInt(ms/last.ms, 10) + last.suffix // not reached for parsed values
}
