package segment

import (
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

var operators = []struct{ text, op string }{
	{">=", ">="}, {"<=", "<="}, {"!=", "!="}, {"==", "="}, {"≥", ">="}, {"≤", "<="}, {"≠", "!="},
	{">", ">"}, {"<", "<"}, {"=", "="},
}

// comparison reads <op><number><unit> after a metric name.
func (p *parser) comparison(metric string) (node, error) {
	p.space()
	t := cmpTerm{metric: metric}
	for _, o := range operators {
		if p.pos+utf8.RuneCountInString(o.text) <= len(p.src) && string(p.src[p.pos:p.pos+utf8.RuneCountInString(o.text)]) == o.text {
			t.op = o.op
			p.pos += utf8.RuneCountInString(o.text)
			break
		}
	}
	if t.op == "" {
		return nil, p.fail(p.pos, "expected a comparison (>=, >, <=, <, = or !=) after %s, found %s", metric, p.found())
	}
	p.space()
	numAt := p.pos
	for !p.eof() && (p.peek() >= '0' && p.peek() <= '9' || p.peek() == '.') {
		p.pos++
	}
	num := string(p.src[numAt:p.pos])
	if num == "" {
		return nil, p.fail(numAt, "expected a number after %s%s, found %s", metric, t.op, p.found())
	}
	unitAt := p.pos
	for !p.eof() && (unicode.IsLetter(p.peek())) {
		p.pos++
	}
	unit := strings.ToLower(string(p.src[unitAt:p.pos]))
	var err error
	switch metric {
	case metricOrders:
		if unit != "" {
			return nil, p.fail(unitAt, "orders is a count and takes no unit, found %q", unit)
		}
		t.value, err = p.whole(numAt, num, maxOrders)
	case metricSpent:
		if unit != "" && unit != "元" && unit != "yuan" {
			return nil, p.fail(unitAt, "spent is written in yuan (元), found unit %q", unit)
		}
		t.value, err = p.yuan(numAt, num)
	case metricWatched:
		t.value, err = p.duration(numAt, unitAt, num, unit, metric, map[string]int64{"s": second, "秒": second, "m": minute, "min": minute, "分": minute, "分钟": minute, "h": hour, "小时": hour},
			"s (seconds), m (minutes) or h (hours), as in watched>=10m")
	case metricSeen:
		t.value, err = p.duration(numAt, unitAt, num, unit, metric, map[string]int64{"h": hour, "小时": hour, "d": day, "天": day},
			"h (hours) or d (days), as in seen<7d")
	}
	if err != nil {
		return nil, err
	}
	return t, nil
}

func (p *parser) whole(at int, num string, limit int64) (int64, error) {
	if strings.Contains(num, ".") {
		return 0, p.fail(at, "expected a whole number, found %s", num)
	}
	v, err := strconv.ParseInt(num, 10, 64)
	if err != nil || v > limit {
		return 0, p.fail(at, "the number %s is too large (at most %d)", num, limit)
	}
	return v, nil
}

// yuan reads an amount of yuan with at most two decimals into fen.
func (p *parser) yuan(at int, num string) (int64, error) {
	whole, frac, dot := strings.Cut(num, ".")
	if whole == "" || strings.Contains(frac, ".") || (dot && (frac == "" || len(frac) > 2)) {
		return 0, p.fail(at, "expected an amount in yuan with at most two decimals (as in spent>=99.5), found %s", num)
	}
	y, err := strconv.ParseInt(whole, 10, 64)
	if err != nil || y > maxSpentFen/100 {
		return 0, p.fail(at, "the amount %s is too large (at most %d yuan)", num, maxSpentFen/100)
	}
	fen := y * 100
	if frac != "" {
		c, _ := strconv.ParseInt((frac + "0")[:2], 10, 64)
		fen += c
	}
	return fen, nil
}

func (p *parser) duration(numAt, unitAt int, num, unit, metric string, units map[string]int64, want string) (int64, error) {
	if unit == "" {
		return 0, p.fail(unitAt, "expected a unit right after the number %s: %s", num, want)
	}
	mul, ok := units[unit]
	if !ok {
		return 0, p.fail(unitAt, "unknown unit %q after %s; use %s", unit, metric, want)
	}
	v, err := p.whole(numAt, num, 100*365*day/mul)
	if err != nil {
		return 0, err
	}
	return v * mul, nil
}
