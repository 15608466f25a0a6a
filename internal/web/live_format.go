package web

import "fmt"

// fmtDuration writes seconds on air as 1:02:03 (or 2:03 under an hour).
func fmtDuration(sec int64) string {
	if sec < 0 {
		sec = 0
	}
	h, m, s := sec/3600, sec%3600/60, sec%60
	if h > 0 {
		return fmt.Sprintf("%d:%02d:%02d", h, m, s)
	}
	return fmt.Sprintf("%d:%02d", m, s)
}

// fmtScore writes a popularity score for the discovery lists: 12,345 or 1.2万.
func fmtScore(f float64) string {
	n := int(f + 0.5)
	if n >= 10000 {
		return fmt.Sprintf("%.1f万", float64(n)/10000)
	}
	return groupDigits(n)
}
