package web

import (
	"encoding/json"
	"fmt"
	"math"
	"strconv"
	"strings"
)

// fmtPct writes a ratio (0.234) as a percentage ("23.4%"); whole percentages drop the
// decimal, so a funnel reads 100% rather than 100.0%.
func fmtPct(f float64) string {
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return "—"
	}
	p := math.Round(f*1000) / 10
	if p == math.Trunc(p) {
		return strconv.FormatFloat(p, 'f', 0, 64) + "%"
	}
	return strconv.FormatFloat(p, 'f', 1, 64) + "%"
}

// fmtChange writes a relative change against earlier sessions ("+12%", "−8%"); nil
// (no earlier figure to compare with) is empty, so the template shows nothing.
func fmtChange(f *float64) string {
	if f == nil || math.IsNaN(*f) || math.IsInf(*f, 0) {
		return ""
	}
	p := math.Round(*f * 100)
	switch {
	case p > 0:
		return "+" + strconv.FormatFloat(p, 'f', 0, 64) + "%"
	case p < 0:
		return "−" + strconv.FormatFloat(-p, 'f', 0, 64) + "%"
	}
	return "0%"
}

// fmtWatch writes a watch time in words: "12分05秒", "1小时3分" ("12m 05s", "1h 3m").
func (c *Console) fmtWatch(lang string, sec int64) string {
	sec = max(sec, 0)
	h, m, s := sec/3600, sec%3600/60, sec%60
	switch {
	case h > 0:
		return c.tr(lang, "analytics.unit.hm", h, m)
	case m > 0:
		return c.tr(lang, "analytics.unit.ms", m, fmt.Sprintf("%02d", s))
	}
	return c.tr(lang, "analytics.unit.s", s)
}

// chart is what a chart container carries in its data-chart attribute: the kind of
// chart, the categories and the series, labels already translated, so the page script
// (static/analytics-charts.js) only maps it onto ECharts.
type chart struct {
	Kind   string        `json:"kind"` // bar, line, combo (series on two axes), pie, pies (a donut per series), funnel
	X      []string      `json:"x,omitempty"`
	Series []chartSeries `json:"series"`
	// Mark is the index of the category to highlight (this session among earlier
	// ones); -1 for none.
	Mark int `json:"mark"`
}

// chartSeries is one series. Money values are yuan (float) so axes and tooltips read
// naturally; Money says to format them as such.
type chartSeries struct {
	Name  string       `json:"name"`
	Data  []float64    `json:"data,omitempty"`
	Items []chartSlice `json:"items,omitempty"` // pie and funnel
	Line  bool         `json:"line,omitempty"`  // combo: drawn as a line, not bars
	Right bool         `json:"right,omitempty"` // combo: on the right-hand axis
	Money bool         `json:"money,omitempty"`
	Pct   bool         `json:"pct,omitempty"` // values are percentages (0–100)
	Stack string       `json:"stack,omitempty"`
}

// chartSlice is one named value of a pie or funnel.
type chartSlice struct {
	Name  string  `json:"name"`
	Value float64 `json:"value"`
}

// JSON encodes the chart for its data attribute.
func (ch chart) JSON() string {
	b, err := json.Marshal(ch)
	if err != nil {
		return "{}"
	}
	return string(b)
}

// yuanF is fen as yuan for a chart axis.
func yuanF(fen int64) float64 { return float64(fen) / 100 }

// jsTexts returns the catalog texts a page script of the area needs (keys starting
// with prefix, the prefix removed) as JSON for a data attribute.
func (c *Console) jsTexts(lang, prefix string) string {
	out := map[string]string{}
	for k, v := range c.cats[lang] {
		if rest, ok := strings.CutPrefix(k, prefix); ok {
			out[rest] = v
		}
	}
	b, _ := json.Marshal(out)
	return string(b)
}
