package report

import (
	"context"
	"slices"
	"time"

	"github.com/siyu-live/siyu/internal/analytics/eventlog"
	"github.com/siyu-live/siyu/internal/db"
)

// maxMinutes bounds the per-minute curves (a day).
const maxMinutes = 24 * 60

// maxLeaveMs caps the time one product view may count (a phone left open on a card).
const maxLeaveMs = 30 * 60_000

// viewerAgg is what the report learns about one viewer account.
type viewerAgg struct {
	entered  bool
	link     int64
	watchMs  int64
	likes    int64 // presence (exact)
	comments int64 // the rest from the log
	gifts    int64
	shares   int64
	follows  int64
	viewed   bool
	checkout bool
	ordered  bool
	paid     bool
	lastMin  int32  // retention: the latest minute marked
	bits     uint64 // retention: minutes lastMin-63…lastMin already marked
}

// mark counts the viewer present in minute m once, however many events say so (exact
// for events up to an hour out of order, which the log never is).
func (v *viewerAgg) mark(m int32, counts []int64) {
	switch {
	case m > v.lastMin:
		if d := m - v.lastMin; d >= 64 {
			v.bits = 0
		} else {
			v.bits <<= uint(d)
		}
		v.bits |= 1
		v.lastMin = m
		counts[m]++
	case v.lastMin-m < 64:
		if bit := uint64(1) << uint(v.lastMin-m); v.bits&bit == 0 {
			v.bits |= bit
			counts[m]++
		}
	default:
		counts[m]++
	}
}

// productAgg is what the report learns about one product.
type productAgg struct {
	views, clicks, soldOutViews, dwellMs int64
	prices                               []int64
	orders, units, gmv, paid, paidAmount int64
	buyers                               int64 // distinct viewers who paid for it
}

type viewerProduct struct{ viewer, product int64 }

type viewerProductAgg struct {
	dwellMs int64
	bought  bool
}

// computer carries one computation.
type computer struct {
	s          Session
	start, end int64 // unix ms of minute 0 and of the end of the show
	minutes    int
	viewers    map[int64]*viewerAgg
	products   map[int64]*productAgg
	vp         map[viewerProduct]*viewerProductAgg
	retention  []int64
	engage     []MinuteEngage
	events     int64
}

func (c *computer) viewer(id int64) *viewerAgg {
	v := c.viewers[id]
	if v == nil {
		v = &viewerAgg{lastMin: -1}
		c.viewers[id] = v
	}
	return v
}

func (c *computer) product(id int64) *productAgg {
	p := c.products[id]
	if p == nil {
		p = &productAgg{}
		c.products[id] = p
	}
	return p
}

func (c *computer) minute(at int64) (int32, bool) {
	if at < c.start {
		return 0, false
	}
	m := (at - c.start) / 60_000
	if m >= int64(c.minutes) {
		return 0, false
	}
	return int32(m), true
}

// observe applies one event of the log.
func (c *computer) observe(e *eventlog.Event) {
	c.events++
	switch e.Kind {
	case eventlog.KindJoin:
		if m, ok := c.minute(e.At); ok {
			c.viewer(e.ViewerID).mark(m, c.retention)
		}
	case eventlog.KindWatch:
		m1, ok1 := c.minute(max(e.At-e.Amount, c.start))
		m2, ok2 := c.minute(min(e.At, c.end-1))
		if ok1 && ok2 {
			v := c.viewer(e.ViewerID)
			for m := m1; m <= m2; m++ {
				v.mark(m, c.retention)
			}
		}
	case eventlog.KindComment:
		c.viewer(e.ViewerID).comments += e.Amount
		if m, ok := c.minute(e.At); ok {
			c.engage[m].Comments += e.Amount
		}
	case eventlog.KindLike:
		if m, ok := c.minute(e.At); ok {
			c.engage[m].Likes += e.Amount
		}
	case eventlog.KindGift:
		c.viewer(e.ViewerID).gifts += e.Aux
		if m, ok := c.minute(e.At); ok {
			c.engage[m].Gifts += e.Aux
		}
	case eventlog.KindShare:
		c.viewer(e.ViewerID).shares += e.Amount
	case eventlog.KindFollow:
		c.viewer(e.ViewerID).follows += e.Amount
	case eventlog.KindView:
		c.viewer(e.ViewerID).viewed = true
		p := c.product(e.RefID)
		p.views++
		if e.Aux <= 0 {
			p.soldOutViews++
		}
		if e.Amount > 0 && !slices.Contains(p.prices, e.Amount) && len(p.prices) < 20 {
			p.prices = append(p.prices, e.Amount)
		}
		c.viewerProduct(e.ViewerID, e.RefID)
	case eventlog.KindLeave:
		d := min(max(e.Amount, 0), maxLeaveMs)
		c.product(e.RefID).dwellMs += d
		c.viewerProduct(e.ViewerID, e.RefID).dwellMs += d
	case eventlog.KindCheckout:
		c.viewer(e.ViewerID).checkout = true
		c.product(e.RefID).clicks++
	}
}

func (c *computer) viewerProduct(v, p int64) *viewerProductAgg {
	k := viewerProduct{v, p}
	a := c.vp[k]
	if a == nil {
		a = &viewerProductAgg{}
		c.vp[k] = a
	}
	return a
}

// Compute makes the report of s from every source, reading the event log once; it
// returns the id of the last segment read (the report's watermark).
func Compute(ctx context.Context, q db.Querier, s Session, now time.Time) (Report, int64, error) {
	presence, err := loadPresence(ctx, q, s.TenantID, s.ID)
	if err != nil {
		return Report{}, 0, err
	}
	orders, err := loadOrders(ctx, q, s.TenantID, s.ID)
	if err != nil {
		return Report{}, 0, err
	}
	lines, err := loadLines(ctx, q, s.TenantID, s.ID)
	if err != nil {
		return Report{}, 0, err
	}
	links, err := loadLinks(ctx, q, s.TenantID, s.ID)
	if err != nil {
		return Report{}, 0, err
	}
	vc, err := loadViewerCustomers(ctx, q, s.TenantID, s.ID, startOf(s))
	if err != nil {
		return Report{}, 0, err
	}
	c := &computer{s: s, start: startOf(s), end: s.EndedAt, viewers: make(map[int64]*viewerAgg, len(presence)),
		products: map[int64]*productAgg{}, vp: map[viewerProduct]*viewerProductAgg{}}
	if c.end <= 0 || s.Status != "ended" {
		c.end = now.UnixMilli()
	}
	c.minutes = int(min(max((c.end-c.start+59_999)/60_000, 0), maxMinutes))
	c.retention = make([]int64, c.minutes)
	c.engage = make([]MinuteEngage, c.minutes)
	for _, p := range presence {
		v := c.viewer(p.ViewerID)
		v.entered, v.link, v.watchMs, v.likes = true, p.EntryLink, p.WatchMs, p.Likes
	}
	for _, o := range orders {
		v := c.viewer(o.ViewerID)
		v.ordered = true
		v.paid = v.paid || o.paid()
	}
	last, err := eventlog.Scan(ctx, q, s.TenantID, s.ID, 0, func(evs []eventlog.Event) error {
		for i := range evs {
			c.observe(&evs[i])
		}
		return ctx.Err()
	})
	if err != nil {
		return Report{}, 0, err
	}
	c.orderProducts(orders, lines)
	var ids []int64
	for id := range c.products {
		ids = append(ids, id)
	}
	info, err := loadProducts(ctx, q, s.TenantID, s.ID, ids)
	if err != nil {
		return Report{}, 0, err
	}
	r := c.assemble(presence, orders, links, vc, info)
	r.ComputedAt = now.UTC()
	if r.Comparison, err = compare(ctx, q, s, r); err != nil {
		return Report{}, 0, err
	}
	return r, last, nil
}

// orderProducts books the order lines on their products and marks which viewers
// bought which products.
func (c *computer) orderProducts(orders []orderRow, lines []lineRow) {
	byID := make(map[int64]*orderRow, len(orders))
	for i := range orders {
		byID[orders[i].ID] = &orders[i]
	}
	seen := map[[2]int64]bool{}        // order, product: an order counts once per product
	bought := map[viewerProduct]bool{} // viewer, product paid for
	for _, l := range lines {
		o := byID[l.OrderID]
		if o == nil {
			continue
		}
		p := c.product(l.ProductID)
		first := !seen[[2]int64{o.ID, l.ProductID}]
		seen[[2]int64{o.ID, l.ProductID}] = true
		if first {
			p.orders++
		}
		p.units += l.Quantity
		p.gmv += l.Amount
		if !o.paid() {
			continue
		}
		if first {
			p.paid++
		}
		p.paidAmount += l.Amount
		k := viewerProduct{o.ViewerID, l.ProductID}
		if !bought[k] {
			bought[k] = true
			p.buyers++
		}
		if a := c.vp[k]; a != nil {
			a.bought = true
		}
	}
}
