package commerce_test

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/siyu-live/siyu"
	"github.com/siyu-live/siyu/internal/commerce"
	"github.com/siyu-live/siyu/internal/db"
	"github.com/siyu-live/siyu/internal/db/dbtest"
)

// callback builds a sandbox notification signed at ts; tamper may change the body
// after signing.
func (e *env) callback(cb commerce.CallbackResult, ts time.Time, tamper func(body []byte) []byte) *http.Request {
	e.t.Helper()
	body, _ := json.Marshal(cb)
	sig, err := e.svc.Sandbox().Sign(e.ctx, ts.Unix(), body)
	if err != nil {
		e.t.Fatal(err)
	}
	if tamper != nil {
		body = tamper(body)
	}
	r := httptest.NewRequest("POST", "/api/v1/payments/sandbox/callback", strings.NewReader(string(body)))
	r.Header.Set(commerce.SandboxTimestampHeader, strconv.FormatInt(ts.Unix(), 10))
	r.Header.Set(commerce.SandboxSignatureHeader, sig)
	return r
}

// TestSandboxCallbacks: signature, amount, order, timestamp window and event-id
// idempotency; a failure leaves the order payable; a success pays it exactly once;
// money for an order already paid is kept apart as orphaned.
func TestSandboxCallbacks(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, store *db.DB) {
		e := newEnv(t, store)
		p := e.product("真丝衬衫", 29900, 5)
		o := e.order(e.buyer, p, 1)
		first, err := e.svc.Pay(e.ctx, e.buyer, o.ID, commerce.PayInput{})
		if err != nil || !strings.HasPrefix(first.PayURL, "https://shop.example.cn/pay/sandbox/sbx_") || first.Payment.Amount != 29900 {
			t.Fatalf("pay: %+v %v", first, err)
		}
		again, _ := e.svc.Pay(e.ctx, e.buyer, o.ID, commerce.PayInput{})
		if again.Payment.ProviderRef != first.Payment.ProviderRef {
			t.Fatal("a second tap opened a second cashier")
		}
		_, err = e.svc.Pay(e.ctx, e.buyer, o.ID, commerce.PayInput{Provider: "wechat"})
		wantCode(t, err, siyu.EINVALID, "provider")
		ref := first.Payment.ProviderRef
		now := e.clock.Now()
		ok := commerce.CallbackResult{ProviderRef: ref, OrderID: o.ID, AmountFen: 29900, Status: "succeeded", EventID: "evt_1"}
		handle := func(r *http.Request) error { _, err := e.svc.HandleCallback(e.ctx, "sandbox", r); return err }

		for name, c := range map[string]struct {
			r    *http.Request
			code string
		}{
			"tampered body": {e.callback(ok, now, func(b []byte) []byte {
				return []byte(strings.Replace(string(b), `"amount":29900`, `"amount":1`, 1))
			}), siyu.EUNAUTHORIZED},
			"wrong amount":     {e.callback(commerce.CallbackResult{ProviderRef: ref, OrderID: o.ID, AmountFen: 1, Status: "succeeded", EventID: "evt_x"}, now, nil), siyu.EINVALID},
			"wrong order":      {e.callback(commerce.CallbackResult{ProviderRef: ref, OrderID: o.ID + 1, AmountFen: 29900, Status: "succeeded", EventID: "evt_y"}, now, nil), siyu.EINVALID},
			"unknown ref":      {e.callback(commerce.CallbackResult{ProviderRef: "sbx_nope", OrderID: o.ID, AmountFen: 29900, Status: "succeeded", EventID: "evt_z"}, now, nil), siyu.ENOTFOUND},
			"replayed old":     {e.callback(ok, now.Add(-6*time.Minute), nil), siyu.EUNAUTHORIZED},
			"from the future":  {e.callback(ok, now.Add(6*time.Minute), nil), siyu.EUNAUTHORIZED},
			"unknown status":   {e.callback(commerce.CallbackResult{ProviderRef: ref, OrderID: o.ID, AmountFen: 29900, Status: "maybe", EventID: "evt_s"}, now, nil), siyu.EINVALID},
			"missing event id": {e.callback(commerce.CallbackResult{ProviderRef: ref, OrderID: o.ID, AmountFen: 29900, Status: "succeeded"}, now, nil), siyu.EINVALID},
		} {
			if err := handle(c.r); siyu.ErrorCode(err) != c.code {
				t.Errorf("%s: %v, want %s", name, err, c.code)
			}
		}
		unsigned := e.callback(ok, now, nil)
		unsigned.Header.Del(commerce.SandboxSignatureHeader)
		wantCode(t, handle(unsigned), siyu.EUNAUTHORIZED)
		if got := e.get(e.buyer, o.ID); got.Status != "created" || got.Payments[0].Status != "pending" {
			t.Fatalf("a refused callback changed the order: %+v", got)
		}
		var events int
		_ = store.GetContext(e.ctx, &events, `SELECT COUNT(*) FROM payment_events`)
		if events != 0 {
			t.Fatalf("%d refused callbacks were recorded", events)
		}

		// A failure is recorded; the order stays payable with a new attempt.
		if err := handle(e.callback(commerce.CallbackResult{ProviderRef: ref, OrderID: o.ID, AmountFen: 29900, Status: "failed",
			EventID: "evt_f", Reason: "余额不足"}, now, nil)); err != nil {
			t.Fatal(err)
		}
		got := e.get(e.buyer, o.ID)
		if got.Status != "created" || got.Payments[0].Status != "failed" || got.Payments[0].FailReason != "余额不足" || got.Payments[0].FinishedAt.IsZero() {
			t.Fatalf("after a failed payment: %+v", got)
		}
		second, err := e.svc.Pay(e.ctx, e.buyer, o.ID, commerce.PayInput{})
		if err != nil || second.Payment.ProviderRef == ref {
			t.Fatalf("retry after failure: %+v %v", second, err)
		}

		// Success, then the same event again (within the window): 200, no second transition.
		e.clock.Add(time.Minute)
		win := ok
		win.ProviderRef, win.EventID = second.Payment.ProviderRef, "evt_ok"
		for range 2 {
			if err := handle(e.callback(win, e.clock.Now().Add(-4*time.Minute), nil)); err != nil {
				t.Fatal(err)
			}
		}
		win.EventID = "evt_ok_again" // a second notification of the same success
		if err := handle(e.callback(win, e.clock.Now(), nil)); err != nil {
			t.Fatal(err)
		}
		got = e.get(e.buyer, o.ID)
		if got.Status != "paid" || got.Payments[1].Status != "succeeded" {
			t.Fatalf("after success: %+v", got)
		}
		if e.events.List() != "order.created,order.paid" {
			t.Fatalf("webhooks: %s", e.events.List())
		}
		if _, sold := e.stock(p.ID); sold != 1 {
			t.Fatalf("sold %d after one payment notified three times", sold)
		}
		// The first (failed) attempt's money arriving late is kept apart, not applied twice.
		late := ok
		late.EventID = "evt_late"
		if err := handle(e.callback(late, e.clock.Now(), nil)); err != nil {
			t.Fatal(err)
		}
		if got = e.get(e.buyer, o.ID); got.Payments[0].Status != "orphaned" || got.Status != "paid" {
			t.Fatalf("late payment: %+v", got)
		}

		// The cashier's timeout button sends nothing; acting on a finished attempt is a conflict.
		o2 := e.order(e.buyer, p, 1)
		res, _ := e.svc.Pay(e.ctx, e.buyer, o2.ID, commerce.PayInput{})
		if _, err := e.svc.Sandbox().Act(e.ctx, res.Payment.ProviderRef, commerce.OutcomeTimeout); err != nil {
			t.Fatal(err)
		}
		if got := e.get(e.buyer, o2.ID); got.Status != "created" || got.Payments[0].Status != "pending" {
			t.Fatalf("timeout changed something: %+v", got)
		}
		if _, err := e.svc.Sandbox().Act(e.ctx, res.Payment.ProviderRef, commerce.OutcomeFail); err != nil {
			t.Fatal(err)
		}
		_, err = e.svc.Sandbox().Act(e.ctx, res.Payment.ProviderRef, commerce.OutcomeSuccess)
		wantCode(t, err, siyu.ECONFLICT)
		// Another viewer cannot pay or read this buyer's order.
		_, err = e.svc.Pay(e.ctx, e.viewer(e.session, "别人"), o2.ID, commerce.PayInput{})
		wantCode(t, err, siyu.ENOTFOUND)
	})
}
