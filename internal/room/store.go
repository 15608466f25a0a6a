package room

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/siyu-live/siyu/internal/db"
)

// writeJob writes one hub's job inside the writer's transaction. Assignments (ids,
// new viewers, totals) are recorded on the job and applied by the hub only after
// commit.
func writeJob(ctx context.Context, tx *db.Tx, j *job) error {
	j.ids, j.newIDs, j.totals = make([]int64, len(j.events)), map[int64]bool{}, nil
	var joins []int
	for i, e := range j.events {
		if e.Kind == KindJoin {
			joins = append(joins, i)
			continue
		}
		id, err := db.Insert(ctx, tx, `INSERT INTO room_events (tenant_id, session_id, viewer_id, user_id, kind, text, ref_id, amount, hidden, created_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, j.tenant, j.session, e.ViewerID, e.UserID, e.Kind, e.Text, e.RefID, e.Amount, e.Hidden, e.At)
		if err != nil {
			return fmt.Errorf("room: insert %s: %w", e.Kind, err)
		}
		j.ids[i] = id
	}
	for start := 0; start < len(joins); start += 300 {
		if err := writeJoins(ctx, tx, j, joins[start:min(start+300, len(joins))]); err != nil {
			return err
		}
	}
	for _, p := range j.pres {
		_, err := tx.ExecContext(ctx, `UPDATE room_presence SET watch_ms = watch_ms + ?, likes = likes + ?, last_seen_at = ?
			WHERE session_id = ? AND viewer_id = ? AND tenant_id = ?`, p.WatchMs, p.Likes, p.LastSeen, j.session, p.ViewerID, j.tenant)
		if err != nil {
			return fmt.Errorf("room: update presence: %w", err)
		}
	}
	if j.stats {
		return writeStats(ctx, tx, j)
	}
	return nil
}

// writeJoins inserts join events and first presence rows in two multi-row statements;
// the presence rows actually inserted are the viewers new to the session.
func writeJoins(ctx context.Context, tx *db.Tx, j *job, idx []int) error {
	var ev, pr strings.Builder
	var evArgs, prArgs []any
	ev.WriteString(`INSERT INTO room_events (tenant_id, session_id, viewer_id, kind, ref_id, created_at) VALUES `)
	pr.WriteString(`INSERT INTO room_presence (tenant_id, session_id, viewer_id, entry_link_id, first_joined_at, last_seen_at) VALUES `)
	seen := map[int64]bool{}
	for n, i := range idx {
		e := j.events[i]
		if n > 0 {
			ev.WriteString(",")
		}
		ev.WriteString("(?, ?, ?, ?, ?, ?)")
		evArgs = append(evArgs, j.tenant, j.session, e.ViewerID, KindJoin, e.RefID, e.At)
		if !seen[e.ViewerID] {
			if len(seen) > 0 {
				pr.WriteString(",")
			}
			seen[e.ViewerID] = true
			pr.WriteString("(?, ?, ?, ?, ?, ?)")
			prArgs = append(prArgs, j.tenant, j.session, e.ViewerID, e.RefID, e.At, e.At)
		}
	}
	if _, err := tx.ExecContext(ctx, ev.String(), evArgs...); err != nil {
		return fmt.Errorf("room: insert joins: %w", err)
	}
	pr.WriteString(` ON CONFLICT (session_id, viewer_id) DO NOTHING RETURNING viewer_id`)
	var fresh []int64
	if err := tx.SelectContext(ctx, &fresh, pr.String(), prArgs...); err != nil {
		return fmt.Errorf("room: insert presence: %w", err)
	}
	for _, v := range fresh {
		j.newIDs[v] = true
	}
	return nil
}

// writeStats adds the counters to live_sessions (reading the totals back, which include
// every node's increments) and to the hour's live_popularity row.
func writeStats(ctx context.Context, tx *db.Tx, j *job) error {
	d := j.delta
	greatest := "MAX"
	if tx.Dialect() == db.Postgres {
		greatest = "GREATEST"
	}
	var row struct {
		Peak      int   `db:"peak_online"`
		Viewers   int64 `db:"viewers"`
		Likes     int64 `db:"likes"`
		Comments  int64 `db:"comments"`
		Shares    int64 `db:"shares"`
		Follows   int64 `db:"follows"`
		GiftValue int64 `db:"gift_value"`
	}
	err := tx.WriteGetContext(ctx, &row, `UPDATE live_sessions SET likes = likes + ?, comments = comments + ?,
		shares = shares + ?, follows = follows + ?, gift_value = gift_value + ?, viewers = viewers + ?,
		peak_online = `+greatest+`(peak_online, ?)
		WHERE id = ? AND tenant_id = ?
		RETURNING peak_online, viewers, likes, comments, shares, follows, gift_value`,
		d.Likes, d.Comments, d.Shares, d.Follows, d.GiftValue, len(j.newIDs), j.peak, j.session, j.tenant)
	if err != nil {
		return fmt.Errorf("room: update session stats: %w", err)
	}
	j.totals = &totals{Peak: row.Peak, Viewers: row.Viewers, Likes: row.Likes, Comments: row.Comments,
		Shares: row.Shares, Follows: row.Follows, GiftValue: row.GiftValue}
	if d.HourViewers == 0 && d.Comments == 0 && d.Likes == 0 && d.Shares == 0 && d.Follows == 0 && d.GiftValue == 0 {
		return nil
	}
	_, err = tx.ExecContext(ctx, `INSERT INTO live_popularity (tenant_id, session_id, hour, viewers, comments, likes, shares, follows, gift_value)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (session_id, hour) DO UPDATE SET viewers = live_popularity.viewers + excluded.viewers,
		comments = live_popularity.comments + excluded.comments, likes = live_popularity.likes + excluded.likes,
		shares = live_popularity.shares + excluded.shares, follows = live_popularity.follows + excluded.follows,
		gift_value = live_popularity.gift_value + excluded.gift_value`,
		j.tenant, j.session, j.hour, d.HourViewers, d.Comments, d.Likes, d.Shares, d.Follows, d.GiftValue)
	if err != nil {
		return fmt.Errorf("room: upsert popularity: %w", err)
	}
	return nil
}

// load reads the room's state when the hub starts on this node: totals, distinct
// viewers, active sanctions and pending mic requests.
func (h *hub) load() error {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	st := h.svc.store
	var row struct {
		Peak      int   `db:"peak_online"`
		Viewers   int64 `db:"viewers"`
		Likes     int64 `db:"likes"`
		Comments  int64 `db:"comments"`
		Shares    int64 `db:"shares"`
		Follows   int64 `db:"follows"`
		GiftValue int64 `db:"gift_value"`
	}
	if err := st.GetContext(ctx, &row, `SELECT peak_online, viewers, likes, comments, shares, follows, gift_value
		FROM live_sessions WHERE id = ? AND tenant_id = ?`, h.id, h.tenant); err != nil {
		return fmt.Errorf("room: load totals: %w", err)
	}
	h.base = totals{Peak: row.Peak, Viewers: row.Viewers, Likes: row.Likes, Comments: row.Comments,
		Shares: row.Shares, Follows: row.Follows, GiftValue: row.GiftValue}
	h.peakSaved = row.Peak
	if err := st.GetContext(ctx, &h.base.Hidden, `SELECT COUNT(*) FROM room_events
		WHERE tenant_id = ? AND session_id = ? AND kind = 'comment' AND hidden = 1`, h.tenant, h.id); err != nil {
		return fmt.Errorf("room: load hidden: %w", err)
	}
	var viewers []int64
	if err := st.SelectContext(ctx, &viewers, `SELECT viewer_id FROM room_presence WHERE tenant_id = ? AND session_id = ?`,
		h.tenant, h.id); err != nil {
		return fmt.Errorf("room: load viewers: %w", err)
	}
	for _, v := range viewers {
		h.seen[v] = true
	}
	sanctions, err := activeSanctions(ctx, st, h.tenant, h.id, h.svc.now().UnixMilli())
	if err != nil {
		return err
	}
	for _, s := range sanctions {
		switch s.Kind {
		case "ban":
			h.bans[s.ViewerID] = true
		case "mute":
			h.mutes[s.ViewerID] = max(h.mutes[s.ViewerID], s.Until)
		}
	}
	mics, err := pendingMics(ctx, st, h.tenant, h.id)
	if err != nil {
		return err
	}
	for _, m := range mics {
		h.micPending[m.ViewerID] = true
	}
	return nil
}
