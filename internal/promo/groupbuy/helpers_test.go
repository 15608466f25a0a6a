package groupbuy_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/siyu-live/siyu/internal/commerce"
	"github.com/siyu-live/siyu/internal/db"
	"github.com/siyu-live/siyu/internal/promo"
	"github.com/siyu-live/siyu/internal/promo/groupbuy"
	"github.com/siyu-live/siyu/internal/promo/promotest"
)

// flaky is a payment provider whose refunds fail while failing is set; its callbacks
// are trusted as sent (a test stand-in for a provider's signed notification).
type flaky struct {
	failing atomic.Bool
	refunds atomic.Int64
	seq     atomic.Int64
}

func (f *flaky) Name() string { return "flaky" }

func (f *flaky) CreatePayment(_ context.Context, req commerce.PaymentRequest) (commerce.PaymentIntent, error) {
	ref := "flk_" + strings.Repeat("x", int(f.seq.Add(1)))
	return commerce.PaymentIntent{ProviderRef: ref, PayURL: "https://pay.example.cn/" + ref}, nil
}

func (f *flaky) VerifyCallback(r *http.Request) (commerce.CallbackResult, error) {
	var cb commerce.CallbackResult
	err := json.NewDecoder(r.Body).Decode(&cb)
	return cb, err
}

func (f *flaky) Refund(context.Context, commerce.RefundRequest) error {
	if f.failing.Load() {
		return errors.New("flaky: refund service unavailable")
	}
	f.refunds.Add(1)
	return nil
}

// env is one tenant with an owner and a host, a live session, a virtual product with
// stock, and the group-buy service over commerce on a fresh store with a fake clock.
type env struct {
	*promotest.Env
	svc     *groupbuy.Service
	flaky   *flaky
	product commerce.Product
}

func newEnv(t *testing.T, store *db.DB) *env {
	t.Helper()
	e := &env{Env: promotest.New(t, store, "拼团店", "拼团专场"), flaky: &flaky{}}
	e.NewCommerce(commerce.Options{Queue: e.Queue, Events: e.Events, PublicURL: "https://shop.example.cn",
		Providers: []commerce.Provider{e.flaky}})
	e.svc = groupbuy.NewService(store, groupbuy.Options{Now: e.Clock.Now, Commerce: e.Commerce, Org: e.Org, Queue: e.Queue,
		Events: e.Events, Notifier: e.Room, Logger: promotest.Quiet})
	e.product = e.VirtualProduct("拼团面膜", 9900, 10)
	return e
}

// launch starts an offer of e.product at 5900 fen.
func (e *env) launch(size, seconds int) groupbuy.GroupBuy {
	e.T.Helper()
	gb, err := e.svc.Launch(e.Ctx, e.Host, e.Session, groupbuy.Input{ProductID: e.product.ID, Price: 5900, GroupSize: size,
		TimeLimitSeconds: seconds})
	if err != nil {
		e.T.Fatal(err)
	}
	return gb
}

// payFlaky pays an order with the flaky provider and its (trusted) success callback.
func (e *env) payFlaky(v promo.Viewer, orderID int64) {
	e.T.Helper()
	res, err := e.Commerce.Pay(e.Ctx, promotest.Buyer(v), orderID, commerce.PayInput{Provider: "flaky"})
	if err != nil {
		e.T.Fatal(err)
	}
	body, _ := json.Marshal(commerce.CallbackResult{ProviderRef: res.Payment.ProviderRef, OrderID: orderID,
		AmountFen: res.Payment.Amount, Status: commerce.CallbackSucceeded, EventID: "evt_" + res.Payment.ProviderRef})
	req, _ := http.NewRequest("POST", "/api/v1/payments/flaky/callback", io.NopCloser(bytes.NewReader(body)))
	if _, err := e.Commerce.HandleCallback(e.Ctx, "flaky", req); err != nil {
		e.T.Fatal(err)
	}
}

// stock reads e.product's stock left and sold count.
func (e *env) stock() (left, sold int64) {
	e.T.Helper()
	p := e.ProductNow(e.product.ID)
	return p.Stock, p.Sold
}

// group reads a group through the staff view of its offer.
func (e *env) group(offerID, groupID int64) groupbuy.Group {
	e.T.Helper()
	d, err := e.svc.Get(e.Ctx, e.Host, offerID)
	if err != nil {
		e.T.Fatal(err)
	}
	for _, g := range d.Groups {
		if g.ID == groupID {
			return g
		}
	}
	e.T.Fatalf("group %d not in offer %d", groupID, offerID)
	return groupbuy.Group{}
}
