package promotest

import (
	"github.com/siyu-live/siyu/internal/commerce"
	"github.com/siyu-live/siyu/internal/promo"
)

// Product creates a one-SKU product of the env's tenant through e.Commerce.
func (e *Env) Product(name string, price, stock int64) commerce.Product {
	e.T.Helper()
	return e.createProduct(commerce.ProductInput{Name: name, Price: Ptr(price), Stock: Ptr(stock)})
}

// VirtualProduct creates a one-SKU virtual product with a picture: orders of it need
// no address, so tests can pay them straight away, and launches snapshot the picture.
func (e *Env) VirtualProduct(name string, price, stock int64) commerce.Product {
	e.T.Helper()
	return e.createProduct(commerce.ProductInput{Name: name, Price: Ptr(price), Stock: Ptr(stock), Virtual: true,
		Images: []string{"https://cdn.example.cn/product.jpg"}})
}

func (e *Env) createProduct(in commerce.ProductInput) commerce.Product {
	e.T.Helper()
	p, err := e.Commerce.CreateProduct(e.Ctx, e.Owner, in)
	if err != nil {
		e.T.Fatal(err)
	}
	return p
}

// ProductNow reads a product as staff see it now, e.g. for its stock and sold count.
func (e *Env) ProductNow(id int64) commerce.Product {
	e.T.Helper()
	p, err := e.Commerce.Product(e.Ctx, e.Owner, id)
	if err != nil {
		e.T.Fatal(err)
	}
	return p
}

// Buyer is the viewer as the commerce viewer routes see them.
func Buyer(v promo.Viewer) commerce.Buyer {
	return commerce.Buyer{TenantID: v.TenantID, ViewerID: v.ID, SessionID: v.SessionID}
}

// Pay pays the viewer's order through the sandbox cashier's success button.
func (e *Env) Pay(v promo.Viewer, orderID int64) {
	e.T.Helper()
	res, err := e.Commerce.Pay(e.Ctx, Buyer(v), orderID, commerce.PayInput{})
	if err != nil {
		e.T.Fatal(err)
	}
	if _, err := e.Commerce.Sandbox().Act(e.Ctx, res.Payment.ProviderRef, commerce.OutcomeSuccess); err != nil {
		e.T.Fatal(err)
	}
}

// Order reads an order as staff see it.
func (e *Env) Order(id int64) commerce.Order {
	e.T.Helper()
	o, err := e.Commerce.Order(e.Ctx, e.Owner, id)
	if err != nil {
		e.T.Fatal(err)
	}
	return o
}
