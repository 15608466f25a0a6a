package loadgen

import (
	"cmp"
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"strconv"
	"time"

	"github.com/siyu-live/siyu/internal/analytics/eventlog"
	"github.com/siyu-live/siyu/internal/db"
	"github.com/siyu-live/siyu/internal/org"
)

// showLength is how long the generated show lasted.
const showLength = 2 * time.Hour

// anaShow is a generated ended show: a brand, its owner, the session, its products and
// the viewer accounts the events name.
type anaShow struct {
	owner     org.Principal
	sessionID int64
	start     int64 // unix ms
	viewers   []int64
	links     []int64
	products  []int64
	prices    []int64
}

// generateShow writes a brand with an ended two-hour show: products in its showcase,
// entry links, viewers who joined (room_presence) and orders, all consistent with the
// events generateEvents makes for it.
func generateShow(ctx context.Context, store *db.DB, viewers, orders int, seed uint64, now time.Time) (anaShow, error) {
	var sh anaShow
	osvc := org.NewService(store, org.Options{Password: org.PasswordParams{Memory: 1024, Time: 1, Threads: 1}})
	res, err := osvc.Signup(ctx, org.SignupInput{Name: "bench analytics", OwnerEmail: "owner@bench.analytics", OwnerPassword: "bench-password"})
	if err != nil {
		return sh, err
	}
	sh.owner = org.Principal{TenantID: res.Tenant.ID, UserID: res.User.ID, Role: org.RoleOwner}
	t := res.Tenant.ID
	ms := now.UnixMilli()
	sh.start = now.Add(-showLength - time.Minute).UnixMilli()
	if sh.sessionID, err = db.Insert(ctx, store, `INSERT INTO live_sessions (tenant_id, host_id, title, status, started_at, ended_at,
		live_ms, peak_online, viewers, created_at, updated_at) VALUES (?, ?, ?, 'ended', ?, ?, ?, ?, ?, ?, ?)`, t, res.User.ID,
		"bench show", sh.start, sh.start+showLength.Milliseconds(), showLength.Milliseconds(), viewers/3, viewers, ms, ms); err != nil {
		return sh, fmt.Errorf("bench analytics: session: %w", err)
	}
	ins := &sqliteSink{store: store}
	rng := rand.New(rand.NewPCG(seed, 11))
	for i := range 20 {
		price := int64(990 + rng.IntN(50)*1000)
		p, err := db.Insert(ctx, store, `INSERT INTO products (tenant_id, name, created_at, updated_at) VALUES (?, ?, ?, ?)`,
			t, "商品"+strconv.Itoa(i), ms, ms)
		if err != nil {
			return sh, fmt.Errorf("bench analytics: product: %w", err)
		}
		if _, err := store.ExecContext(ctx, `INSERT INTO product_skus (tenant_id, product_id, name, price_fen, stock, created_at)
			VALUES (?, ?, '默认', ?, ?, ?)`, t, p, price, rng.IntN(3)*500, ms); err != nil {
			return sh, fmt.Errorf("bench analytics: sku: %w", err)
		}
		if _, err := store.ExecContext(ctx, `INSERT INTO showcase_items (tenant_id, session_id, product_id, position, created_at)
			VALUES (?, ?, ?, ?, ?)`, t, sh.sessionID, p, i, ms); err != nil {
			return sh, fmt.Errorf("bench analytics: showcase: %w", err)
		}
		sh.products, sh.prices = append(sh.products, p), append(sh.prices, price)
	}
	for i, ch := range []string{"community", "official_account", "sharer", "ad", "video_channel"} {
		l, err := db.Insert(ctx, store, `INSERT INTO entry_links (tenant_id, session_id, channel, code, label, created_at)
			VALUES (?, ?, ?, ?, ?, ?)`, t, sh.sessionID, ch, fmt.Sprintf("b%d%06d", i, sh.sessionID), ch+" 入口", ms)
		if err != nil {
			return sh, fmt.Errorf("bench analytics: entry link: %w", err)
		}
		sh.links = append(sh.links, l)
	}
	var first int64
	if err := store.GetContext(ctx, &first, `SELECT COALESCE(MAX(id), 0) + 1 FROM viewers`); err != nil {
		return sh, err
	}
	var vrows, prows [][]any
	for i := range viewers {
		id := first + int64(i)
		link := int64(0)
		if rng.IntN(3) > 0 {
			link = sh.links[rng.IntN(len(sh.links))]
		}
		joined := sh.start + rng.Int64N(showLength.Milliseconds()*9/10)
		watch := min(int64(rng.ExpFloat64()*20*60_000), sh.start+showLength.Milliseconds()-joined)
		sh.viewers = append(sh.viewers, id)
		vrows = append(vrows, []any{id, t, sh.sessionID, "观众" + strconv.Itoa(i), fmt.Sprintf("bench-%d-%d", sh.sessionID, i), link, ms})
		prows = append(prows, []any{t, sh.sessionID, id, link, joined, joined + watch, watch, rng.Int64N(20)})
	}
	if err := ins.insert(ctx, "viewers", []string{"id", "tenant_id", "session_id", "nickname", "token_hash", "entry_link_id", "created_at"}, vrows); err != nil {
		return sh, err
	}
	if err := ins.insert(ctx, "room_presence", []string{"tenant_id", "session_id", "viewer_id", "entry_link_id", "first_joined_at",
		"last_seen_at", "watch_ms", "likes"}, prows); err != nil {
		return sh, err
	}
	statuses := []string{"paid", "paid", "paid", "completed", "created", "cancelled"}
	var orows, lrows [][]any
	for range orders {
		st := statuses[rng.IntN(len(statuses))]
		paid := int64(0)
		if st == "paid" || st == "completed" {
			paid = ms
		}
		p := rng.IntN(len(sh.products))
		q := 1 + rng.Int64N(3)
		orows = append(orows, []any{t, sh.sessionID, sh.viewers[rng.IntN(len(sh.viewers))], st, sh.prices[p] * q, 0, "showcase", ms, ms, paid})
		lrows = append(lrows, []any{t, 0, sh.products[p], 0, "商品" + strconv.Itoa(p), sh.prices[p], q})
	}
	if err := ins.insert(ctx, "orders", []string{"tenant_id", "session_id", "viewer_id", "status", "total_fen", "needs_address", "source",
		"created_at", "updated_at", "paid_at"}, orows); err != nil {
		return sh, err
	}
	var ids []int64
	if err := store.SelectContext(ctx, &ids, `SELECT id FROM orders WHERE tenant_id = ? AND session_id = ? ORDER BY id`, t, sh.sessionID); err != nil {
		return sh, err
	}
	var skus map[int64]int64
	if skus, err = skuOf(ctx, store, t); err != nil {
		return sh, err
	}
	for i := range lrows {
		lrows[i][1], lrows[i][3] = ids[i], skus[lrows[i][2].(int64)]
	}
	if err := ins.insert(ctx, "order_lines", []string{"tenant_id", "order_id", "product_id", "sku_id", "name", "unit_price_fen", "quantity"}, lrows); err != nil {
		return sh, err
	}
	if store.Dialect() == db.Postgres {
		if _, err := store.ExecContext(ctx, `SELECT setval(pg_get_serial_sequence('viewers', 'id'), (SELECT MAX(id) FROM viewers))`); err != nil {
			return sh, fmt.Errorf("bench analytics: sequence: %w", err)
		}
	}
	return sh, nil
}

func skuOf(ctx context.Context, store *db.DB, tenant int64) (map[int64]int64, error) {
	var rows []struct {
		ID      int64 `db:"id"`
		Product int64 `db:"product_id"`
	}
	if err := store.SelectContext(ctx, &rows, `SELECT id, product_id FROM product_skus WHERE tenant_id = ?`, tenant); err != nil {
		return nil, err
	}
	out := map[int64]int64{}
	for _, r := range rows {
		out[r.Product] = r.ID
	}
	return out, nil
}

// generateEvents makes n events of the show in time order: a join and watch-time
// bookings every 30 seconds per viewer (most of the volume, as in a real show), likes,
// comments, gifts, product views with time on them, and checkouts.
func generateEvents(sh anaShow, tenant int64, n int, seed uint64) []eventlog.Event {
	rng := rand.New(rand.NewPCG(seed, 13))
	out := make([]eventlog.Event, 0, n)
	end := sh.start + showLength.Milliseconds()
	for len(out) < n {
		v := sh.viewers[rng.IntN(len(sh.viewers))]
		at := sh.start + rng.Int64N(showLength.Milliseconds()*9/10)
		e := eventlog.Event{TenantID: tenant, SessionID: sh.sessionID, ViewerID: v, At: at}
		j := e
		j.Kind, j.Amount, j.Aux, j.EntryLinkID = eventlog.KindJoin, 1, 1, sh.links[rng.IntN(len(sh.links))]
		out = append(out, j)
		stay := min(int64(rng.ExpFloat64()*20*60_000), end-at)
		for t := at + 30_000; t <= at+stay && len(out) < n; t += 30_000 {
			w := e
			w.At, w.Kind, w.Amount = t, eventlog.KindWatch, 30_000
			out = append(out, w)
			switch r := rng.IntN(100); {
			case r < 15:
				w.Kind, w.Amount = eventlog.KindLike, 1+rng.Int64N(30)
				out = append(out, w)
			case r < 20:
				w.Kind, w.Amount = eventlog.KindComment, 1
				out = append(out, w)
			case r < 23:
				p := rng.IntN(len(sh.products))
				w.Kind, w.RefID, w.Amount, w.Aux = eventlog.KindView, sh.products[p], sh.prices[p], rng.Int64N(500)
				out = append(out, w)
				w.Kind, w.Amount, w.Aux, w.At = eventlog.KindLeave, rng.Int64N(90_000), 0, t+5_000
				out = append(out, w)
				if rng.IntN(4) == 0 {
					w.Kind, w.Amount = eventlog.KindCheckout, sh.prices[p]
					out = append(out, w)
				}
			case r == 23:
				w.Kind, w.Amount, w.Aux = eventlog.KindGift, 100*(1+rng.Int64N(50)), 1
				out = append(out, w)
			}
		}
	}
	out = out[:n]
	// Recorded as they happen: in time order (the log sorts each flush anyway).
	slices.SortStableFunc(out, func(a, b eventlog.Event) int { return cmp.Compare(a.At, b.At) })
	return out
}
