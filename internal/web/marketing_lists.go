package web

import (
	"context"

	"github.com/siyu-live/siyu/internal/org"
	"github.com/siyu-live/siyu/internal/promo"
	"github.com/siyu-live/siyu/internal/promo/assist"
	"github.com/siyu-live/siyu/internal/promo/coupon"
	"github.com/siyu-live/siyu/internal/promo/flashsale"
	"github.com/siyu-live/siyu/internal/promo/groupbuy"
)

// marketingLists reads the latest of every tool of the tenant and adds up the totals.
// A tool the console was built without lists nothing.
func (c *Console) marketingLists(ctx context.Context, q *rq) (marketingData, error) {
	var d marketingData
	t, p := c.Marketing, q.p
	titles := &sessionTitles{c: c, ctx: ctx, p: p}
	if err := titles.load(q); err != nil {
		return d, err
	}
	if t.FlashSales != nil {
		list, err := t.FlashSales.TenantList(ctx, p, marketingLimit)
		if err != nil {
			return d, err
		}
		for _, f := range list {
			d.FlashSales = append(d.FlashSales, toolRow[flashsale.FlashSale]{Item: f, Session: titles.of(f.SessionID)})
			d.Totals.UnitsSold += f.Sold
		}
	}
	if t.Promo != nil {
		envs, err := t.Promo.TenantEnvelopes(ctx, p, marketingLimit)
		if err != nil {
			return d, err
		}
		for _, e := range envs {
			d.Envelopes = append(d.Envelopes, toolRow[promo.EnvelopeSummary]{Item: e, Session: titles.of(e.SessionID)})
			d.Totals.EnvelopeFen += e.Grabbed
		}
		lots, err := t.Promo.TenantLotteries(ctx, p, marketingLimit)
		if err != nil {
			return d, err
		}
		for _, l := range lots {
			d.Lotteries = append(d.Lotteries, toolRow[promo.TenantLottery]{Item: l, Session: titles.of(l.SessionID)})
			d.Totals.Winners += len(l.WinnerDetails)
		}
	}
	if t.GroupBuys != nil {
		list, err := t.GroupBuys.TenantList(ctx, p, marketingLimit)
		if err != nil {
			return d, err
		}
		for _, g := range list {
			d.GroupBuys = append(d.GroupBuys, toolRow[groupbuy.GroupBuy]{Item: g, Session: titles.of(g.SessionID)})
			d.Totals.GroupsSucceeded += g.GroupsSucceeded
		}
	}
	if t.Assists != nil {
		list, err := t.Assists.TenantList(ctx, p, marketingLimit)
		if err != nil {
			return d, err
		}
		for _, a := range list {
			d.Assists = append(d.Assists, toolRow[assist.Assist]{Item: a, Session: titles.of(a.SessionID)})
			d.Totals.Unlocked += a.Unlocked
		}
	}
	if t.Coupons != nil {
		list, err := t.Coupons.TenantCoupons(ctx, p, marketingLimit)
		if err != nil {
			return d, err
		}
		for _, cp := range list {
			d.Coupons = append(d.Coupons, toolRow[coupon.Coupon]{Item: cp, Session: titles.of(cp.SessionID)})
			d.Totals.CouponsUsed += cp.Used
		}
	}
	return d, nil
}

// sessionTitles names the sessions the tools ran in: the tenant's recent sessions at
// once, an older one by itself when a row needs it.
type sessionTitles struct {
	c     *Console
	ctx   context.Context
	p     org.Principal
	known []sessionOpt
}

func (s *sessionTitles) load(q *rq) error {
	var err error
	s.known, err = s.c.sessions(q)
	return err
}

// of returns the session's id and title; a session that cannot be read keeps its id.
func (s *sessionTitles) of(id int64) sessionOpt {
	if t := sessionTitle(s.known, id); t != "" {
		return sessionOpt{ID: id, Title: t}
	}
	o := sessionOpt{ID: id}
	if s.c.Live != nil {
		if sess, err := s.c.Live.Get(s.ctx, s.p, id); err == nil {
			o.Title = sess.Title
		}
	}
	s.known = append(s.known, o)
	return o
}
