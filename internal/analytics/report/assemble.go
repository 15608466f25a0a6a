package report

import (
	"cmp"
	"slices"
	"time"
)

// watchBuckets are the watch-time distribution's bounds in seconds.
var watchBuckets = []WatchBucket{
	{Label: "<1m", MinSeconds: 0, MaxSeconds: 60}, {Label: "1-3m", MinSeconds: 60, MaxSeconds: 180},
	{Label: "3-5m", MinSeconds: 180, MaxSeconds: 300}, {Label: "5-10m", MinSeconds: 300, MaxSeconds: 600},
	{Label: "10-30m", MinSeconds: 600, MaxSeconds: 1800}, {Label: "30-60m", MinSeconds: 1800, MaxSeconds: 3600},
	{Label: ">=60m", MinSeconds: 3600},
}

func ratio(a, b int64) float64 {
	if b == 0 {
		return 0
	}
	return float64(a) / float64(b)
}

func msTime(ms int64) time.Time {
	if ms <= 0 {
		return time.Time{}
	}
	return time.UnixMilli(ms).UTC()
}

// assemble turns the computation into the report (all but the comparison).
func (c *computer) assemble(presence []presenceRow, orders []orderRow, links map[int64]linkRow,
	vc map[int64]viewerCustomer, info map[int64]productRow) Report {
	s := c.s
	r := Report{SessionID: s.ID, Title: s.Title, Status: s.Status, StartedAt: msTime(s.StartedAt), EndedAt: msTime(s.EndedAt),
		Events: c.events, Viewers: int64(len(presence)), PeakOnline: s.Peak, Comments: s.Comments}
	for _, p := range presence {
		r.Likes += p.Likes // viewers' likes as booked per viewer (exact at the end; staff likes aside)
	}
	if s.StartedAt > 0 {
		r.DurationSeconds = max(c.end-s.StartedAt, 0) / 1000
	}
	c.consumption(&r, orders)
	c.funnel(&r)
	c.viewing(&r, presence)
	c.engagement(&r)
	for _, p := range presence {
		if cu, ok := vc[p.ViewerID]; ok {
			r.Audience.Known++
			if cu.Returning {
				r.Audience.Returning++
			}
		}
	}
	r.Audience.New = r.Viewers - r.Audience.Returning
	r.Audience.Guests = r.Viewers - r.Audience.Known
	conv, non := groups(presence, orders, vc)
	r.Customers = CustomerLists{Converted: group(conv), NonConverted: group(non)}
	r.Products = c.productList(info)
	r.Attribution = c.attribution(orders, links)
	return r
}

func (c *computer) consumption(r *Report, orders []orderRow) {
	cs := &r.Consumption
	buyers, paidBuyers := map[int64]bool{}, map[int64]bool{}
	bySource := map[string]*SourceSales{}
	for _, o := range orders {
		cs.Orders++
		cs.GMV += o.Total
		buyers[o.ViewerID] = true
		src := bySource[o.Source]
		if src == nil {
			src = &SourceSales{Source: o.Source}
			bySource[o.Source] = src
		}
		src.Orders++
		src.GMV += o.Total
		switch {
		case o.paid():
			cs.PaidOrders++
			cs.PaidAmount += o.Total
			paidBuyers[o.ViewerID] = true
			src.PaidOrders++
			src.PaidAmount += o.Total
		case o.Status == "cancelled":
			cs.CancelledOrders++
		case o.Status == "refunded":
			cs.RefundedOrders++
			cs.RefundedAmount += o.Total
		}
	}
	cs.Buyers, cs.PaidBuyers = int64(len(buyers)), int64(len(paidBuyers))
	if cs.Orders > 0 {
		cs.AvgOrderValue = cs.GMV / cs.Orders
	}
	cs.BySource = make([]SourceSales, 0, len(bySource))
	for _, src := range bySource {
		cs.BySource = append(cs.BySource, *src)
	}
	slices.SortFunc(cs.BySource, func(a, b SourceSales) int {
		if x := cmp.Compare(b.GMV, a.GMV); x != 0 {
			return x
		}
		return cmp.Compare(a.Source, b.Source)
	})
	r.Orders, r.GMV, r.PaidOrders, r.PaidAmount = cs.Orders, cs.GMV, cs.PaidOrders, cs.PaidAmount
}

// funnel places every viewer who entered at the furthest stage reached; a stage counts
// its own and every later one's viewers.
func (c *computer) funnel(r *Report) {
	names := []string{StageEntered, StageStayed, StageViewed, StageCheckout, StagePaid}
	reached := make([]int64, len(names))
	for _, v := range c.viewers {
		if !v.entered {
			continue
		}
		stage := 0
		switch {
		case v.paid:
			stage = 4
		case v.checkout || v.ordered:
			stage = 3
		case v.viewed:
			stage = 2
		case v.watchMs >= 60_000:
			stage = 1
		}
		for k := 0; k <= stage; k++ {
			reached[k]++
		}
	}
	r.Funnel = make([]Stage, len(names))
	for i, n := range names {
		st := Stage{Stage: n, Count: reached[i], Rate: 1}
		if i > 0 {
			prev := reached[i-1]
			st.Rate = ratio(reached[i], prev)
			st.DropOff = prev - reached[i]
			st.DropOffRate = ratio(st.DropOff, prev)
		}
		r.Funnel[i] = st
	}
	r.Consumption.Conversion = ratio(reached[4], reached[0])
}

func (c *computer) viewing(r *Report, presence []presenceRow) {
	v := &r.Viewing
	v.Distribution = slices.Clone(watchBuckets)
	secs := make([]int64, 0, len(presence))
	var total int64
	for _, p := range presence {
		s := p.WatchMs / 1000
		secs = append(secs, s)
		total += p.WatchMs
		for i := range v.Distribution {
			b := &v.Distribution[i]
			if s >= b.MinSeconds && (b.MaxSeconds == 0 || s < b.MaxSeconds) {
				b.Viewers++
				break
			}
		}
	}
	v.TotalWatchSeconds = total / 1000
	if len(secs) > 0 {
		v.AvgWatchSeconds = total / int64(len(secs)) / 1000
		slices.Sort(secs)
		v.MedianWatchSeconds = secs[len(secs)/2]
	}
	v.Retention = make([]MinuteCount, c.minutes)
	for m, n := range c.retention {
		v.Retention[m] = MinuteCount{Minute: m, Viewers: n}
	}
}

func (c *computer) engagement(r *Report) {
	e := &r.Engagement
	s := c.s
	e.Comments, e.Likes, e.GiftValue, e.Shares, e.Follows = s.Comments, r.Likes, s.GiftValue, s.Shares, s.Follows
	for _, v := range c.viewers {
		e.Gifts += v.gifts
		if !v.entered {
			continue
		}
		if v.comments > 0 {
			e.Commenters++
		}
		if v.likes > 0 {
			e.Likers++
		}
		if v.gifts > 0 {
			e.Gifters++
		}
		if v.comments > 0 || v.likes > 0 || v.gifts > 0 || v.shares > 0 || v.follows > 0 {
			e.EngagedViewers++
		}
	}
	e.EngagementRate = ratio(e.EngagedViewers, r.Viewers)
	e.PerMinute = make([]MinuteEngage, c.minutes)
	for m := range c.engage {
		e.PerMinute[m] = c.engage[m]
		e.PerMinute[m].Minute = m
	}
}

func (c *computer) productList(info map[int64]productRow) []Product {
	type openers struct{ n, nonBuyers, nonBuyerMs int64 }
	op := map[int64]*openers{}
	for k, a := range c.vp {
		o := op[k.product]
		if o == nil {
			o = &openers{}
			op[k.product] = o
		}
		o.n++
		if !a.bought {
			o.nonBuyers++
			o.nonBuyerMs += a.dwellMs
		}
	}
	for id := range info {
		c.product(id)
	}
	out := make([]Product, 0, len(c.products))
	for id, p := range c.products {
		o := op[id]
		if o == nil {
			o = &openers{}
		}
		in := info[id]
		pr := Product{ProductID: id, Name: in.Name, Price: in.Price, StockLeft: in.Stock, Views: p.views, Viewers: o.n,
			Clicks: p.clicks, Orders: p.orders, Units: p.units, GMV: p.gmv, PaidOrders: p.paid, PaidAmount: p.paidAmount,
			Buyers: p.buyers, ViewsWhileSoldOut: p.soldOutViews, PricesSeen: slices.Sorted(slices.Values(p.prices)), Reasons: []string{}}
		pr.Conversion = ratio(o.n-o.nonBuyers, o.n)
		if p.views > 0 {
			pr.AvgViewSeconds = p.dwellMs / p.views / 1000
		}
		if o.nonBuyers > 0 {
			pr.NonBuyerAvgSeconds = o.nonBuyerMs / o.nonBuyers / 1000
			if p.soldOutViews > 0 {
				pr.Reasons = append(pr.Reasons, ReasonSoldOut)
			}
			if pr.NonBuyerAvgSeconds >= LongViewSeconds {
				pr.Reasons = append(pr.Reasons, ReasonLongView)
			}
			if len(p.prices) > 1 {
				pr.Reasons = append(pr.Reasons, ReasonPriceChanged)
			}
		}
		if pr.PricesSeen == nil {
			pr.PricesSeen = []int64{}
		}
		out = append(out, pr)
	}
	slices.SortFunc(out, func(a, b Product) int {
		if x := cmp.Compare(b.GMV, a.GMV); x != 0 {
			return x
		}
		if x := cmp.Compare(b.Views, a.Views); x != 0 {
			return x
		}
		return cmp.Compare(a.ProductID, b.ProductID)
	})
	return out
}

func (c *computer) attribution(orders []orderRow, links map[int64]linkRow) Attribution {
	byLink := map[int64]*Figures{}
	buyers := map[[2]int64]bool{}
	get := func(id int64) *Figures {
		if _, ok := links[id]; !ok {
			id = 0 // direct, or a link of another session
		}
		f := byLink[id]
		if f == nil {
			f = &Figures{}
			byLink[id] = f
		}
		return f
	}
	for _, v := range c.viewers {
		if v.entered {
			get(v.link).Viewers++
		}
	}
	for _, o := range orders {
		f := get(o.EntryLink)
		f.Orders++
		f.GMV += o.Total
		if o.paid() {
			f.PaidOrders++
			f.PaidAmount += o.Total
		}
		if k := [2]int64{o.EntryLink, o.ViewerID}; !buyers[k] {
			buyers[k] = true
			f.Buyers++
		}
	}
	a := Attribution{Links: []LinkFigures{}}
	byChannel := map[string]*Figures{}
	add := func(ch string, f Figures) {
		x := byChannel[ch]
		if x == nil {
			x = &Figures{}
			byChannel[ch] = x
		}
		x.Viewers += f.Viewers
		x.Buyers += f.Buyers
		x.Orders += f.Orders
		x.GMV += f.GMV
		x.PaidOrders += f.PaidOrders
		x.PaidAmount += f.PaidAmount
	}
	for id, l := range links {
		f := byLink[id]
		if f == nil {
			f = &Figures{}
		}
		a.Links = append(a.Links, LinkFigures{EntryLinkID: id, Code: l.Code, Channel: l.Channel, Label: l.Label, Figures: *f})
		add(l.Channel, *f)
	}
	if f := byLink[0]; f != nil {
		add("direct", *f)
	}
	for ch, f := range byChannel {
		a.Channels = append(a.Channels, ChannelFigures{Channel: ch, Figures: *f})
	}
	slices.SortFunc(a.Channels, func(x, y ChannelFigures) int {
		if d := cmp.Compare(y.Viewers, x.Viewers); d != 0 {
			return d
		}
		return cmp.Compare(x.Channel, y.Channel)
	})
	slices.SortFunc(a.Links, func(x, y LinkFigures) int {
		if d := cmp.Compare(y.Viewers, x.Viewers); d != 0 {
			return d
		}
		return cmp.Compare(x.EntryLinkID, y.EntryLinkID)
	})
	if a.Channels == nil {
		a.Channels = []ChannelFigures{}
	}
	return a
}
