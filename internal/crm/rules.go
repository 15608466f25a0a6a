package crm

import (
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"unicode"

	"github.com/siyu-live/siyu"
)

// Rule is a compiled rule-tag condition (docs/crm-rules.md): comparisons of a
// customer's aggregates with numbers, joined by AND and OR (AND binds tighter), e.g.
// "watch_minutes >= 10 AND orders = 0". It is held as OR of ANDs.
type Rule struct {
	text string
	any  [][]cond
}

type cond struct {
	metric string
	days   int // window of spent_<N>d / orders_<N>d, 0 for lifetime metrics
	op     string
	value  int64
}

// MaxRuleDays bounds the window of a windowed metric.
const MaxRuleDays = 365

// metrics are the lifetime metrics a rule may read.
var metrics = map[string]bool{
	"watch_ms": true, "watch_minutes": true, "sessions": true, "comments": true, "gifts": true,
	"orders": true, "spent": true, "avg_order": true, "reservations": true, "no_shows": true,
}

var (
	windowed = regexp.MustCompile(`^(spent|orders)_([0-9]{1,3})d$`)
	ops      = []string{">=", "<=", "!=", "==", ">", "<", "="}
)

// String is the rule as written.
func (r Rule) String() string { return r.text }

// ParseRule compiles a rule; an error is invalid with field "rule" and the position
// (1-based, in characters) where reading stopped.
func ParseRule(text string) (Rule, error) {
	text = strings.TrimSpace(text)
	if text == "" {
		return Rule{}, siyu.Invalid("rule", "rule is empty; write e.g. watch_minutes >= 10 AND orders = 0")
	}
	if len(text) > 500 {
		return Rule{}, siyu.Invalid("rule", "rule is longer than 500 characters")
	}
	p := &ruleParser{src: []rune(text)}
	r := Rule{text: text}
	and := []cond{}
	for {
		c, err := p.cond()
		if err != nil {
			return Rule{}, err
		}
		and = append(and, c)
		p.space()
		if p.eof() {
			break
		}
		word, at := p.word()
		switch strings.ToUpper(word) {
		case "AND":
		case "OR":
			r.any = append(r.any, and)
			and = []cond{}
		default:
			return Rule{}, p.fail(at, "expected AND or OR, found %q", word)
		}
	}
	r.any = append(r.any, and)
	return r, nil
}

type ruleParser struct {
	src []rune
	pos int
}

func (p *ruleParser) eof() bool { return p.pos >= len(p.src) }

func (p *ruleParser) space() {
	for !p.eof() && unicode.IsSpace(p.src[p.pos]) {
		p.pos++
	}
}

func (p *ruleParser) fail(at int, format string, args ...any) error {
	return siyu.Invalid("rule", "at position %d: %s", at+1, fmt.Sprintf(format, args...))
}

// word reads letters, digits and underscores.
func (p *ruleParser) word() (string, int) {
	p.space()
	start := p.pos
	for !p.eof() && (p.src[p.pos] == '_' || unicode.IsLetter(p.src[p.pos]) || unicode.IsDigit(p.src[p.pos])) {
		p.pos++
	}
	return string(p.src[start:p.pos]), start
}

func (p *ruleParser) cond() (cond, error) {
	name, at := p.word()
	if name == "" {
		if p.eof() {
			return cond{}, p.fail(at, "expected a metric, found the end of the rule")
		}
		return cond{}, p.fail(at, "expected a metric, found %q", string(p.src[p.pos]))
	}
	c := cond{metric: strings.ToLower(name)}
	if m := windowed.FindStringSubmatch(c.metric); m != nil {
		days, _ := strconv.Atoi(m[2])
		if days < 1 || days > MaxRuleDays {
			return cond{}, p.fail(at, "a window is 1 to %d days, got %d", MaxRuleDays, days)
		}
		c.metric, c.days = m[1], days
	} else if !metrics[c.metric] {
		return cond{}, p.fail(at, "unknown metric %q (see docs/crm-rules.md)", name)
	}
	p.space()
	for _, op := range ops {
		if p.pos+len(op) <= len(p.src) && string(p.src[p.pos:p.pos+len(op)]) == op {
			c.op = op
			p.pos += len(op)
			break
		}
	}
	if c.op == "" {
		return cond{}, p.fail(p.pos, "expected a comparison (>=, >, <=, <, =, !=) after %s", name)
	}
	if c.op == "==" {
		c.op = "="
	}
	p.space()
	start := p.pos
	for !p.eof() && unicode.IsDigit(p.src[p.pos]) {
		p.pos++
	}
	if start == p.pos {
		return cond{}, p.fail(start, "expected a whole number after %s", c.op)
	}
	v, err := strconv.ParseInt(string(p.src[start:p.pos]), 10, 64)
	if err != nil || v > 1e15 {
		return cond{}, p.fail(start, "number too large")
	}
	// An optional unit: 元/yuan for money (stored in fen), min/h for watch time.
	unitAt := p.pos
	for !p.eof() && (unicode.IsLetter(p.src[p.pos])) {
		p.pos++
	}
	switch unit := strings.ToLower(string(p.src[unitAt:p.pos])); unit {
	case "":
	case "元", "yuan":
		if c.metric != "spent" && c.metric != "gifts" && c.metric != "avg_order" {
			return cond{}, p.fail(unitAt, "%s is not money; 元 does not apply", name)
		}
		v *= 100
	case "min", "h":
		if c.metric != "watch_ms" {
			return cond{}, p.fail(unitAt, "only watch_ms takes min or h")
		}
		v *= map[string]int64{"min": 60_000, "h": 3_600_000}[unit]
	default:
		return cond{}, p.fail(unitAt, "unknown unit %q", unit)
	}
	c.value = v
	return c, nil
}

// Windows lists the distinct windows (days) the rule reads, for timers.
func (r Rule) Windows() []int {
	var out []int
	for _, and := range r.any {
		for _, c := range and {
			if c.days > 0 && !slices.Contains(out, c.days) {
				out = append(out, c.days)
			}
		}
	}
	return out
}

// Metrics are the values a rule reads for one customer.
type Metrics struct {
	WatchMS, Sessions, Comments, GiftsFen, Orders, SpentFen, Reservations, NoShows int64
	// Windowed sums of paid, unrefunded orders by window in days.
	SpentIn, OrdersIn map[int]int64
}

func (m Metrics) value(c cond) int64 {
	switch c.metric {
	case "watch_ms":
		return m.WatchMS
	case "watch_minutes":
		return m.WatchMS / 60_000
	case "sessions":
		return m.Sessions
	case "comments":
		return m.Comments
	case "gifts":
		return m.GiftsFen
	case "orders":
		if c.days > 0 {
			return m.OrdersIn[c.days]
		}
		return m.Orders
	case "spent":
		if c.days > 0 {
			return m.SpentIn[c.days]
		}
		return m.SpentFen
	case "avg_order":
		if m.Orders <= 0 {
			return 0
		}
		return m.SpentFen / m.Orders
	case "reservations":
		return m.Reservations
	case "no_shows":
		return m.NoShows
	}
	return 0
}

// Eval reports whether the rule holds for m.
func (r Rule) Eval(m Metrics) bool {
	for _, and := range r.any {
		ok := true
		for _, c := range and {
			v := m.value(c)
			switch c.op {
			case ">=":
				ok = v >= c.value
			case ">":
				ok = v > c.value
			case "<=":
				ok = v <= c.value
			case "<":
				ok = v < c.value
			case "=":
				ok = v == c.value
			case "!=":
				ok = v != c.value
			}
			if !ok {
				break
			}
		}
		if ok {
			return true
		}
	}
	return false
}

func (r *custRow) metrics() Metrics {
	return Metrics{WatchMS: r.WatchMS, Sessions: r.Sessions, Comments: r.Comments, GiftsFen: r.GiftsFen,
		Orders: r.OrdersCount, SpentFen: r.SpentFen, Reservations: r.Reservations, NoShows: r.NoShows}
}
