package dashboard

import (
	"time"
)

// Point is one minute of a session's series.
type Point struct {
	At       time.Time `json:"at"` // start of the minute
	Joins    int64     `json:"joins"`
	Entries  int64     `json:"entries"`
	Comments int64     `json:"comments"`
	Likes    int64     `json:"likes"`
	Gifts    int64     `json:"gifts"`
	Views    int64     `json:"product_views"`
	Orders   int64     `json:"orders"`
	GMV      int64     `json:"gmv"`
}

// Window compares the last N minutes (whole slots, the one in progress excluded) with
// the N minutes before them.
type Window struct {
	Minutes  int    `json:"minutes"`
	Current  Counts `json:"current"`
	Previous Counts `json:"previous"`
	// Complete says the earlier window was observed whole (the session was live and
	// counted through it); alerts are raised only then.
	Complete bool `json:"complete"`
	// TrafficChange and EngagementChange are (current − previous) / previous of joins
	// and of interactions; null when the earlier window had none.
	TrafficChange    *float64 `json:"traffic_change"`
	EngagementChange *float64 `json:"engagement_change"`
	end              int64    // unix ms where the current window ends
}

// Snapshot is what the dashboard shows from a session's slots.
type Snapshot struct {
	Totals   Counts
	Seeded   bool
	Products map[int64]ProductCounts
	Window   Window
	Series   []Point // the last seriesMinutes minutes, oldest first
}

// Snapshot reads the session's figures at now. startedAt (unix ms, 0 unknown) keeps
// the minutes before the show out of the comparison.
func (s *Session) Snapshot(now time.Time, windowMinutes, seriesMinutes int, startedAt int64) Snapshot {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.touched.Store(now.UnixMilli())
	cur := Slot(now.UnixMilli())
	n := int64(windowMinutes) * 60_000 / SlotMs
	out := Snapshot{Totals: s.totals, Seeded: s.seeded, Products: make(map[int64]ProductCounts, len(s.products))}
	for id, p := range s.products {
		out.Products[id] = *p
	}
	w := Window{Minutes: windowMinutes, end: cur * SlotMs}
	for k := cur - n; k < cur; k++ {
		if c := s.slots[k]; c != nil {
			w.Current.Add(*c)
		}
	}
	for k := cur - 2*n; k < cur-n; k++ {
		if c := s.slots[k]; c != nil {
			w.Previous.Add(*c)
		}
	}
	prevStart := (cur - 2*n) * SlotMs
	w.Complete = (s.seeded || s.from <= cur-2*n) && startedAt > 0 && startedAt <= prevStart
	w.TrafficChange = change(w.Current.Joins, w.Previous.Joins)
	w.EngagementChange = change(w.Current.Interactions(), w.Previous.Interactions())
	out.Window = w

	minute := now.UnixMilli() / 60_000
	first := minute - int64(seriesMinutes) + 1
	if startedAt > 0 {
		first = max(first, startedAt/60_000)
	}
	for m := first; m <= minute; m++ {
		p := Point{At: time.UnixMilli(m * 60_000).UTC()}
		for k := m * 6; k < (m+1)*6; k++ {
			if c := s.slots[k]; c != nil {
				p.Joins += c.Joins
				p.Entries += c.Entries
				p.Comments += c.Comments
				p.Likes += c.Likes
				p.Gifts += c.Gifts
				p.Views += c.Views
				p.Orders += c.Orders
				p.GMV += c.GMV
			}
		}
		out.Series = append(out.Series, p)
	}
	return out
}

func change(cur, prev int64) *float64 {
	if prev == 0 {
		return nil
	}
	v := float64(cur-prev) / float64(prev)
	return &v
}

// Alert kinds.
const (
	AlertTraffic    = "traffic_drop"    // joins (进场人次) fell
	AlertEngagement = "engagement_drop" // comments, likes, gifts, shares and follows fell
)

// Rule is a tenant's alert thresholds (org.Settings).
type Rule struct {
	WindowMinutes     int
	TrafficDropPct    int
	EngagementDropPct int
	MinBase           int // the earlier window must have at least this much to compare
}

// Alert is a sharp drop noticed in a window. WindowStart rounds the window's end down
// to a multiple of its length, so one drop raises one alert per kind per window
// however often (and on however many nodes) it is checked.
type Alert struct {
	Kind              string
	WindowStart       int64 // unix ms
	Current, Previous int64
}

// Alerts are the drops w shows under r.
func (w Window) Alerts(r Rule) []Alert {
	if !w.Complete || r.WindowMinutes <= 0 {
		return nil
	}
	period := int64(r.WindowMinutes) * 60_000
	start := w.end / period * period
	var out []Alert
	check := func(kind string, cur, prev int64, pct int) {
		if prev >= int64(r.MinBase) && prev > 0 && cur*100 <= prev*int64(100-pct) {
			out = append(out, Alert{Kind: kind, WindowStart: start, Current: cur, Previous: prev})
		}
	}
	check(AlertTraffic, w.Current.Joins, w.Previous.Joins, r.TrafficDropPct)
	check(AlertEngagement, w.Current.Interactions(), w.Previous.Interactions(), r.EngagementDropPct)
	return out
}
