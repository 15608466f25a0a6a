package commerce_test

import (
	"testing"

	"github.com/siyu-live/siyu"
	"github.com/siyu-live/siyu/internal/commerce"
	"github.com/siyu-live/siyu/internal/db"
	"github.com/siyu-live/siyu/internal/db/dbtest"
)

// TestProducts: the CONTRACT form makes one default SKU; SKUs carry their own price
// and stock; the summary is the lowest price and the total stock; bad input names the
// field; hosts may not manage products; other tenants see nothing.
func TestProducts(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, store *db.DB) {
		e := newEnv(t, store)
		p, err := e.svc.CreateProduct(e.ctx, e.owner, commerce.ProductInput{Name: " 真丝衬衫 ", Price: ptr[int64](29900), Stock: ptr[int64](5)})
		if err != nil {
			t.Fatal(err)
		}
		if p.Name != "真丝衬衫" || len(p.SKUs) != 1 || p.SKUs[0].Name != commerce.DefaultSKUName || p.Price != 29900 ||
			p.Stock != 5 || p.Status != commerce.ProductActive {
			t.Fatalf("default SKU product: %+v", p)
		}
		coat, err := e.svc.CreateProduct(e.ctx, e.owner, commerce.ProductInput{Name: "羊绒混纺大衣", Images: []string{"https://cdn.example.cn/coat.jpg"},
			SKUs: []commerce.SKUInput{{Name: "S", Price: 59900, Stock: 3}, {Name: "M", Price: 59900, Stock: 4}, {Name: "XL", Price: 62900, Stock: 0}}})
		if err != nil {
			t.Fatal(err)
		}
		if coat.Price != 59900 || coat.Stock != 7 || len(coat.SKUs) != 3 || coat.Images[0] != "https://cdn.example.cn/coat.jpg" {
			t.Fatalf("SKU product: %+v", coat)
		}

		for _, c := range []struct {
			in    commerce.ProductInput
			field string
		}{
			{commerce.ProductInput{Price: ptr[int64](1), Stock: ptr[int64](1)}, "name"},
			{commerce.ProductInput{Name: "x", Stock: ptr[int64](1)}, "price"},
			{commerce.ProductInput{Name: "x", Price: ptr[int64](0), Stock: ptr[int64](1)}, "price"},
			{commerce.ProductInput{Name: "x", Price: ptr[int64](100_000_001), Stock: ptr[int64](1)}, "price"},
			{commerce.ProductInput{Name: "x", SKUs: []commerce.SKUInput{{Name: "S", Price: 0}}}, "skus[0].price"},
			{commerce.ProductInput{Name: "x", Price: ptr[int64](1)}, "stock"},
			{commerce.ProductInput{Name: "x", Price: ptr[int64](1), Stock: ptr[int64](-1)}, "stock"},
			{commerce.ProductInput{Name: "x", Price: ptr[int64](1), Stock: ptr[int64](10_000_001)}, "stock"},
			{commerce.ProductInput{Name: "x", SKUs: []commerce.SKUInput{{Name: "S", Price: 1, Stock: -1}}}, "skus[0].stock"},
			{commerce.ProductInput{Name: "x", SKUs: []commerce.SKUInput{{Name: "S", Price: 1}, {Name: "S", Price: 2}}}, "skus[1].name"},
			{commerce.ProductInput{Name: "x", SKUs: []commerce.SKUInput{{Name: "S", Price: 1}}, Price: ptr[int64](3)}, "price"},
			{commerce.ProductInput{Name: "x", Price: ptr[int64](1), Stock: ptr[int64](1), Images: []string{"javascript:alert(1)"}}, "images[0]"},
		} {
			_, err := e.svc.CreateProduct(e.ctx, e.owner, c.in)
			wantCode(t, err, siyu.EINVALID, c.field)
		}
		_, err = e.svc.CreateProduct(e.ctx, e.host, commerce.ProductInput{Name: "x", Price: ptr[int64](1), Stock: ptr[int64](1)})
		wantCode(t, err, siyu.EFORBIDDEN)

		// Patching price and stock works on one SKU, not on several.
		p, err = e.svc.UpdateProduct(e.ctx, e.owner, p.ID, commerce.ProductPatch{Price: ptr[int64](25900), Stock: ptr[int64](9),
			Description: ptr("桑蚕丝")})
		if err != nil || p.Price != 25900 || p.Stock != 9 || p.Description != "桑蚕丝" {
			t.Fatalf("patch: %+v %v", p, err)
		}
		_, err = e.svc.UpdateProduct(e.ctx, e.owner, coat.ID, commerce.ProductPatch{Price: ptr[int64](1)})
		wantCode(t, err, siyu.EINVALID, "price")
		coat, err = e.svc.UpdateSKU(e.ctx, e.owner, coat.ID, coat.SKUs[2].ID, commerce.SKUPatch{Stock: ptr[int64](2)})
		if err != nil || coat.Stock != 9 {
			t.Fatalf("sku patch: %+v %v", coat, err)
		}
		_, err = e.svc.UpdateSKU(e.ctx, e.owner, coat.ID, p.SKUs[0].ID, commerce.SKUPatch{Stock: ptr[int64](2)})
		wantCode(t, err, siyu.ENOTFOUND)
		coat, err = e.svc.AddSKU(e.ctx, e.owner, coat.ID, commerce.SKUInput{Name: "XXL", Price: 64900, Stock: 1})
		if err != nil || len(coat.SKUs) != 4 {
			t.Fatalf("add sku: %+v %v", coat, err)
		}
		_, err = e.svc.AddSKU(e.ctx, e.owner, coat.ID, commerce.SKUInput{Name: "XXL", Price: 64900, Stock: 1})
		wantCode(t, err, siyu.EINVALID, "name")

		// Lists, filters and isolation.
		list, next, err := e.svc.Products(e.ctx, e.owner, "", 0, 1)
		if err != nil || len(list) != 1 || list[0].ID != coat.ID || next == "" {
			t.Fatalf("page 1: %+v %q %v", list, next, err)
		}
		other := e.signup("Other")
		_, err = e.svc.Product(e.ctx, other, coat.ID)
		wantCode(t, err, siyu.ENOTFOUND)
		_, err = e.svc.UpdateProduct(e.ctx, other, coat.ID, commerce.ProductPatch{Name: ptr("hijack")})
		wantCode(t, err, siyu.ENOTFOUND)
		if l, _, _ := e.svc.Products(e.ctx, other, "", 0, 50); len(l) != 0 {
			t.Fatalf("another tenant sees %d products", len(l))
		}
	})
}

// TestArchiveAndDelete: archiving takes a product out of every showcase (a pinned
// one is unpinned in its room) and stops orders; a product with orders cannot be
// deleted, one without can.
func TestArchiveAndDelete(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, store *db.DB) {
		e := newEnv(t, store)
		p := e.product("围巾", 9900, 10)
		if _, err := e.svc.Pin(e.ctx, e.host, e.session, p.ID); err != nil {
			t.Fatal(err)
		}
		e.rooms.take()
		e.order(e.buyer, p, 1)
		err := e.svc.DeleteProduct(e.ctx, e.owner, p.ID)
		wantCode(t, err, siyu.ECONFLICT)
		a, err := e.svc.ArchiveProduct(e.ctx, e.owner, p.ID)
		if err != nil || a.Status != commerce.ProductArchived {
			t.Fatalf("archive: %+v %v", a, err)
		}
		sid := itoa(e.session)
		if got := e.rooms.take(); len(got) != 2 || got[0] != `{"type":"product_unpinned","session_id":`+sid+`,"product_id":`+itoa(p.ID)+`}` ||
			got[1] != `{"type":"showcase_changed","session_id":`+sid+`}` {
			t.Fatalf("archive broadcasts: %v", got)
		}
		sc, _ := e.svc.PublicShowcase(e.ctx, e.session)
		if len(sc.Items) != 0 || sc.Pinned != nil {
			t.Fatalf("archived product still in the showcase: %+v", sc)
		}
		_, err = e.svc.AddToShowcase(e.ctx, e.owner, e.session, p.ID)
		wantCode(t, err, siyu.ECONFLICT)
		if _, err := e.svc.RestoreProduct(e.ctx, e.owner, p.ID); err != nil {
			t.Fatal(err)
		}
		fresh, _ := e.svc.CreateProduct(e.ctx, e.owner, commerce.ProductInput{Name: "试用装", Price: ptr[int64](100), Stock: ptr[int64](1)})
		if err := e.svc.DeleteProduct(e.ctx, e.owner, fresh.ID); err != nil {
			t.Fatal(err)
		}
		_, err = e.svc.Product(e.ctx, e.owner, fresh.ID)
		wantCode(t, err, siyu.ENOTFOUND)
	})
}
