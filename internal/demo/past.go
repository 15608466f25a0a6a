package demo

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/siyu-live/siyu/internal/commerce"
	"github.com/siyu-live/siyu/internal/live"
	"github.com/siyu-live/siyu/internal/org"
	"github.com/siyu-live/siyu/internal/promo"
	"github.com/siyu-live/siyu/internal/promo/assist"
	"github.com/siyu-live/siyu/internal/promo/coupon"
	"github.com/siyu-live/siyu/internal/promo/flashsale"
	"github.com/siyu-live/siyu/internal/promo/groupbuy"
)

// PastTitle is the demo's finished live session, which used every in-room tool so the
// console's orders and 营销工具 pages have something to show. Seeding looks for it by
// title: once it exists (whatever the demo user did to it since), nothing is redone.
const PastTitle = "初秋上新专场 · 回放"

// tools are the in-room tools' services Seed was given. Promo is needed for the past
// session; a tool left nil is simply not used in it.
type tools struct {
	promo   *promo.Service
	flash   *flashsale.Service
	groups  *groupbuy.Service
	assists *assist.Service
	coupons *coupon.Service
}

// DemoViewers are the nicknames of the past session's audience.
var DemoViewers = []string{"林小鹿", "阿May", "橙子不酸", "王姐", "Lily", "大熊", "七七", "糖糖"}

// pastRun is the state of one seeding of the past session.
type pastRun struct {
	ctx     context.Context
	cs      *commerce.Service
	host    org.Principal
	session int64
	viewers []promo.Viewer
	product map[string]commerce.Product // the demo products by name
}

// seedPast creates, once, a live session that already ended, in which the demo
// audience bought from the showcase with a coupon, a flash sale sold out part of its
// units and ended, a red envelope was grabbed and refunded the rest, a lottery was
// drawn (one winner gave delivery details, one has not yet), a group completed and an
// assist was unlocked. It needs the sandbox payment provider to pay the orders and
// skips itself without it, or when the demo products are gone.
func seedPast(ctx context.Context, svc *org.Service, lv *live.Service, cs *commerce.Service, t tools, owner org.User) error {
	p := ownerPrincipal(owner)
	if found, err := hasSession(ctx, lv, p, PastTitle); err != nil || found || cs.Sandbox() == nil {
		return err
	}
	hostUser, err := svc.UserByEmail(ctx, HostEmail)
	if err != nil {
		return fmt.Errorf("demo: host: %w", err)
	}
	r := &pastRun{ctx: ctx, cs: cs, product: map[string]commerce.Product{},
		host: org.Principal{TenantID: hostUser.TenantID, UserID: hostUser.ID, Email: hostUser.Email, Name: hostUser.Name, Role: org.RoleHost}}
	products, _, err := cs.Products(ctx, p, "active", 0, 200)
	if err != nil {
		return fmt.Errorf("demo: products: %w", err)
	}
	for _, prod := range products {
		r.product[prod.Name] = prod
	}
	for _, d := range DemoProducts[:4] {
		if _, ok := r.product[d.Name]; !ok {
			return nil // the demo user removed what the session sold
		}
	}
	// The demo brand is a personal account, which may run one lottery a month by default;
	// the replayed show's lottery would use it up and the demo host could not run the
	// lottery the demo is for. A demo runs many shows, so it allows ten (a tenant
	// setting the owner can change back on the settings page).
	if _, err := svc.UpdateSettings(ctx, p, map[string]json.RawMessage{"personal_lotteries_per_month": json.RawMessage("10")}); err != nil {
		return fmt.Errorf("demo: lottery allowance: %w", err)
	}
	desc := "上周五晚的初秋上新专场：秒杀、红包、抽奖、拼团与助力都用上了。"
	s, err := lv.Create(ctx, p, live.CreateInput{Title: PastTitle,
		SessionPatch: live.SessionPatch{Description: &desc, HostID: &hostUser.ID}})
	if err != nil {
		return fmt.Errorf("demo: past session: %w", err)
	}
	r.session = s.ID
	if _, err := lv.Start(ctx, p, s.ID); err != nil {
		return fmt.Errorf("demo: start past session: %w", err)
	}
	for _, d := range DemoProducts[:4] {
		if _, err := cs.AddToShowcase(ctx, p, s.ID, r.product[d.Name].ID); err != nil {
			return fmt.Errorf("demo: past showcase: %w", err)
		}
	}
	for _, nick := range DemoViewers {
		v, err := lv.CreateViewer(ctx, s.ID, live.ViewerInput{Nickname: nick})
		if err != nil {
			return fmt.Errorf("demo: viewer: %w", err)
		}
		r.viewers = append(r.viewers, promo.Viewer{ID: v.ID, TenantID: v.TenantID, SessionID: v.SessionID, Nickname: v.Nickname})
	}
	for _, step := range []func(tools) error{r.showcaseOrders, r.flashSale, r.envelope, r.lottery, r.groupBuy, r.assist} {
		if err := step(t); err != nil {
			return err
		}
	}
	if _, err := lv.End(ctx, p, s.ID); err != nil {
		return fmt.Errorf("demo: end past session: %w", err)
	}
	return nil
}

// hasSession reports whether the tenant has a session titled title.
func hasSession(ctx context.Context, lv *live.Service, p org.Principal, title string) (bool, error) {
	for before := int64(0); ; {
		page, next, err := lv.List(ctx, p, "", before, 200)
		if err != nil {
			return false, fmt.Errorf("demo: sessions: %w", err)
		}
		for _, s := range page {
			if s.Title == title {
				return true, nil
			}
		}
		if next == "" {
			return false, nil
		}
		fmt.Sscan(next, &before)
	}
}

// buyer is a viewer as commerce sees them.
func buyer(v promo.Viewer) commerce.Buyer {
	return commerce.Buyer{TenantID: v.TenantID, ViewerID: v.ID, SessionID: v.SessionID}
}

// address is where a demo viewer's parcels go.
func address(v promo.Viewer) commerce.Address {
	return commerce.Address{Name: v.Nickname, Phone: "13800138000", Province: "上海市", City: "上海市", District: "徐汇区",
		Detail: "漕溪北路 88 号 12 楼"}
}

// pay gives a viewer's order an address and pays it through the sandbox cashier.
func (r *pastRun) pay(v promo.Viewer, orderID int64) error {
	if _, err := r.cs.SetAddress(r.ctx, buyer(v), orderID, address(v)); err != nil {
		return fmt.Errorf("demo: address of order %d: %w", orderID, err)
	}
	res, err := r.cs.Pay(r.ctx, buyer(v), orderID, commerce.PayInput{})
	if err != nil {
		return fmt.Errorf("demo: pay order %d: %w", orderID, err)
	}
	if _, err := r.cs.Sandbox().Act(r.ctx, res.Payment.ProviderRef, commerce.OutcomeSuccess); err != nil {
		return fmt.Errorf("demo: pay order %d: %w", orderID, err)
	}
	return nil
}

// sku is the id of a demo product's SKU by name.
func (r *pastRun) sku(product, name string) int64 {
	for _, k := range r.product[product].SKUs {
		if k.Name == name {
			return k.ID
		}
	}
	return 0
}
