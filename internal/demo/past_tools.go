package demo

import (
	"fmt"

	"github.com/siyu-live/siyu/internal/commerce"
	"github.com/siyu-live/siyu/internal/promo"
	"github.com/siyu-live/siyu/internal/promo/assist"
	"github.com/siyu-live/siyu/internal/promo/coupon"
	"github.com/siyu-live/siyu/internal/promo/flashsale"
	"github.com/siyu-live/siyu/internal/promo/groupbuy"
)

// Names of the demo products the past session's tools sell.
const (
	coatName  = "羊绒混纺大衣"
	shirtName = "真丝衬衫"
	scarfName = "羊毛针织围巾"
)

// showcaseOrders: the 满299减50 coupon is issued and claimed, and three viewers buy from
// the showcase and pay, one of them with the coupon.
func (r *pastRun) showcaseOrders(t tools) error {
	v := r.viewers
	var claim int64
	if t.coupons != nil {
		c, err := t.coupons.Issue(r.ctx, r.host, r.session, coupon.Input{Name: "直播间专享 满299减50", Discount: 5000,
			MinSpend: 29900, Quantity: 200, ValidMinutes: 7 * 1440})
		if err != nil {
			return fmt.Errorf("demo: coupon: %w", err)
		}
		for i, viewer := range v[:4] {
			cl, err := t.coupons.Claim(r.ctx, viewer, c.ID)
			if err != nil {
				return fmt.Errorf("demo: claim coupon: %w", err)
			}
			if i == 0 {
				claim = cl.ID
			}
		}
	}
	for i, line := range []commerce.LineInput{
		{ProductID: r.product[coatName].ID, SKUID: r.sku(coatName, "驼色 M"), Quantity: 1},
		{ProductID: r.product[shirtName].ID, SKUID: r.sku(shirtName, "珍珠白 M"), Quantity: 1},
		{ProductID: r.product[scarfName].ID, Quantity: 2},
	} {
		a := address(v[i])
		in := commerce.OrderInput{Lines: []commerce.LineInput{line}, Address: &a}
		if i == 0 {
			in.CouponClaimID = claim
		}
		o, err := r.cs.PlaceOrder(r.ctx, buyer(v[i]), r.session, in)
		if err != nil {
			return fmt.Errorf("demo: showcase order: %w", err)
		}
		if err := r.pay(v[i], o.ID); err != nil {
			return err
		}
	}
	return nil
}

// flashSale: 20 scarves at ¥49, one each; six viewers buy, four pay, the host ends it.
func (r *pastRun) flashSale(t tools) error {
	if t.flash == nil {
		return nil
	}
	t.flash.Start(r.ctx) // purchases commit through its writer; Start is idempotent
	f, err := t.flash.Launch(r.ctx, r.host, r.session, flashsale.Input{ProductID: r.product[scarfName].ID, Price: 4900,
		Stock: 20, PerUserLimit: 1})
	if err != nil {
		return fmt.Errorf("demo: flash sale: %w", err)
	}
	for i, v := range r.viewers[:6] {
		res, err := t.flash.Buy(r.ctx, v, f.ID, 1)
		if err != nil {
			return fmt.Errorf("demo: flash sale purchase: %w", err)
		}
		if i < 4 {
			if err := r.pay(v, res.OrderID); err != nil {
				return err
			}
		}
	}
	if _, err := t.flash.End(r.ctx, r.host, f.ID); err != nil {
		return fmt.Errorf("demo: end flash sale: %w", err)
	}
	return nil
}

// envelope: ¥88.88 in 10 lucky shares; seven viewers grab, the rest is refunded.
func (r *pastRun) envelope(t tools) error {
	t.promo.Start(r.ctx) // grabs commit through its writer; Start is idempotent
	e, err := t.promo.CreateEnvelope(r.ctx, r.host, r.session, promo.EnvelopeInput{Total: 8888, Count: 10,
		Mode: promo.ModeRandom, Message: "感谢大家来看直播！"})
	if err != nil {
		return fmt.Errorf("demo: red envelope: %w", err)
	}
	for _, v := range r.viewers[:7] {
		if _, err := t.promo.Grab(r.ctx, v, e.ID); err != nil {
			return fmt.Errorf("demo: grab: %w", err)
		}
	}
	if _, err := t.promo.Expire(r.ctx, e.ID); err != nil {
		return fmt.Errorf("demo: expire red envelope: %w", err)
	}
	return nil
}

// lottery: two scarves among everyone; drawn, and the first winner gives an address.
func (r *pastRun) lottery(t tools) error {
	l, err := t.promo.CreateLottery(r.ctx, r.host, r.session, promo.LotteryInput{Prize: "羊毛针织围巾 1 条", Winners: 2,
		Condition: promo.ConditionNone})
	if err != nil {
		return fmt.Errorf("demo: lottery: %w", err)
	}
	byID := map[int64]promo.Viewer{}
	for _, v := range r.viewers {
		byID[v.ID] = v
		if _, _, err := t.promo.EnterLottery(r.ctx, v, l.ID, promo.EntryInput{}); err != nil {
			return fmt.Errorf("demo: enter lottery: %w", err)
		}
	}
	if _, err := t.promo.Draw(r.ctx, l.ID); err != nil {
		return fmt.Errorf("demo: draw: %w", err)
	}
	winners, err := t.promo.LotteryWinners(r.ctx, r.host, l.ID)
	if err != nil || len(winners) == 0 {
		return fmt.Errorf("demo: winners: %v (%d)", err, len(winners))
	}
	w := byID[winners[0].ViewerID]
	if _, err := t.promo.SetDelivery(r.ctx, w, winners[0].PrizeID, promo.DeliveryInput{Name: w.Nickname,
		Phone: "13912345678", Address: "浙江省杭州市西湖区文三路 90 号 3 幢 501"}); err != nil {
		return fmt.Errorf("demo: prize delivery: %w", err)
	}
	return nil
}

// groupBuy: shirts at ¥239 for two; one group completes (both paid), another is still
// forming when the offer closes.
func (r *pastRun) groupBuy(t tools) error {
	if t.groups == nil {
		return nil
	}
	g, err := t.groups.Launch(r.ctx, r.host, r.session, groupbuy.Input{ProductID: r.product[shirtName].ID,
		SKUID: r.sku(shirtName, "雾霾蓝 M"), Price: 23900, GroupSize: 2, TimeLimitSeconds: 24 * 3600})
	if err != nil {
		return fmt.Errorf("demo: group buy: %w", err)
	}
	v := r.viewers
	led, err := t.groups.Start(r.ctx, v[4], g.ID)
	if err != nil {
		return fmt.Errorf("demo: start group: %w", err)
	}
	joined, err := t.groups.Join(r.ctx, v[5], led.Group.ID)
	if err != nil {
		return fmt.Errorf("demo: join group: %w", err)
	}
	for _, m := range []struct {
		v     promo.Viewer
		order int64
	}{{v[4], led.OrderID}, {v[5], joined.OrderID}} {
		if err := r.pay(m.v, m.order); err != nil {
			return err
		}
	}
	if _, err := t.groups.Start(r.ctx, v[6], g.ID); err != nil {
		return fmt.Errorf("demo: second group: %w", err)
	}
	if _, err := t.groups.Close(r.ctx, r.host, g.ID); err != nil {
		return fmt.Errorf("demo: close group buy: %w", err)
	}
	return nil
}

// assist: the scarf at ¥59 with two friends' help; one campaign unlocks, another is
// still collecting when the offer closes.
func (r *pastRun) assist(t tools) error {
	if t.assists == nil {
		return nil
	}
	a, err := t.assists.Launch(r.ctx, r.host, r.session, assist.Input{ProductID: r.product[scarfName].ID, Price: 5900,
		HelpersNeeded: 2, TimeLimitSeconds: 24 * 3600})
	if err != nil {
		return fmt.Errorf("demo: assist: %w", err)
	}
	v := r.viewers
	c, _, err := t.assists.StartCampaign(r.ctx, v[7], a.ID)
	if err != nil {
		return fmt.Errorf("demo: assist campaign: %w", err)
	}
	for _, friend := range v[1:3] {
		if _, err := t.assists.Help(r.ctx, friend, c.Code); err != nil {
			return fmt.Errorf("demo: help: %w", err)
		}
	}
	if _, _, err := t.assists.StartCampaign(r.ctx, v[3], a.ID); err != nil {
		return fmt.Errorf("demo: second campaign: %w", err)
	}
	if _, err := t.assists.Close(r.ctx, r.host, a.ID); err != nil {
		return fmt.Errorf("demo: close assist: %w", err)
	}
	return nil
}
