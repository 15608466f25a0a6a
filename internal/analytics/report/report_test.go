package report_test

import (
	"bytes"
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/siyu-live/siyu/internal/analytics/eventlog"
	"github.com/siyu-live/siyu/internal/analytics/report"
	"github.com/siyu-live/siyu/internal/db"
	"github.com/siyu-live/siyu/internal/db/dbtest"
	"github.com/siyu-live/siyu/internal/org"
)

// fixture writes rows as the other domains would have.
type fixture struct {
	t      *testing.T
	store  *db.DB
	tenant int64
	host   int64
	n      int
}

func (f *fixture) insert(q string, args ...any) int64 {
	f.t.Helper()
	id, err := db.Insert(context.Background(), f.store, q, args...)
	if err != nil {
		f.t.Fatal(err)
	}
	return id
}

func (f *fixture) exec(q string, args ...any) {
	f.t.Helper()
	if _, err := f.store.ExecContext(context.Background(), q, args...); err != nil {
		f.t.Fatal(err)
	}
}

func (f *fixture) session(title string, start, end time.Time) int64 {
	return f.insert(`INSERT INTO live_sessions (tenant_id, host_id, title, status, started_at, ended_at, peak_online, created_at, updated_at)
		VALUES (?, ?, ?, 'ended', ?, ?, 3, ?, ?)`, f.tenant, f.host, title, start.UnixMilli(), end.UnixMilli(), start.UnixMilli(), start.UnixMilli())
}

// viewer adds a viewer who entered the session and watched for watch; customer (0 for a
// guest) is the profile the CRM linked.
func (f *fixture) viewer(session, link int64, joined time.Time, watch time.Duration, customer int64) int64 {
	f.n++
	v := f.insert(`INSERT INTO viewers (tenant_id, session_id, nickname, token_hash, entry_link_id, created_at) VALUES (?, ?, 'v', ?, ?, ?)`,
		f.tenant, session, fmt.Sprintf("t-%d", f.n), link, joined.UnixMilli())
	f.exec(`INSERT INTO room_presence (tenant_id, session_id, viewer_id, entry_link_id, first_joined_at, last_seen_at, watch_ms, likes)
		VALUES (?, ?, ?, ?, ?, ?, ?, 2)`, f.tenant, session, v, link, joined.UnixMilli(), joined.Add(watch).UnixMilli(), watch.Milliseconds())
	if customer > 0 {
		f.exec(`INSERT INTO customer_identities (tenant_id, kind, value, customer_id, ref_id, created_at) VALUES (?, 'viewer', ?, ?, ?, ?)`,
			f.tenant, fmt.Sprint(v), customer, v, joined.UnixMilli())
	}
	return v
}

func (f *fixture) order(session, viewer, product, sku, total int64, status string, at time.Time) {
	paid := int64(0)
	if status == "paid" {
		paid = at.UnixMilli()
	}
	o := f.insert(`INSERT INTO orders (tenant_id, session_id, viewer_id, status, total_fen, source, created_at, updated_at, paid_at)
		VALUES (?, ?, ?, ?, ?, 'showcase', ?, ?, ?)`, f.tenant, session, viewer, status, total, at.UnixMilli(), at.UnixMilli(), paid)
	f.exec(`INSERT INTO order_lines (tenant_id, order_id, product_id, sku_id, name, unit_price_fen, quantity) VALUES (?, ?, ?, ?, '茶', ?, 1)`,
		f.tenant, o, product, sku, total)
}

// The report splits new from returning viewers, compares the show with the brand's
// earlier one, spreads watch time into buckets and minutes, and names a price change
// as the likely reason a viewer did not buy.
func TestReportSections(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, store *db.DB) {
		ctx := context.Background()
		res, err := org.NewService(store, org.Options{Password: org.PasswordParams{Memory: 1024, Time: 1, Threads: 1}}).Signup(ctx,
			org.SignupInput{Name: "Tea", OwnerEmail: "o@tea.test", OwnerPassword: "password-123"})
		if err != nil {
			t.Fatal(err)
		}
		f := &fixture{t: t, store: store, tenant: res.Tenant.ID, host: res.User.ID}
		start := time.Date(2026, 12, 8, 19, 0, 0, 0, time.UTC)
		product := f.insert(`INSERT INTO products (tenant_id, name, created_at, updated_at) VALUES (?, '龙井', ?, ?)`, f.tenant, 0, 0)
		sku := f.insert(`INSERT INTO product_skus (tenant_id, product_id, name, price_fen, stock, created_at) VALUES (?, ?, '默认', 800, 5, 0)`,
			f.tenant, product)
		c1 := f.insert(`INSERT INTO customers (tenant_id, name, created_at, updated_at) VALUES (?, '老王', 0, 0)`, f.tenant)
		c2 := f.insert(`INSERT INTO customers (tenant_id, name, created_at, updated_at) VALUES (?, '小李', 0, 0)`, f.tenant)

		past := f.session("上周", start.Add(-7*24*time.Hour), start.Add(-7*24*time.Hour+time.Hour))
		pv := f.viewer(past, 0, start.Add(-7*24*time.Hour), 10*time.Minute, 0)
		f.viewer(past, 0, start.Add(-7*24*time.Hour), 20*time.Minute, 0)
		f.order(past, pv, product, sku, 1000, "paid", start.Add(-7*24*time.Hour))
		f.exec(`INSERT INTO customer_sessions (tenant_id, customer_id, session_id, first_joined_at) VALUES (?, ?, ?, ?)`,
			f.tenant, c1, past, start.Add(-7*24*time.Hour).UnixMilli())

		sid := f.session("本周", start, start.Add(time.Hour))
		link := f.insert(`INSERT INTO entry_links (tenant_id, session_id, channel, code, label, created_at) VALUES (?, ?, 'sharer', 'abcdefgh', '小美分享', 0)`,
			f.tenant, sid)
		v1 := f.viewer(sid, link, start.Add(time.Minute), 45*time.Minute, c1) // returning, buys
		v2 := f.viewer(sid, 0, start.Add(2*time.Minute), 5*time.Minute, c2)   // new, hesitates
		v3 := f.viewer(sid, 0, start.Add(3*time.Minute), 30*time.Second, 0)   // a guest passing by
		f.order(sid, v1, product, sku, 1000, "paid", start.Add(10*time.Minute))

		evs := []eventlog.Event{
			{At: start.Add(time.Minute).UnixMilli(), Kind: eventlog.KindJoin, ViewerID: v1, Amount: 1, Aux: 1},
			{At: start.Add(4 * time.Minute).UnixMilli(), Kind: eventlog.KindWatch, ViewerID: v1, Amount: 3 * 60_000},
			{At: start.Add(3 * time.Minute).UnixMilli(), Kind: eventlog.KindJoin, ViewerID: v3, Amount: 1, Aux: 1},
			{At: start.Add(5 * time.Minute).UnixMilli(), Kind: eventlog.KindView, ViewerID: v1, RefID: product, Amount: 1000, Aux: 5},
			{At: start.Add(6 * time.Minute).UnixMilli(), Kind: eventlog.KindView, ViewerID: v2, RefID: product, Amount: 800, Aux: 5},
			{At: start.Add(6 * time.Minute).UnixMilli(), Kind: eventlog.KindLeave, ViewerID: v2, RefID: product, Amount: 20_000},
			{At: start.Add(7 * time.Minute).UnixMilli(), Kind: eventlog.KindComment, ViewerID: v2, Amount: 2},
		}
		for i := range evs {
			evs[i].TenantID, evs[i].SessionID = f.tenant, sid
		}
		l := eventlog.New(store, eventlog.Options{})
		l.Add(evs...)
		if err := l.Flush(ctx); err != nil {
			t.Fatal(err)
		}
		s, err := report.LoadSession(ctx, store, f.tenant, sid)
		if err != nil {
			t.Fatal(err)
		}
		r, _, err := report.Compute(ctx, store, s, start.Add(2*time.Hour))
		if err != nil {
			t.Fatal(err)
		}
		if r.Audience != (report.Audience{New: 2, Returning: 1, Known: 2, Guests: 1}) {
			t.Errorf("audience %+v", r.Audience)
		}
		if r.Viewing.AvgWatchSeconds != (45*60+5*60+30)/3 || r.Viewing.MedianWatchSeconds != 300 {
			t.Errorf("watch avg %d median %d", r.Viewing.AvgWatchSeconds, r.Viewing.MedianWatchSeconds)
		}
		buckets := map[string]int64{}
		for _, b := range r.Viewing.Distribution {
			buckets[b.Label] = b.Viewers
		}
		if buckets["<1m"] != 1 || buckets["5-10m"] != 1 || buckets["30-60m"] != 1 {
			t.Errorf("distribution %v", buckets)
		}
		if len(r.Viewing.Retention) != 60 || r.Viewing.Retention[1].Viewers != 1 || r.Viewing.Retention[3].Viewers != 2 || r.Viewing.Retention[5].Viewers != 0 {
			t.Errorf("retention %+v", r.Viewing.Retention[:6])
		}
		if len(r.Products) != 1 || !slices.Equal(r.Products[0].PricesSeen, []int64{800, 1000}) ||
			!slices.Equal(r.Products[0].Reasons, []string{report.ReasonPriceChanged}) || r.Products[0].Conversion != 0.5 {
			t.Errorf("product %+v", r.Products)
		}
		if c := r.Comparison; len(c.Sessions) != 1 || c.Sessions[0].Viewers != 2 || c.Average.GMV != 1000 || *c.Change.Viewers != 0.5 {
			t.Errorf("comparison %+v", c)
		}
		if r.Customers.Converted.Count != 1 || r.Customers.Converted.CustomerIDs[0] != c1 ||
			r.Customers.NonConverted.Count != 1 || r.Customers.NonConverted.CustomerIDs[0] != c2 {
			t.Errorf("customers %+v", r.Customers)
		}
		if len(r.Attribution.Links) != 1 || r.Attribution.Links[0].Label != "小美分享" || r.Attribution.Links[0].PaidAmount != 1000 {
			t.Errorf("links %+v", r.Attribution.Links)
		}
		if r.Engagement.Commenters != 1 || r.Engagement.Likers != 3 || r.Engagement.PerMinute[7].Comments != 2 {
			t.Errorf("engagement %+v", r.Engagement)
		}
		conv, non, err := report.CustomerGroups(ctx, store, s)
		if err != nil {
			t.Fatal(err)
		}
		var x bytes.Buffer
		if err := report.WriteXLSX(&x, r, conv, non, time.UTC); err != nil || !bytes.HasPrefix(x.Bytes(), []byte("PK")) {
			t.Fatalf("excel: %v", err)
		}
	})
}
