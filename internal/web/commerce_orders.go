package web

import (
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/siyu-live/siyu"
	"github.com/siyu-live/siyu/internal/commerce"
	"github.com/siyu-live/siyu/internal/org"
)

// orderPageSize is the number of orders per page of the list.
const orderPageSize = 20

// sessionOpt is a live session in the order filter.
type sessionOpt struct {
	ID    int64
	Title string
}

// orderListData is the order list: filters, one page (newest first) and its cursor.
type orderListData struct {
	Orders    []orderItem
	Status    string
	Statuses  []string
	SessionID int64
	Sessions  []sessionOpt
	Query     string
	Missing   string // an order number searched for that does not exist
	Before    int64
	Next      string
	Manage    bool
	Products  bool // may open the products tab (everyone in the area may)
}

// orderItem is one row: the order and the title of the session it was placed in.
type orderItem struct {
	commerce.Order
	Session string
}

// sessions lists the tenant's recent sessions for the filter, newest first.
func (c *Console) sessions(q *rq) ([]sessionOpt, error) {
	if c.Live == nil {
		return nil, nil
	}
	list, _, err := c.Live.List(q.r.Context(), q.p, "", 0, 100)
	if err != nil {
		return nil, err
	}
	out := make([]sessionOpt, 0, len(list))
	for _, s := range list {
		out = append(out, sessionOpt{ID: s.ID, Title: s.Title})
	}
	return out, nil
}

func sessionTitle(opts []sessionOpt, id int64) string {
	if i := slices.IndexFunc(opts, func(o sessionOpt) bool { return o.ID == id }); i >= 0 {
		return opts[i].Title
	}
	return ""
}

func (c *Console) orderList(q *rq) error {
	if !q.p.Can(org.PermOrdersView) {
		return siyu.Errorf(siyu.EFORBIDDEN, "your role may not see orders")
	}
	ctx := q.r.Context()
	qs := q.r.URL.Query()
	d := orderListData{Statuses: commerce.Statuses, Manage: q.p.Can(org.PermOrdersManage), Products: true}
	if s := qs.Get("status"); slices.Contains(commerce.Statuses, s) {
		d.Status = s
	}
	d.SessionID, _ = strconv.ParseInt(qs.Get("session"), 10, 64)
	d.Before, _ = strconv.ParseInt(qs.Get("before"), 10, 64)
	// An order number goes straight to that order, as the number on a parcel or a
	// buyer's message is what support staff have in hand.
	if d.Query = strings.TrimSpace(qs.Get("q")); d.Query != "" {
		if id, err := strconv.ParseInt(strings.TrimPrefix(d.Query, "#"), 10, 64); err == nil && id > 0 {
			if _, err := c.Commerce.Order(ctx, q.p, id); err == nil {
				http.Redirect(q.w, q.r, orderURL(id), http.StatusFound)
				return nil
			} else if siyu.ErrorCode(err) != siyu.ENOTFOUND {
				return err
			}
		}
		d.Missing = d.Query
	}
	var err error
	if d.Sessions, err = c.sessions(q); err != nil {
		return err
	}
	// A session older than the filter's list still shows by name when filtered on.
	if d.SessionID > 0 && sessionTitle(d.Sessions, d.SessionID) == "" && c.Live != nil {
		if s, err := c.Live.Get(ctx, q.p, d.SessionID); err == nil {
			d.Sessions = append(d.Sessions, sessionOpt{ID: s.ID, Title: s.Title})
		}
	}
	list, next, err := c.Commerce.Orders(ctx, q.p, commerce.OrderFilter{Status: d.Status, SessionID: d.SessionID}, d.Before, orderPageSize)
	if err != nil {
		return err
	}
	d.Next = next
	for _, o := range list {
		d.Orders = append(d.Orders, orderItem{Order: o, Session: sessionTitle(d.Sessions, o.SessionID)})
	}
	q.csp = imageCSP
	q.render(http.StatusOK, "commerce_orders", "commerce.orders", d)
	return nil
}

// carriers are the couriers offered as suggestions when shipping; any other name
// may be typed.
var carriers = []string{"顺丰速运", "中通快递", "圆通速递", "韵达快递", "申通快递", "极兔速递", "京东物流", "中国邮政 EMS", "德邦快递"}

// orderStep is one stage of the progress bar at the top of an order.
type orderStep struct {
	Key  string // catalog key commerce.step.<Key>
	At   time.Time
	Done bool
	Bad  bool // the order ended here (cancelled or refunded)
}

// orderEvent is one entry of the order's history.
type orderEvent struct {
	Key    string // catalog key commerce.log.<Key>
	At     time.Time
	Detail string
	Reason string // a catalog key for a known reason, shown translated
}

// orderPageData is the order page.
type orderPageData struct {
	O          commerce.Order
	Session    string
	Steps      []orderStep
	Events     []orderEvent
	Manage     bool // may ship and complete
	Refund     bool // may refund
	ShipForm   *form
	RefundForm *form
	ActionErr  string
	Carriers   []string
	Paid       *commerce.Payment // the attempt that paid
}

// orderSteps is the progress bar: the happy path, or where the order left it.
func orderSteps(o commerce.Order) []orderStep {
	steps := []orderStep{{Key: "created", At: o.CreatedAt, Done: true}}
	switch o.Status {
	case commerce.StatusCancelled:
		return append(steps, orderStep{Key: "cancelled", At: o.CancelledAt, Done: true, Bad: true})
	case commerce.StatusRefunded:
		return append(steps, orderStep{Key: "paid", At: o.PaidAt, Done: true},
			orderStep{Key: "refunded", At: o.RefundedAt, Done: true, Bad: true})
	}
	return append(steps, orderStep{Key: "paid", At: o.PaidAt, Done: !o.PaidAt.IsZero()},
		orderStep{Key: "shipped", At: o.ShippedAt, Done: !o.ShippedAt.IsZero()},
		orderStep{Key: "completed", At: o.CompletedAt, Done: !o.CompletedAt.IsZero()})
}

// orderEvents is the order's history, oldest first, from its timestamps and its
// payment attempts (failed ones included: support staff are asked about those).
func orderEvents(o commerce.Order) []orderEvent {
	ev := []orderEvent{{Key: "created", At: o.CreatedAt}}
	for _, p := range o.Payments {
		if p.Status == commerce.PaymentFailed && !p.FinishedAt.IsZero() {
			ev = append(ev, orderEvent{Key: "pay_failed", At: p.FinishedAt, Detail: p.FailReason})
		}
	}
	add := func(key string, at time.Time, detail, reason string) {
		if !at.IsZero() {
			ev = append(ev, orderEvent{Key: key, At: at, Detail: detail, Reason: reason})
		}
	}
	add("paid", o.PaidAt, "", "")
	add("shipped", o.ShippedAt, strings.TrimSpace(o.Carrier+" "+o.TrackingNo), "")
	add("completed", o.CompletedAt, "", "")
	switch o.CancelReason {
	case commerce.CancelByBuyer, commerce.CancelExpired:
		add("cancelled", o.CancelledAt, "", "commerce.cancel."+o.CancelReason)
	default:
		add("cancelled", o.CancelledAt, o.CancelReason, "")
	}
	add("refunded", o.RefundedAt, o.RefundReason, "")
	slices.SortStableFunc(ev, func(a, b orderEvent) int { return a.At.Compare(b.At) })
	return ev
}

// orderData loads the order page; ship and refund carry a rejected form back.
func (c *Console) orderData(q *rq, id int64, ship, refund *form, actionErr string) (orderPageData, error) {
	o, err := c.Commerce.Order(q.r.Context(), q.p, id)
	if err != nil {
		return orderPageData{}, err
	}
	d := orderPageData{O: o, Steps: orderSteps(o), Events: orderEvents(o), Manage: q.p.Can(org.PermOrdersManage),
		Refund: q.p.Can(org.PermOrdersManage), ShipForm: ship, RefundForm: refund,
		ActionErr: actionErr, Carriers: carriers}
	if d.ShipForm == nil {
		d.ShipForm = newForm(nil)
	}
	if d.RefundForm == nil {
		d.RefundForm = newForm(nil)
	}
	for i := range o.Payments {
		if p := &o.Payments[i]; p.Status == commerce.PaymentSucceeded || p.Status == commerce.PaymentRefunded {
			d.Paid = p
		}
	}
	if o.SessionID > 0 && c.Live != nil {
		if s, err := c.Live.Get(q.r.Context(), q.p, o.SessionID); err == nil {
			d.Session = s.Title
		}
	}
	return d, nil
}

func (c *Console) orderDetail(q *rq) error {
	id, err := pathID(q, "id")
	if err != nil {
		return err
	}
	d, err := c.orderData(q, id, nil, nil, "")
	if err != nil {
		return err
	}
	q.csp = imageCSP
	q.render(http.StatusOK, "commerce_order", "commerce.order.title", d)
	return nil
}

func orderURL(id int64) string { return "/console/commerce/orders/" + strconv.FormatInt(id, 10) }
