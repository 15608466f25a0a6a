package demo_test

import (
	"context"
	"log/slog"
	"testing"

	"github.com/siyu-live/siyu/internal/commerce"
	"github.com/siyu-live/siyu/internal/db"
	"github.com/siyu-live/siyu/internal/db/dbtest"
	"github.com/siyu-live/siyu/internal/demo"
	"github.com/siyu-live/siyu/internal/jobs"
	"github.com/siyu-live/siyu/internal/live"
	"github.com/siyu-live/siyu/internal/org"
	"github.com/siyu-live/siyu/internal/promo"
	"github.com/siyu-live/siyu/internal/promo/assist"
	"github.com/siyu-live/siyu/internal/promo/coupon"
	"github.com/siyu-live/siyu/internal/promo/flashsale"
	"github.com/siyu-live/siyu/internal/promo/groupbuy"
)

// TestSeedPastSession: seeding with the in-room tools adds one finished session in
// which every tool has results the console shows — paid orders, a coupon used, an
// ended flash sale, a refunded red envelope, a drawn lottery whose first winner gave
// delivery details, a completed group and an unlocked assist — and seeding again
// (every `serve --demo` start) adds nothing.
func TestSeedPastSession(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, store *db.DB) {
		ctx := context.Background()
		quiet := slog.New(slog.DiscardHandler)
		svc := org.NewService(store, org.Options{Password: org.PasswordParams{Memory: 1024, Time: 1, Threads: 1}})
		queue := jobs.New(store, nil, quiet)
		lv := live.NewService(store, live.Options{Org: svc, Queue: queue, PublicURL: "http://demo.test"})
		cs := commerce.NewService(store, commerce.Options{Queue: queue, PublicURL: "http://demo.test", Logger: quiet})
		pr := promo.NewService(store, promo.Options{Org: svc, Queue: queue, Logger: quiet})
		fs := flashsale.NewService(store, flashsale.Options{Commerce: cs, Queue: queue, Logger: quiet})
		gb := groupbuy.NewService(store, groupbuy.Options{Commerce: cs, Org: svc, Queue: queue, Logger: quiet})
		as := assist.NewService(store, assist.Options{Commerce: cs, Queue: queue, Logger: quiet})
		cp := coupon.NewService(store, coupon.Options{Logger: quiet})
		cs.SetCouponRedeemer(cp)
		t.Cleanup(pr.Stop)
		t.Cleanup(fs.Stop)
		for range 2 {
			if err := demo.Seed(ctx, svc, lv, cs, pr, fs, gb, as, cp); err != nil {
				t.Fatal(err)
			}
		}
		owner, _ := svc.UserByEmail(ctx, demo.OwnerEmail)
		p := org.Principal{TenantID: owner.TenantID, UserID: owner.ID, Role: org.RoleOwner}
		sessions, _, _ := lv.List(ctx, p, "", 0, 10)
		var past []live.Session
		for _, s := range sessions {
			if s.Title == demo.PastTitle {
				past = append(past, s)
			}
		}
		if len(sessions) != 2 || len(past) != 1 || past[0].Status != "ended" {
			t.Fatalf("sessions after seeding twice: %+v", sessions)
		}
		paid, _, err := cs.Orders(ctx, p, commerce.OrderFilter{Status: commerce.StatusPaid, SessionID: past[0].ID}, 0, 50)
		if err != nil || len(paid) != 3+4+2 {
			t.Fatalf("%d paid orders (%v), want 3 from the showcase, 4 flash sale, 2 group buy", len(paid), err)
		}
		lots, err := pr.TenantLotteries(ctx, p, 10)
		if err != nil || len(lots) != 1 || lots[0].Status != promo.LotteryDrawn || len(lots[0].WinnerDetails) != 2 ||
			lots[0].WinnerDetails[0].Delivery == nil || lots[0].WinnerDetails[1].Delivery != nil {
			t.Fatalf("lotteries: %+v %v", lots, err)
		}
		sales, err := fs.TenantList(ctx, p, 10)
		if err != nil || len(sales) != 1 || sales[0].Status != flashsale.StatusEnded || sales[0].Sold != 6 || sales[0].Paid != 4 {
			t.Fatalf("flash sales: %+v %v", sales, err)
		}
		envs, err := pr.TenantEnvelopes(ctx, p, 10)
		if err != nil || len(envs) != 1 || envs[0].Status != promo.StatusExpired || envs[0].GrabbedCount != 7 ||
			envs[0].Grabbed+envs[0].Refunded != envs[0].Total {
			t.Fatalf("red envelopes: %+v %v", envs, err)
		}
		coupons, err := cp.TenantCoupons(ctx, p, 10)
		if err != nil || len(coupons) != 1 || coupons[0].Claimed != 4 || coupons[0].Used != 1 {
			t.Fatalf("coupons: %+v %v", coupons, err)
		}
		groups, err := gb.TenantList(ctx, p, 10)
		if err != nil || len(groups) != 1 || groups[0].GroupsSucceeded != 1 || groups[0].GroupsForming != 1 {
			t.Fatalf("group buys: %+v %v", groups, err)
		}
		assists, err := as.TenantList(ctx, p, 10)
		if err != nil || len(assists) != 1 || assists[0].Unlocked != 1 || assists[0].Campaigns != 2 {
			t.Fatalf("assists: %+v %v", assists, err)
		}
	})
}
