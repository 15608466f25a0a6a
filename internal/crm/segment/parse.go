package segment

import (
	"fmt"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/siyu-live/siyu"
)

// Limits of a rule, so one request cannot make the parser or the evaluator work hard.
const (
	MaxRuleLen  = 1000 // characters
	MaxTerms    = 100
	MaxDepth    = 32 // nested parentheses and NOTs
	MaxNameLen  = 100
	maxOrders   = 1_000_000_000
	maxSpentFen = 1_000_000_000_000 // 10 billion yuan
)

// Behaviour metrics a rule may compare (docs/segments.md).
const (
	metricOrders  = "orders"  // paid orders, refunds taken out
	metricSpent   = "spent"   // money paid, written in yuan, held in fen
	metricWatched = "watched" // total watch time, held in ms
	metricSeen    = "seen"    // time since the customer was last seen, held in ms
)

const (
	second = int64(1000)
	minute = 60 * second
	hour   = 60 * minute
	day    = 24 * hour
)

// Parse reads a segment rule. A malformed rule is an invalid error on field "rule"
// whose message names the position (1-based, in characters) and what was expected
// there in plain words.
func Parse(rule string) (*Expr, error) {
	if strings.TrimSpace(rule) == "" {
		return nil, siyu.Invalid("rule", "the rule is empty; write for example tag:vip AND NOT tag:churned")
	}
	if n := utf8.RuneCountInString(rule); n > MaxRuleLen {
		return nil, siyu.Invalid("rule", "the rule is %d characters long; at most %d are allowed", n, MaxRuleLen)
	}
	p := &parser{src: []rune(rule)}
	root, err := p.or()
	if err != nil {
		return nil, err
	}
	p.space()
	if !p.eof() {
		if p.peek() == ')' {
			return nil, p.fail(p.pos, "there is a closing parenthesis ) without an opening one before it")
		}
		return nil, p.fail(p.pos, "expected AND, OR or the end of the rule, found %s", p.found())
	}
	return &Expr{root: root}, nil
}

type parser struct {
	src   []rune
	pos   int
	depth int
	terms int
}

func (p *parser) eof() bool  { return p.pos >= len(p.src) }
func (p *parser) peek() rune { return p.src[p.pos] }

func (p *parser) space() {
	for !p.eof() && unicode.IsSpace(p.peek()) {
		p.pos++
	}
}

func (p *parser) fail(at int, format string, args ...any) error {
	return siyu.Invalid("rule", "at position %d: %s", at+1, fmt.Sprintf(format, args...))
}

// found describes what stands at the current position, for error messages.
func (p *parser) found() string {
	if p.eof() {
		return "the end of the rule"
	}
	if w, _ := p.lookWord(); w != "" {
		return strconv.Quote(w)
	}
	return strconv.Quote(string(p.peek()))
}

// lookWord returns the word (letters, digits, underscores) at the position without
// consuming it, and where it ends.
func (p *parser) lookWord() (string, int) {
	end := p.pos
	for end < len(p.src) && wordRune(p.src[end]) {
		end++
	}
	return string(p.src[p.pos:end]), end
}

func wordRune(r rune) bool { return r == '_' || unicode.IsLetter(r) || unicode.IsDigit(r) }

// keyword consumes kw (case-insensitive) when it stands at the position as a whole word.
func (p *parser) keyword(kw string) bool {
	p.space()
	w, end := p.lookWord()
	if strings.EqualFold(w, kw) {
		p.pos = end
		return true
	}
	return false
}

func (p *parser) or() (node, error) {
	first, err := p.and()
	if err != nil {
		return nil, err
	}
	terms := []node{first}
	for p.keyword("OR") {
		x, err := p.and()
		if err != nil {
			return nil, err
		}
		terms = append(terms, x)
	}
	if len(terms) == 1 {
		return first, nil
	}
	var flat []node
	for _, x := range terms {
		if o, ok := x.(orNode); ok {
			flat = append(flat, o.terms...)
		} else {
			flat = append(flat, x)
		}
	}
	return orNode{terms: flat}, nil
}

func (p *parser) and() (node, error) {
	first, err := p.unary()
	if err != nil {
		return nil, err
	}
	terms := []node{first}
	for p.keyword("AND") {
		x, err := p.unary()
		if err != nil {
			return nil, err
		}
		terms = append(terms, x)
	}
	if len(terms) == 1 {
		return first, nil
	}
	var flat []node
	for _, x := range terms {
		if a, ok := x.(andNode); ok {
			flat = append(flat, a.terms...)
		} else {
			flat = append(flat, x)
		}
	}
	return andNode{terms: flat}, nil
}

func (p *parser) unary() (node, error) {
	p.space()
	start := p.pos
	if p.keyword("NOT") {
		if err := p.enter(start); err != nil {
			return nil, err
		}
		x, err := p.unary()
		p.depth--
		if err != nil {
			return nil, err
		}
		return notNode{x: x}, nil
	}
	if p.eof() {
		return nil, p.fail(p.pos, "expected a term such as tag:vip, orders>=1 or a group in parentheses, but the rule ends here")
	}
	switch p.peek() {
	case '(':
		if err := p.enter(start); err != nil {
			return nil, err
		}
		p.pos++
		x, err := p.or()
		p.depth--
		if err != nil {
			return nil, err
		}
		p.space()
		if p.eof() || p.peek() != ')' {
			return nil, p.fail(p.pos, "expected AND, OR or a closing parenthesis ) for the one at position %d, found %s", start+1, p.found())
		}
		p.pos++
		return x, nil
	case ')':
		return nil, p.fail(p.pos, "expected a term such as tag:vip before the closing parenthesis )")
	}
	return p.term()
}

// enter counts one more level of nesting.
func (p *parser) enter(at int) error {
	p.depth++
	if p.depth > MaxDepth {
		return p.fail(at, "parentheses and NOT are nested more than %d deep", MaxDepth)
	}
	return nil
}

// term reads tag:<name>, source:<channel>, last_source:<channel> or a comparison.
func (p *parser) term() (node, error) {
	start := p.pos
	p.terms++
	if p.terms > MaxTerms {
		return nil, p.fail(start, "the rule has more than %d terms", MaxTerms)
	}
	w, end := p.lookWord()
	if w == "" {
		return nil, p.fail(start, "expected a term such as tag:vip, orders>=1 or a group in parentheses, found %s", p.found())
	}
	p.pos = end
	switch kw := strings.ToLower(w); kw {
	case "tag", "source", "last_source":
		at := p.pos
		p.space()
		if p.eof() || p.peek() != ':' {
			return nil, p.fail(at, "expected a colon after %s, as in %s:%s", w, kw, map[string]string{"tag": "vip", "source": "live", "last_source": "live"}[kw])
		}
		p.pos++
		p.space()
		name, err := p.name(kw)
		if err != nil {
			return nil, err
		}
		if kw == "tag" {
			return tagTerm{name: name}, nil
		}
		return sourceTerm{last: kw == "last_source", channel: name}, nil
	case metricOrders, metricSpent, metricWatched, metricSeen:
		return p.comparison(kw)
	case "and", "or":
		return nil, p.fail(start, "expected a term such as tag:vip before %s", strings.ToUpper(w))
	}
	return nil, p.fail(start, "unknown term %q; a term is tag:<name>, source:<channel>, last_source:<channel>, or orders, spent, watched or seen compared with a number (to match a tag named %s write tag:%s)", w, w, w)
}

// name reads a tag or channel name: up to a space or parenthesis, or quoted with "…"
// (escapes \" and \\) or “…”.
func (p *parser) name(kw string) (string, error) {
	start := p.pos
	if p.eof() {
		return "", p.fail(p.pos, "expected a name after %s:, but the rule ends here", kw)
	}
	var name string
	switch q := p.peek(); q {
	case '"', '“':
		closing := map[rune]rune{'"': '"', '“': '”'}[q]
		p.pos++
		var b strings.Builder
		for {
			if p.eof() {
				return "", p.fail(start, "the quoted name that starts here has no closing quote %c", closing)
			}
			r := p.peek()
			p.pos++
			if r == closing {
				break
			}
			if r == '\\' && q == '"' && !p.eof() && (p.peek() == '"' || p.peek() == '\\') {
				r = p.peek()
				p.pos++
			}
			b.WriteRune(r)
		}
		name = b.String()
	default:
		for !p.eof() && nameRune(p.peek()) {
			p.pos++
		}
		name = string(p.src[start:p.pos])
		if name == "" {
			return "", p.fail(start, "expected a name after %s:, found %s", kw, p.found())
		}
	}
	if strings.TrimSpace(name) == "" {
		return "", p.fail(start, "the name after %s: is empty", kw)
	}
	if n := utf8.RuneCountInString(name); n > MaxNameLen {
		return "", p.fail(start, "the name after %s: is %d characters long; at most %d are allowed", kw, n, MaxNameLen)
	}
	return name, nil
}
