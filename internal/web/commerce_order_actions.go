package web

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/siyu-live/siyu"
	"github.com/siyu-live/siyu/internal/commerce"
	"github.com/siyu-live/siyu/internal/org"
)

// The order actions check orders.manage before reading the form, as the API's routes
// do; the service checks it again, so no path gives a role more than the API would.

func canManageOrders(q *rq) error {
	if !q.p.Can(org.PermOrdersManage) {
		return siyu.Errorf(siyu.EFORBIDDEN, "your role may not ship, complete or refund orders")
	}
	return nil
}

// rerenderOrder shows the order page again with a rejected form or the reason an
// action was refused (the order moved meanwhile, no delivery address yet, …).
func (c *Console) rerenderOrder(q *rq, id int64, status int, ship, refund *form, actionErr string) error {
	d, err := c.orderData(q, id, ship, refund, actionErr)
	if err != nil {
		return err
	}
	q.csp = imageCSP
	q.render(status, "commerce_order", "commerce.order.title", d)
	return nil
}

// orderActionErr turns a refused transition into the text shown on the order page.
// The service's conflicts name the statuses in English; the page says it in the
// page's language from the order as it is now.
func (c *Console) orderActionErr(q *rq, id int64, err error) string {
	if siyu.ErrorCode(err) != siyu.ECONFLICT {
		return c.errText(q.lang, "order", err)
	}
	if strings.Contains(siyu.ErrorMessage(err), "no delivery address") {
		return q.t("commerce.err.no_address")
	}
	o, gerr := c.Commerce.Order(q.r.Context(), q.p, id)
	if gerr != nil {
		return c.errText(q.lang, "order", err)
	}
	return q.t("commerce.err.moved", q.t("commerce.status."+o.Status))
}

// orderShip ships a paid order with the carrier and waybill number.
func (c *Console) orderShip(q *rq) error {
	id, f, err := itemForm(q, canManageOrders)
	if err != nil {
		return err
	}
	in := commerce.ShipInput{Carrier: strings.TrimSpace(f.Get("carrier")), TrackingNo: strings.TrimSpace(f.Get("tracking_no"))}
	_, err = c.Commerce.Ship(q.r.Context(), q.p, id, in)
	switch code := siyu.ErrorCode(err); {
	case err == nil:
		q.redirect(orderURL(id), "flash.commerce_order_shipped", strconv.FormatInt(id, 10))
		return nil
	case code == siyu.EINVALID:
		switch siyu.ErrorField(err) {
		case "carrier":
			f.Errors["carrier"] = q.t("commerce.err.carrier")
		case "tracking_no":
			f.Errors["tracking_no"] = q.t("commerce.err.tracking_no")
		default:
			f.Errors[""] = c.errText(q.lang, "order", err)
		}
		return c.rerenderOrder(q, id, http.StatusUnprocessableEntity, f, nil, "")
	case code == siyu.ECONFLICT:
		return c.rerenderOrder(q, id, http.StatusConflict, f, nil, c.orderActionErr(q, id, err))
	default:
		return err
	}
}

// orderComplete marks a shipped order completed.
func (c *Console) orderComplete(q *rq) error {
	if err := canManageOrders(q); err != nil {
		return err
	}
	id, err := pathID(q, "id")
	if err != nil {
		return err
	}
	_, err = c.Commerce.Complete(q.r.Context(), q.p, id)
	switch siyu.ErrorCode(err) {
	case "":
		q.redirect(orderURL(id), "flash.commerce_order_completed", strconv.FormatInt(id, 10))
		return nil
	case siyu.ECONFLICT:
		return c.rerenderOrder(q, id, http.StatusConflict, nil, nil, c.orderActionErr(q, id, err))
	}
	return err
}

// orderRefund refunds a paid, unshipped order in full; the stock comes back. The
// button asks first (data-confirm), since money leaves and it cannot be undone.
func (c *Console) orderRefund(q *rq) error {
	id, f, err := itemForm(q, canManageOrders)
	if err != nil {
		return err
	}
	_, err = c.Commerce.Refund(q.r.Context(), q.p, id, commerce.RefundInput{Reason: strings.TrimSpace(f.Get("reason"))})
	switch siyu.ErrorCode(err) {
	case "":
		q.redirect(orderURL(id), "flash.commerce_order_refunded", strconv.FormatInt(id, 10))
		return nil
	case siyu.EINVALID:
		f.Errors["reason"] = q.t("commerce.err.reason")
		return c.rerenderOrder(q, id, http.StatusUnprocessableEntity, nil, f, "")
	case siyu.ECONFLICT:
		return c.rerenderOrder(q, id, http.StatusConflict, nil, f, c.orderActionErr(q, id, err))
	}
	return err
}
