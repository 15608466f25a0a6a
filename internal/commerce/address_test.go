package commerce_test

import (
	"testing"

	"github.com/siyu-live/siyu"
	"github.com/siyu-live/siyu/internal/commerce"
	"github.com/siyu-live/siyu/internal/db"
	"github.com/siyu-live/siyu/internal/db/dbtest"
)

// TestOrderInput: every bad line or address is refused with the field it is about,
// before any stock is touched.
func TestOrderInput(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, store *db.DB) {
		e := newEnv(t, store)
		p := e.product("衬衫", 29900, 1)
		coat, _ := e.svc.CreateProduct(e.ctx, e.owner, commerce.ProductInput{Name: "大衣",
			SKUs: []commerce.SKUInput{{Name: "M", Price: 59900, Stock: 1}, {Name: "L", Price: 59900, Stock: 1}}})
		hidden, _ := e.svc.CreateProduct(e.ctx, e.owner, commerce.ProductInput{Name: "未上架", Price: ptr[int64](100), Stock: ptr[int64](1)})
		if _, err := e.svc.AddToShowcase(e.ctx, e.owner, e.session, coat.ID); err != nil {
			t.Fatal(err)
		}
		line := func(l commerce.LineInput) commerce.OrderInput {
			return commerce.OrderInput{Lines: []commerce.LineInput{l}}
		}
		bad := func(a commerce.Address) commerce.OrderInput {
			return commerce.OrderInput{Lines: []commerce.LineInput{{ProductID: p.ID, Quantity: 1}}, Address: &a}
		}
		with := func(f func(a *commerce.Address)) commerce.Address { a := home; f(&a); return a }
		for _, c := range []struct {
			in          commerce.OrderInput
			code, field string
		}{
			{commerce.OrderInput{}, "invalid", "lines"},
			{line(commerce.LineInput{ProductID: p.ID}), "invalid", "lines[0].quantity"},
			{line(commerce.LineInput{ProductID: p.ID, Quantity: 1000}), "invalid", "lines[0].quantity"},
			{line(commerce.LineInput{Quantity: 1}), "invalid", "lines[0].product_id"},
			{line(commerce.LineInput{ProductID: hidden.ID, Quantity: 1}), "not_found", "lines[0].product_id"},
			{line(commerce.LineInput{ProductID: coat.ID, Quantity: 1}), "invalid", "lines[0].sku_id"},
			{line(commerce.LineInput{ProductID: coat.ID, SKUID: p.SKUs[0].ID, Quantity: 1}), "invalid", "lines[0].sku_id"},
			{commerce.OrderInput{Lines: []commerce.LineInput{{ProductID: coat.ID, SKUID: coat.SKUs[0].ID, Quantity: 1},
				{ProductID: coat.ID, SKUID: coat.SKUs[0].ID, Quantity: 1}}}, "invalid", "lines[1].sku_id"},
			{line(commerce.LineInput{ProductID: p.ID, Quantity: 2}), "sold_out", ""},
			{bad(with(func(a *commerce.Address) { a.Name = " " })), "invalid", "address.name"},
			{bad(with(func(a *commerce.Address) { a.Phone = "" })), "invalid", "address.phone"},
			{bad(with(func(a *commerce.Address) { a.Phone = "12345" })), "invalid", "address.phone"},
			{bad(with(func(a *commerce.Address) { a.Province = "" })), "invalid", "address.province"},
			{bad(with(func(a *commerce.Address) { a.City = "" })), "invalid", "address.city"},
			{bad(with(func(a *commerce.Address) { a.District = "" })), "invalid", "address.district"},
			{bad(with(func(a *commerce.Address) { a.Detail = "1号" })), "invalid", "address.detail"},
		} {
			_, err := e.svc.PlaceOrder(e.ctx, e.buyer, e.session, c.in)
			if c.field == "" {
				wantCode(t, err, c.code)
			} else {
				wantCode(t, err, c.code, c.field)
			}
		}
		if left, _ := e.stock(p.ID); left != 1 {
			t.Fatalf("a refused order took stock: %d left", left)
		}
		// Another brand's viewer cannot buy in this session.
		other := e.signup("Other")
		stranger := e.viewer(e.newSession(other), "路人")
		_, err := e.svc.PlaceOrder(e.ctx, stranger, e.session, line(commerce.LineInput{ProductID: p.ID, Quantity: 1}))
		wantCode(t, err, siyu.ENOTFOUND)
		// Landline and +86 forms are accepted and normalised.
		o, err := e.svc.PlaceOrder(e.ctx, e.buyer, e.session, bad(with(func(a *commerce.Address) { a.Phone = "+86 138 0013 8000" })))
		if err != nil || o.Address.Phone != "13800138000" {
			t.Fatalf("+86 phone: %+v %v", o.Address, err)
		}
	})
}

// TestAddressBeforePayment: physical goods need an address before paying; it can be
// set and changed until shipping; virtual goods never need one.
func TestAddressBeforePayment(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, store *db.DB) {
		e := newEnv(t, store)
		p := e.product("衬衫", 29900, 5)
		o, err := e.svc.PlaceOrder(e.ctx, e.buyer, e.session, commerce.OrderInput{Lines: []commerce.LineInput{{ProductID: p.ID, Quantity: 1}}})
		if err != nil || o.Address != nil || !o.NeedsAddress {
			t.Fatalf("order without address: %+v %v", o, err)
		}
		_, err = e.svc.Pay(e.ctx, e.buyer, o.ID, commerce.PayInput{})
		wantCode(t, err, siyu.EINVALID, "address")
		_, err = e.svc.SetAddress(e.ctx, e.buyer, o.ID, commerce.Address{Name: "王", Phone: "138", Province: "上海市"})
		wantCode(t, err, siyu.EINVALID, "phone")
		if o, err = e.svc.SetAddress(e.ctx, e.buyer, o.ID, home); err != nil || o.Address.City != "上海市" {
			t.Fatalf("set address: %+v %v", o, err)
		}
		o = e.pay(e.buyer, o)
		moved := home
		moved.Detail = "淮海中路 999 号"
		if o, err = e.svc.SetAddress(e.ctx, e.buyer, o.ID, moved); err != nil || o.Address.Detail != moved.Detail {
			t.Fatalf("change address after payment: %+v %v", o, err)
		}
		if _, err := e.svc.Ship(e.ctx, e.owner, o.ID, commerce.ShipInput{Carrier: "中通", TrackingNo: "ZT0001"}); err != nil {
			t.Fatal(err)
		}
		_, err = e.svc.SetAddress(e.ctx, e.buyer, o.ID, home)
		wantCode(t, err, siyu.ECONFLICT)
		_, err = e.svc.SetAddress(e.ctx, e.viewer(e.session, "别人"), o.ID, home)
		wantCode(t, err, siyu.ENOTFOUND)

		course, _ := e.svc.CreateProduct(e.ctx, e.owner, commerce.ProductInput{Name: "穿搭课", Virtual: true, Price: ptr[int64](9900), Stock: ptr[int64](100)})
		if _, err := e.svc.AddToShowcase(e.ctx, e.owner, e.session, course.ID); err != nil {
			t.Fatal(err)
		}
		v, err := e.svc.PlaceOrder(e.ctx, e.buyer, e.session, commerce.OrderInput{Lines: []commerce.LineInput{{ProductID: course.ID, Quantity: 1}}})
		if err != nil || v.NeedsAddress {
			t.Fatalf("virtual order: %+v %v", v, err)
		}
		if v = e.pay(e.buyer, v); v.Status != "paid" {
			t.Fatalf("virtual order not paid: %+v", v)
		}
	})
}
