package promo_test

import (
	"strings"
	"testing"
	"time"

	"github.com/siyu-live/siyu/internal/db"
	"github.com/siyu-live/siyu/internal/db/dbtest"
	"github.com/siyu-live/siyu/internal/notify"
	"github.com/siyu-live/siyu/internal/promo"
)

// TestWinnerFillsInDelivery: the winner's in-app message links to the form, the form is
// validated field by field, and the host sees the details with the winner list.
func TestWinnerFillsInDelivery(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, store *db.DB) {
		e := newEnv(t, store)
		l, err := e.svc.CreateLottery(e.Ctx, e.Host, e.Session, promo.LotteryInput{Prize: "保温杯", Winners: 1})
		if err != nil {
			t.Fatal(err)
		}
		v := e.ViewerOf(e.Session, "中奖的人")
		loser := e.ViewerOf(e.Session, "旁观")
		if _, _, err := e.svc.EnterLottery(e.Ctx, v, l.ID, promo.EntryInput{}); err != nil {
			t.Fatal(err)
		}
		e.Clock.Add(time.Minute)
		e.RunDue()
		prizes, err := e.svc.ViewerPrizes(e.Ctx, v)
		if err != nil || len(prizes) != 1 || prizes[0].Prize != "保温杯" || prizes[0].Delivery != nil {
			t.Fatalf("the winner's prizes: %+v %v", prizes, err)
		}
		p := prizes[0]
		inbox, _, err := notify.Inbox(e.Ctx, store, v.TenantID, v.ID, 0, 10)
		if err != nil || len(inbox) != 1 || inbox[0].Link != p.FormURL || !strings.Contains(inbox[0].Title, "保温杯") {
			t.Fatalf("the winner's inbox: %+v %v (form %s)", inbox, err, p.FormURL)
		}
		good := promo.DeliveryInput{Name: "王小明", Phone: "+86 138-0013-8000", Address: "上海市黄浦区南京东路 1 号"}
		for _, c := range []struct {
			in    promo.DeliveryInput
			field string
		}{
			{promo.DeliveryInput{Phone: good.Phone, Address: good.Address}, "name"},
			{promo.DeliveryInput{Name: strings.Repeat("名", 31), Phone: good.Phone, Address: good.Address}, "name"},
			{promo.DeliveryInput{Name: good.Name, Phone: "12345", Address: good.Address}, "phone"},
			{promo.DeliveryInput{Name: good.Name, Phone: "23800138000", Address: good.Address}, "phone"},
			{promo.DeliveryInput{Name: good.Name, Phone: good.Phone, Address: "上海"}, "address"},
			{promo.DeliveryInput{Name: good.Name, Phone: good.Phone, Address: strings.Repeat("路", 201)}, "address"},
		} {
			_, err := e.svc.SetDelivery(e.Ctx, v, p.ID, c.in)
			code(t, c.field, err, "invalid", c.field)
		}
		_, err = e.svc.SetDelivery(e.Ctx, loser, p.ID, good)
		code(t, "someone else's prize", err, "not_found")
		got, err := e.svc.SetDelivery(e.Ctx, v, p.ID, good)
		if err != nil || got.Delivery == nil || got.Delivery.Phone != "13800138000" || got.Delivery.Name != "王小明" {
			t.Fatalf("delivery: %+v %v", got, err)
		}
		winners, err := e.svc.LotteryWinners(e.Ctx, e.Host, l.ID)
		if err != nil || len(winners) != 1 || winners[0].ViewerID != v.ID || winners[0].Nickname != "中奖的人" ||
			winners[0].Delivery == nil || winners[0].Delivery.Address != good.Address {
			t.Fatalf("the host's winner list: %+v %v", winners, err)
		}
		_, err = e.svc.LotteryWinners(e.Ctx, e.Signup("Other"), l.ID)
		code(t, "another tenant's winners", err, "not_found")
		if list, err := e.svc.ViewerPrizes(e.Ctx, loser); err != nil || len(list) != 0 {
			t.Fatalf("a loser's prizes: %+v %v", list, err)
		}
	})
}
