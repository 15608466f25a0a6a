package commerce_test

import (
	"encoding/json"
	"slices"
	"testing"

	"github.com/siyu-live/siyu"
	"github.com/siyu-live/siyu/internal/commerce"
	"github.com/siyu-live/siyu/internal/db"
	"github.com/siyu-live/siyu/internal/db/dbtest"
	"github.com/siyu-live/siyu/internal/org"
)

func ids(sc commerce.Showcase) []int64 {
	var out []int64
	for _, it := range sc.Items {
		out = append(out, it.Product.ID)
	}
	return out
}

// TestShowcase: add, reorder, remove; the public read shows the order and the pinned
// product; another tenant's session or product is not found.
func TestShowcase(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, store *db.DB) {
		e := newEnv(t, store)
		a, b, c := e.product("大衣", 59900, 3), e.product("衬衫", 29900, 3), e.product("围巾", 9900, 0)
		sc, err := e.svc.PublicShowcase(e.ctx, e.session)
		if err != nil || !slices.Equal(ids(sc), []int64{a.ID, b.ID, c.ID}) || !sc.Items[2].Product.SoldOut {
			t.Fatalf("showcase: %+v %v", sc, err)
		}
		if _, err := e.svc.AddToShowcase(e.ctx, e.host, e.session, a.ID); err != nil { // again: no change
			t.Fatal(err)
		}
		sc, err = e.svc.SetShowcase(e.ctx, e.host, e.session, commerce.ShowcaseInput{ProductIDs: []int64{c.ID, a.ID}})
		if err != nil || !slices.Equal(ids(sc), []int64{c.ID, a.ID}) || sc.Items[0].Position != 1 {
			t.Fatalf("reorder: %+v %v", sc, err)
		}
		_, err = e.svc.SetShowcase(e.ctx, e.host, e.session, commerce.ShowcaseInput{ProductIDs: []int64{a.ID, a.ID}})
		wantCode(t, err, siyu.EINVALID, "product_ids[1]")
		sc, err = e.svc.RemoveFromShowcase(e.ctx, e.host, e.session, c.ID)
		if err != nil || !slices.Equal(ids(sc), []int64{a.ID}) {
			t.Fatalf("remove: %+v %v", sc, err)
		}
		_, err = e.svc.RemoveFromShowcase(e.ctx, e.host, e.session, c.ID)
		wantCode(t, err, siyu.ENOTFOUND)

		other := e.signup("Other")
		otherSession := e.newSession(other)
		_, err = e.svc.AddToShowcase(e.ctx, other, e.session, a.ID)
		wantCode(t, err, siyu.ENOTFOUND)
		_, err = e.svc.AddToShowcase(e.ctx, other, otherSession, a.ID)
		wantCode(t, err, siyu.ENOTFOUND)
		_, err = e.svc.Pin(e.ctx, other, e.session, a.ID)
		wantCode(t, err, siyu.ENOTFOUND)
		agent := e.staff(e.owner, "agent", org.RoleAgent)
		_, err = e.svc.AddToShowcase(e.ctx, agent, e.session, b.ID)
		wantCode(t, err, siyu.EFORBIDDEN)
		_, err = e.svc.PublicShowcase(e.ctx, 1<<40)
		wantCode(t, err, siyu.ENOTFOUND)
	})
}

// TestPinReachesTheRoom: pinning tells the room after commit, with the product the
// viewers need to buy; pinning another product replaces the first; unpinning is
// announced; a product outside the showcase cannot be pinned; a service without a
// notifier pins all the same.
func TestPinReachesTheRoom(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, store *db.DB) {
		e := newEnv(t, store)
		coat, _ := e.svc.CreateProduct(e.ctx, e.owner, commerce.ProductInput{Name: "羊绒混纺大衣", Images: []string{"https://cdn.example.cn/coat.jpg"},
			SKUs: []commerce.SKUInput{{Name: "M", Price: 59900, Stock: 4}, {Name: "L", Price: 61900, Stock: 2}}})
		shirt := e.product("真丝衬衫", 29900, 8)
		if got := e.rooms.take(); len(got) != 1 || got[0] != `{"type":"showcase_changed","session_id":`+itoa(e.session)+`}` {
			t.Fatalf("adding to the showcase: %v", got)
		}
		_, err := e.svc.Pin(e.ctx, e.host, e.session, coat.ID)
		wantCode(t, err, siyu.ENOTFOUND)
		if len(e.rooms.take()) != 0 {
			t.Fatal("a refused pin was broadcast")
		}
		if _, err := e.svc.AddToShowcase(e.ctx, e.host, e.session, coat.ID); err != nil {
			t.Fatal(err)
		}
		e.rooms.take()
		sc, err := e.svc.Pin(e.ctx, e.host, e.session, coat.ID)
		if err != nil || sc.Pinned == nil || sc.Pinned.ID != coat.ID {
			t.Fatalf("pin: %+v %v", sc, err)
		}
		got := e.rooms.take()
		if len(got) != 1 {
			t.Fatalf("broadcasts: %v", got)
		}
		var ev struct {
			Type      string `json:"type"`
			SessionID int64  `json:"session_id"`
			Product   struct {
				ID        int64  `json:"id"`
				Name      string `json:"name"`
				Price     int64  `json:"price"`
				Image     string `json:"image"`
				StockLeft int64  `json:"stock_left"`
			} `json:"product"`
		}
		if err := json.Unmarshal([]byte(got[0]), &ev); err != nil {
			t.Fatal(err)
		}
		if ev.Type != "product_pinned" || ev.SessionID != e.session || ev.Product.ID != coat.ID || ev.Product.Name != "羊绒混纺大衣" ||
			ev.Product.Price != 59900 || ev.Product.Image != "https://cdn.example.cn/coat.jpg" || ev.Product.StockLeft != 6 {
			t.Fatalf("pin event: %s", got[0])
		}

		sc, _ = e.svc.Pin(e.ctx, e.host, e.session, shirt.ID)
		pinned := 0
		for _, it := range sc.Items {
			if it.Pinned {
				pinned++
			}
		}
		if pinned != 1 || sc.Pinned.ID != shirt.ID {
			t.Fatalf("two pinned products: %+v", sc)
		}
		if pc, _ := e.svc.PinnedProduct(e.ctx, e.session); pc == nil || pc.ID != shirt.ID {
			t.Fatalf("pinned product for late joiners: %+v", pc)
		}
		e.rooms.take()
		if _, err := e.svc.Unpin(e.ctx, e.host, e.session, shirt.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := e.svc.Unpin(e.ctx, e.host, e.session, shirt.ID); err != nil { // again: harmless
			t.Fatal(err)
		}
		if got := e.rooms.take(); len(got) != 1 || got[0] != `{"type":"product_unpinned","session_id":`+itoa(e.session)+`,"product_id":`+itoa(shirt.ID)+`}` {
			t.Fatalf("unpin broadcasts: %v", got)
		}
		agent := e.staff(e.owner, "agent", org.RoleAgent)
		_, err = e.svc.Pin(e.ctx, agent, e.session, shirt.ID)
		wantCode(t, err, siyu.EFORBIDDEN)

		// Without a room engine (nil notifier) pinning still works.
		bare := commerce.NewService(store, commerce.Options{Now: e.clock.Now})
		if _, err := bare.Pin(e.ctx, e.host, e.session, coat.ID); err != nil {
			t.Fatal(err)
		}
	})
}
