package room_test

import (
	"context"
	"testing"
	"time"

	"github.com/siyu-live/siyu/internal/room"
)

// TestPersistenceAfterFlush: events, presence, session counters and the hour's
// popularity are all in the store once Flush returns.
func TestPersistenceAfterFlush(t *testing.T) {
	t.Parallel()
	e := newEnv(t, room.Options{})
	start := e.clock.unixMilli()
	id, tok := e.viewer("小红")
	e.dir.mu.Lock()
	m := e.dir.tokens[tok]
	m.EntryLinkID = 7
	e.dir.tokens[tok] = m
	e.dir.mu.Unlock()
	c := e.dial(tok)
	c.waitFor("welcome", nil)
	c.comment("留个言")
	c.send(map[string]any{"type": "gift", "gift_id": 1})
	c.send(map[string]any{"type": "share"})
	c.send(map[string]any{"type": "follow"})
	c.send(map[string]any{"type": "like", "count": 10})
	c.waitFor("stats", func(m map[string]any) bool { return num(m, "likes") == 10 && num(m, "follows") == 1 })
	e.clock.advance(5 * time.Second)
	must(t, e.svc().Flush(context.Background(), e.session))

	ctx := context.Background()
	var kinds []string
	must(t, e.store.SelectContext(ctx, &kinds, `SELECT kind FROM room_events WHERE session_id = ? ORDER BY id`, e.session))
	want := map[string]bool{"join": true, "comment": true, "gift": true, "share": true, "follow": true}
	if len(kinds) != len(want) {
		t.Fatalf("room_events kinds %v, want %v", kinds, want)
	}
	for _, k := range kinds {
		if !want[k] {
			t.Fatalf("unexpected event kind %q in %v", k, kinds)
		}
	}
	var gift struct {
		Text   string `db:"text"`
		RefID  int64  `db:"ref_id"`
		Amount int64  `db:"amount"`
		Viewer int64  `db:"viewer_id"`
	}
	must(t, e.store.GetContext(ctx, &gift, `SELECT text, ref_id, amount, viewer_id FROM room_events WHERE session_id = ? AND kind = 'gift'`, e.session))
	if gift.Text != "小心心" || gift.RefID != 1 || gift.Amount != 100 || gift.Viewer != id {
		t.Fatalf("gift row: %+v", gift)
	}
	var pres struct {
		Entry int64 `db:"entry_link_id"`
		First int64 `db:"first_joined_at"`
		Last  int64 `db:"last_seen_at"`
		Watch int64 `db:"watch_ms"`
		Likes int64 `db:"likes"`
	}
	must(t, e.store.GetContext(ctx, &pres, `SELECT entry_link_id, first_joined_at, last_seen_at, watch_ms, likes FROM room_presence
		WHERE session_id = ? AND viewer_id = ?`, e.session, id))
	if pres.Entry != 7 || pres.First != start || pres.Watch != 5000 || pres.Likes != 10 || pres.Last != start+5000 {
		t.Fatalf("presence: %+v", pres)
	}
	var st struct {
		Peak      int64 `db:"peak_online"`
		Viewers   int64 `db:"viewers"`
		Likes     int64 `db:"likes"`
		Comments  int64 `db:"comments"`
		Shares    int64 `db:"shares"`
		Follows   int64 `db:"follows"`
		GiftValue int64 `db:"gift_value"`
	}
	must(t, e.store.GetContext(ctx, &st, `SELECT peak_online, viewers, likes, comments, shares, follows, gift_value FROM live_sessions WHERE id = ?`, e.session))
	if st.Peak != 1 || st.Viewers != 1 || st.Likes != 10 || st.Comments != 1 || st.Shares != 1 || st.Follows != 1 || st.GiftValue != 100 {
		t.Fatalf("session stats: %+v", st)
	}
	var pop struct {
		Hour      int64 `db:"hour"`
		Viewers   int64 `db:"viewers"`
		Likes     int64 `db:"likes"`
		Comments  int64 `db:"comments"`
		Shares    int64 `db:"shares"`
		Follows   int64 `db:"follows"`
		GiftValue int64 `db:"gift_value"`
	}
	must(t, e.store.GetContext(ctx, &pop, `SELECT hour, viewers, likes, comments, shares, follows, gift_value FROM live_popularity WHERE session_id = ?`, e.session))
	if pop.Hour != e.clock.unixMilli()/3_600_000 || pop.Viewers != 1 || pop.Likes != 10 || pop.Comments != 1 ||
		pop.Shares != 1 || pop.Follows != 1 || pop.GiftValue != 100 {
		t.Fatalf("popularity: %+v", pop)
	}
}

// TestStopFlushes: a graceful stop closes the sockets and persists what was accepted.
func TestStopFlushes(t *testing.T) {
	t.Parallel()
	e := newEnv(t, room.Options{StatsEvery: time.Hour, PresenceEvery: time.Hour})
	id, tok := e.viewer("小红")
	c := e.dial(tok)
	c.waitFor("welcome", nil)
	c.comment("最后一条")
	c.waitFor("comment", textIs("最后一条"))
	c.send(map[string]any{"type": "like", "count": 42})
	c.send(map[string]any{"type": "ping"})
	c.waitFor("pong", nil) // the like was read before the ping
	e.clock.advance(3 * time.Second)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	must(t, e.svc().Stop(ctx))
	c.waitClosed()
	var likes, comments, watch int64
	must(t, e.store.GetContext(ctx, &likes, `SELECT likes FROM live_sessions WHERE id = ?`, e.session))
	must(t, e.store.GetContext(ctx, &comments, `SELECT comments FROM live_sessions WHERE id = ?`, e.session))
	must(t, e.store.GetContext(ctx, &watch, `SELECT watch_ms FROM room_presence WHERE session_id = ? AND viewer_id = ?`, e.session, id))
	if likes != 42 || comments != 1 || watch != 3000 {
		t.Fatalf("after stop: likes %d comments %d watch %d", likes, comments, watch)
	}
}
