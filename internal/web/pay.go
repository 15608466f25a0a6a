package web

import (
	"fmt"
	"net/http"
	"net/url"
	"time"

	"github.com/siyu-live/siyu"
	"github.com/siyu-live/siyu/internal/commerce"
)

// payPage is the sandbox cashier's template name (templates/pay_sandbox.html).
const payPage = "pay_sandbox"

// MountPay serves the sandbox payment provider's cashier at /pay/sandbox/{ref}: the
// order summary and three buttons (支付成功 / 支付失败 / 超时不支付) that make the
// sandbox send its signed callback, as WeChat Pay or Alipay would after a real
// payment. It is mounted by the server next to the console because it is a public
// page in the same look; nothing is mounted when the sandbox is disabled.
func (c *Console) MountPay(mux *http.ServeMux, cs *commerce.Service) {
	if cs == nil || cs.Sandbox() == nil {
		return
	}
	// The public shell and its partials come from a parsed public page, so the cashier
	// follows whatever the public pages include.
	c.parsePage("pub_error", payPage, nil, "templates/"+payPage+".html")
	mux.Handle("GET /pay/sandbox/{ref}", c.publicPage(func(q *rq) error { return c.cashier(q, cs) }))
	mux.Handle("POST /pay/sandbox/{ref}", c.publicPage(func(q *rq) error { return c.cashierAct(q, cs) }))
}

// cashierView is what the cashier template shows. State is the result panel to show
// (empty while the buyer has not decided): succeeded, failed, timeout, closed,
// orphaned or refunded.
type cashierView struct {
	Ref       string
	Payment   commerce.Payment
	Order     commerce.Order
	ReturnURL string
	Pending   bool   // the three buttons are offered
	State     string // result panel
	Remaining string // mm:ss left to pay
	ClosesAt  string // when an abandoned order closes (HH:MM, China time)
	Phone     string // the receiver's phone, masked: the link may be shared
}

var chinaTime = time.FixedZone("CST", 8*3600)

func (c *Console) cashier(q *rq, cs *commerce.Service) error {
	co, err := cs.Sandbox().Checkout(q.r.Context(), q.r.PathValue("ref"))
	if siyu.ErrorCode(err) == siyu.ENOTFOUND {
		q.pubError(http.StatusNotFound, "pay.notfound.title", "pay.notfound.text")
		return nil
	} else if err != nil {
		return err
	}
	result := q.r.URL.Query().Get("result")
	now := cs.Now()
	v := cashierView{Ref: co.Payment.ProviderRef, Payment: co.Payment, Order: co.Order, ReturnURL: co.ReturnURL}
	if a := co.Order.Address; a != nil && len(a.Phone) == 11 {
		v.Phone = a.Phone[:3] + "****" + a.Phone[7:]
	} else if a != nil {
		v.Phone = a.Phone
	}
	left := co.Remaining(now)
	switch {
	case co.Payment.Status == commerce.PaymentRefunded:
		v.State = "refunded"
	case co.Payment.Status == commerce.PaymentSucceeded:
		v.State = commerce.PaymentSucceeded
	case co.Payment.Status == commerce.PaymentOrphaned:
		v.State = "orphaned"
	case co.Payment.Status == commerce.PaymentFailed:
		v.State = commerce.PaymentFailed
	case left <= 0:
		v.State = "closed"
	case result == commerce.OutcomeTimeout:
		v.State = "timeout"
		v.ClosesAt = co.Order.ExpiresAt.In(chinaTime).Format("15:04")
	default:
		v.Pending = true
		v.Remaining = fmt.Sprintf("%02d:%02d", int(left.Minutes()), int(left.Seconds())%60)
	}
	q.renderPublic(http.StatusOK, payPage, q.t("pay.title"), "coral", "pay-body", v)
	return nil
}

// cashierAct handles a button, then redirects to the cashier (post/redirect/get) so a
// reload never clicks twice. A click on an attempt that is no longer pending just
// shows its state.
func (c *Console) cashierAct(q *rq, cs *commerce.Service) error {
	if err := q.r.ParseForm(); err != nil {
		return siyu.Errorf(siyu.EINVALID, "form")
	}
	ref, outcome := q.r.PathValue("ref"), q.r.PostForm.Get("outcome")
	_, err := cs.Sandbox().Act(q.r.Context(), ref, outcome)
	switch siyu.ErrorCode(err) {
	case "", siyu.ECONFLICT:
	case siyu.ENOTFOUND:
		q.pubError(http.StatusNotFound, "pay.notfound.title", "pay.notfound.text")
		return nil
	default:
		return err
	}
	target := "/pay/sandbox/" + url.PathEscape(ref)
	if outcome == commerce.OutcomeTimeout {
		target += "?result=timeout"
	}
	http.Redirect(q.w, q.r, target, http.StatusSeeOther)
	return nil
}
