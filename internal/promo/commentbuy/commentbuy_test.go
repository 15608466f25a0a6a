package commentbuy_test

import (
	"strings"
	"sync"
	"testing"

	"github.com/siyu-live/siyu"
	"github.com/siyu-live/siyu/internal/commerce"
	"github.com/siyu-live/siyu/internal/db"
	"github.com/siyu-live/siyu/internal/db/dbtest"
	"github.com/siyu-live/siyu/internal/live"
	"github.com/siyu-live/siyu/internal/promo/commentbuy"
)

// TestNormalize: what a viewer types on a phone keyboard matches what staff armed.
func TestNormalize(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		"+1":       "+1",
		"＋1":       "+1",
		"＋１":       "+1",
		"  +1 \n":  "+1",
		"\u3000＋1": "+1",
		"ＸＬ":       "xl",
		"要  这个 款":  "要 这个 款",
		"+ 1":      "+ 1",
	} {
		if got := commentbuy.Normalize(in); got != want {
			t.Errorf("Normalize(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestCommentDraftsOrder: a matching comment drafts one unpaid order of the offer's
// SKU at its price and tells that viewer alone; a second "+1" while it is unpaid does
// nothing; once it is cancelled the next "+1" drafts again; other comments, other
// keywords and a stopped offer draft nothing.
func TestCommentDraftsOrder(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, store *db.DB) {
		e := newEnv(t, store)
		coat := e.Product("羊绒大衣", 59900, 10)
		cb := e.arm(commentbuy.Input{Keyword: "+1", ProductID: coat.ID, Price: 39900, Quantity: 2})
		if cb.Status != commentbuy.StatusActive || cb.Price != 39900 || cb.Quantity != 2 || cb.SKUID != coat.SKUs[0].ID ||
			cb.ProductName != "羊绒大衣" {
			t.Fatalf("armed: %+v", cb)
		}
		if got := e.Room.Take(0); len(got) != 1 || got[0].Type != "comment_buy" {
			t.Fatalf("arming announced %+v", got)
		}
		v, other := e.viewer("小美"), e.viewer("路人")

		e.say(e.svc, other, "主播好")
		e.say(e.svc, other, "+2")
		e.say(e.svc, v, "＋1")
		os := e.orders(v)
		if len(os) != 1 || len(e.orders(other)) != 0 {
			t.Fatalf("orders after one +1: %d (other viewer %d)", len(os), len(e.orders(other)))
		}
		o := os[0]
		if o.Status != commerce.StatusCreated || o.Source != commentbuy.SourceComment || o.SourceID != cb.ID || o.Total != 79800 ||
			o.Lines[0].Quantity != 2 || o.Lines[0].Price != 39900 {
			t.Fatalf("draft order: %+v", o)
		}
		got := e.Room.Take(v)
		if len(got) != 1 || got[0].Type != "order_draft" || got[0].Body["order_id"] != float64(o.ID) ||
			got[0].Body["total"] != float64(79800) || got[0].Body["keyword"] != "+1" || got[0].Body["product_name"] != "羊绒大衣" {
			t.Fatalf("viewer heard %+v", got)
		}
		if left := e.stock(coat.ID); left != 8 {
			t.Fatalf("stock after a draft of 2: %d", left)
		}

		e.say(e.svc, v, "+1")
		if n := len(e.orders(v)); n != 1 {
			t.Fatalf("a second +1 while unpaid made %d orders", n)
		}
		if got := e.Room.Take(v); len(got) != 0 {
			t.Fatalf("a second +1 told the viewer %+v", got)
		}

		if _, err := e.Commerce.CancelOrder(e.Ctx, commerce.Buyer{TenantID: e.Owner.TenantID, ViewerID: v, SessionID: e.Session}, o.ID); err != nil {
			t.Fatal(err)
		}
		e.say(e.svc, v, "+1")
		if n := len(e.orders(v)); n != 2 {
			t.Fatalf("+1 after cancelling the draft: %d orders, want 2", n)
		}
		if d := e.offer(cb.ID).Drafts; d != 2 {
			t.Fatalf("drafts %d", d)
		}

		if _, err := e.svc.StopCommentBuy(e.Ctx, e.Owner, cb.ID); err != nil {
			t.Fatal(err)
		}
		e.say(e.svc, other, "+1")
		if n := len(e.orders(other)); n != 0 {
			t.Fatalf("a stopped offer drafted %d orders", n)
		}
		// The keyword is free again once stopped.
		e.arm(commentbuy.Input{Keyword: "＋１", ProductID: coat.ID})
		e.say(e.svc, other, "+1")
		if os := e.orders(other); len(os) != 1 || os[0].Total != 59900 {
			t.Fatalf("re-armed at the SKU price: %+v", os)
		}
	})
}

func (e *env) stock(productID int64) int64 {
	e.T.Helper()
	return e.ProductNow(productID).Stock
}

// TestDraftSoldOut: without stock the viewer hears order_draft_failed with the
// reason, and nothing is ordered; when the live ends, comments draft nothing.
func TestDraftSoldOut(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, store *db.DB) {
		e := newEnv(t, store)
		last := e.Product("最后一件", 9900, 1)
		e.arm(commentbuy.Input{Keyword: "要", ProductID: last.ID})
		a, b, c := e.viewer("甲"), e.viewer("乙"), e.viewer("迟到")
		e.say(e.svc, a, "要")
		e.say(e.svc, b, "要")
		if len(e.orders(a)) != 1 || len(e.orders(b)) != 0 {
			t.Fatalf("one unit: orders %d and %d", len(e.orders(a)), len(e.orders(b)))
		}
		got := e.Room.Take(b)
		if len(got) != 1 || got[0].Type != "order_draft_failed" || got[0].Body["reason"] != commerce.ErrSoldOut ||
			got[0].Body["keyword"] != "要" || !strings.Contains(got[0].Body["message"].(string), "sold out") {
			t.Fatalf("sold-out viewer heard %+v", got)
		}

		if _, err := e.Live.End(e.Ctx, e.Owner, e.Session); err != nil {
			t.Fatal(err)
		}
		e.say(e.svc, c, "要")
		if len(e.orders(c)) != 0 || len(e.Room.Take(c)) != 0 {
			t.Fatal("a comment after the live ended drafted an order")
		}
	})
}

// TestRacingPlusOnes: a viewer's "+1"s told at once on two nodes (two services on one
// store) make exactly one draft.
func TestRacingPlusOnes(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, store *db.DB) {
		e := newEnv(t, store)
		p := e.Product("口红", 19900, 100)
		e.arm(commentbuy.Input{Keyword: "+1", ProductID: p.ID})
		nodeB := e.build()
		v := e.viewer("手快")
		var wg sync.WaitGroup
		for i := range 10 {
			svc := e.svc
			if i%2 == 1 {
				svc = nodeB
			}
			wg.Go(func() { e.say(svc, v, "+1") })
		}
		wg.Wait()
		if n := len(e.orders(v)); n != 1 {
			t.Fatalf("10 racing +1 made %d orders, want 1", n)
		}
		if left := e.stock(p.ID); left != 99 {
			t.Fatalf("stock %d, want 99", left)
		}
	})
}

// TestArmRules: bad input names its field; a product with several SKUs needs sku_id;
// a keyword armed twice is keyword_in_use; only live sessions; another tenant's
// product is not found.
func TestArmRules(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, store *db.DB) {
		e := newEnv(t, store)
		p := e.Product("T恤", 9900, 10)
		multi, err := e.Commerce.CreateProduct(e.Ctx, e.Owner, commerce.ProductInput{Name: "卫衣",
			SKUs: []commerce.SKUInput{{Name: "M", Price: 19900, Stock: 5}, {Name: "L", Price: 20900, Stock: 5}}})
		if err != nil {
			t.Fatal(err)
		}
		for _, tc := range []struct {
			in    commentbuy.Input
			field string
		}{
			{commentbuy.Input{Keyword: "  ", ProductID: p.ID}, "keyword"},
			{commentbuy.Input{Keyword: strings.Repeat("长", 21), ProductID: p.ID}, "keyword"},
			{commentbuy.Input{Keyword: "+1"}, "product_id"},
			{commentbuy.Input{Keyword: "+1", ProductID: 99999999}, "product_id"},
			{commentbuy.Input{Keyword: "+1", ProductID: p.ID, Price: -1}, "price"},
			{commentbuy.Input{Keyword: "+1", ProductID: p.ID, Quantity: 1000}, "quantity"},
			{commentbuy.Input{Keyword: "+1", ProductID: multi.ID}, "sku_id"},
			{commentbuy.Input{Keyword: "+1", ProductID: multi.ID, SKUID: p.SKUs[0].ID}, "sku_id"},
		} {
			_, err := e.svc.Arm(e.Ctx, e.Owner, e.Session, tc.in)
			field(t, err, tc.field)
		}
		l := e.arm(commentbuy.Input{Keyword: "L码", ProductID: multi.ID, SKUID: multi.SKUs[1].ID})
		if l.Price != 20900 || l.SKUName != "L" {
			t.Fatalf("SKU offer: %+v", l)
		}
		_, err = e.svc.Arm(e.Ctx, e.Owner, e.Session, commentbuy.Input{Keyword: "ｌ码", ProductID: p.ID})
		if siyu.ErrorCode(err) != commentbuy.ErrKeywordInUse {
			t.Fatalf("same keyword twice: %v", err)
		}
		list, err := e.svc.CommentBuys(e.Ctx, e.Owner, e.Session)
		if err != nil || len(list) != 1 {
			t.Fatalf("list: %+v %v", list, err)
		}
		s2, err := e.Live.Create(e.Ctx, e.Owner, live.CreateInput{Title: "还没开播"})
		if err != nil {
			t.Fatal(err)
		}
		_, err = e.svc.Arm(e.Ctx, e.Owner, s2.ID, commentbuy.Input{Keyword: "+1", ProductID: p.ID})
		if siyu.ErrorCode(err) != "session_not_live" {
			t.Fatalf("arming before the live: %v", err)
		}
	})
}
