package dashboard_test

import (
	"sync"
	"testing"
	"time"

	"github.com/siyu-live/siyu/internal/analytics/dashboard"
	"github.com/siyu-live/siyu/internal/analytics/eventlog"
)

type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) Add(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

var start = time.Date(2026, 12, 8, 12, 0, 0, 0, time.UTC)

func ev(at time.Time, k eventlog.Kind, amount int64) eventlog.Event {
	return eventlog.Event{TenantID: 1, SessionID: 9, At: at.UnixMilli(), Kind: k, ViewerID: 5, Amount: amount, RefID: 77}
}

// A node that starts mid-show counts what it sees from then on and reads the earlier
// history from the log once: every event is counted exactly once, whichever way it
// came, and another node's news adds up with this node's.
func TestAggregatesCountEachEventOnce(t *testing.T) {
	t.Parallel()
	c := &clock{t: start.Add(10 * time.Minute)}
	a := dashboard.New(c.Now)
	history := []eventlog.Event{ev(start.Add(time.Minute), eventlog.KindComment, 3), ev(start.Add(9*time.Minute), eventlog.KindView, 0)}
	live := []eventlog.Event{ev(c.Now(), eventlog.KindComment, 2), ev(c.Now(), eventlog.KindView, 0),
		ev(start.Add(2*time.Minute), eventlog.KindComment, 100)} // late and old: history's
	created := a.Observe(live)
	if len(created) != 1 {
		t.Fatalf("created %d sessions, want 1", len(created))
	}
	// Seeding sees the whole log: the history and the live events once written.
	err := a.Seed(created[0], func(fn func([]eventlog.Event)) error {
		fn(append(append([]eventlog.Event{}, history...), live...))
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	// Another node's news for this session, in the current slot.
	other := dashboard.New(c.Now)
	other.Observe([]eventlog.Event{ev(c.Now(), eventlog.KindComment, 10), ev(c.Now(), eventlog.KindCheckout, 0)})
	for _, d := range other.Take() {
		a.Merge(d)
	}
	snap := a.Get(9).Snapshot(c.Now(), 5, 60, start.UnixMilli())
	if got := snap.Totals.Comments; got != 3+2+100+10 {
		t.Errorf("comments %d, want 115", got)
	}
	if p := snap.Products[77]; p.Views != 2 || p.Checkouts != 1 {
		t.Errorf("product interest %+v, want 2 views and 1 checkout", p)
	}
	if !snap.Seeded || len(snap.Series) != 11 {
		t.Errorf("seeded %v, %d minutes of series (want 11 since the start)", snap.Seeded, len(snap.Series))
	}
	if snap.Series[1].Comments != 3 || snap.Series[2].Comments != 100 {
		t.Errorf("minutes 1 and 2: %+v %+v", snap.Series[1], snap.Series[2])
	}
	if news := a.Take(); len(news) != 1 || len(news[0].Slots) != 2 {
		t.Errorf("this node's own news to publish: %+v", news)
	}
}

// The last N minutes are compared with the N before; a drop past the threshold raises
// one alert per kind per window, and only once the earlier window was fully observed
// and had enough activity.
func TestWindowAlerts(t *testing.T) {
	t.Parallel()
	c := &clock{t: start}
	a := dashboard.New(c.Now)
	for m := range 10 {
		joins, comments := int64(20), int64(50)
		if m >= 5 {
			joins, comments = 4, 45 // entries collapse, engagement holds
		}
		a.Observe([]eventlog.Event{ev(start.Add(time.Duration(m)*time.Minute), eventlog.KindJoin, joins),
			ev(start.Add(time.Duration(m)*time.Minute), eventlog.KindComment, comments)})
	}
	c.Add(10 * time.Minute)
	s := a.Get(9)
	rule := dashboard.Rule{WindowMinutes: 5, TrafficDropPct: 50, EngagementDropPct: 50, MinBase: 20}
	w := s.Snapshot(c.Now(), 5, 60, start.UnixMilli()).Window
	if w.Current.Joins != 20 || w.Previous.Joins != 100 || !w.Complete {
		t.Fatalf("window %+v", w)
	}
	if *w.TrafficChange != -0.8 {
		t.Errorf("traffic change %v, want -0.8", *w.TrafficChange)
	}
	alerts := w.Alerts(rule)
	if len(alerts) != 1 || alerts[0].Kind != dashboard.AlertTraffic || alerts[0].Current != 20 || alerts[0].Previous != 100 {
		t.Fatalf("alerts %+v, want one traffic drop 100 → 20", alerts)
	}
	c.Add(30 * time.Second)
	again := s.Snapshot(c.Now(), 5, 60, start.UnixMilli()).Window.Alerts(rule)
	if len(again) == 0 || again[0].WindowStart != alerts[0].WindowStart {
		t.Errorf("the same drop checked again must keep its key: %+v vs %+v", again, alerts)
	}
	rule.MinBase = 1000
	if got := w.Alerts(rule); len(got) != 0 {
		t.Errorf("an earlier window below the minimum raised %+v", got)
	}
	// A show that started 7 minutes ago has no complete earlier window yet.
	if w := s.Snapshot(c.Now(), 5, 60, c.Now().Add(-7*time.Minute).UnixMilli()).Window; w.Complete || len(w.Alerts(rule)) != 0 {
		t.Errorf("incomplete window alerted: %+v", w)
	}
}

// FuzzDecodeMessage: bus messages from other nodes never panic the decoder, and what
// decodes names a session.
func FuzzDecodeMessage(f *testing.F) {
	a := dashboard.New(func() time.Time { return start })
	a.Observe([]eventlog.Event{ev(start, eventlog.KindView, 0), ev(start, eventlog.KindGift, 500)})
	good, _ := dashboard.EncodeMessage("node-a", a.Take())
	f.Add(good)
	f.Add([]byte(`{"node":"x","deltas":[{"t":0,"s":1}]}`))
	f.Add([]byte(`not json`))
	f.Fuzz(func(t *testing.T, data []byte) {
		node, ds, err := dashboard.DecodeMessage(data)
		if err != nil {
			return
		}
		if node == "" {
			t.Fatal("a message without a node decoded")
		}
		for _, d := range ds {
			if d.Tenant <= 0 || d.Session <= 0 {
				t.Fatalf("a delta without a session decoded: %+v", d)
			}
		}
	})
}
