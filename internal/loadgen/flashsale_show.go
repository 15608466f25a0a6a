package loadgen

import (
	"context"
	"fmt"
	"maps"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
)

// buyerShow is what the buyer process adds to the storms so that the bench's session
// is a show the post-live report can be checked against: some buyers watch the room
// (the others only buy, so they are buyers but not viewers), and some orders are paid
// through the sandbox cashier as a buyer would.
type buyerShow struct {
	opt      FlashSaleClientOptions
	hc       *http.Client
	tokens   map[int64]string // viewer id → token
	orders   map[int64]int64  // every order answered 201 so far → its buyer's viewer id
	watchers []*benchViewer
	watching map[int64]bool
	readers  sync.WaitGroup
}

// Watching answers "watch": the viewer ids of the buyers now in the room, and how
// many could not connect.
type Watching struct {
	ViewerIDs []int64 `json:"viewer_ids"`
	Failed    int     `json:"failed"`
}

// Paying answers "pay": the orders the sandbox cashier paid, and the attempts that
// failed (with the first failure, to show in the table).
type Paying struct {
	Orders   []int64 `json:"orders"`
	Failed   int     `json:"failed"`
	FirstBad string  `json:"first_bad,omitempty"`
}

// watch connects the given buyers to the room; each keeps reading (and drops what it
// reads) so the room never takes it for a slow viewer, until leave.
func (b *buyerShow) watch(ctx context.Context, tokens []string, ids []int64) Watching {
	viewers, failed := connectViewers(ctx, RoomClientOptions{URL: b.opt.URL, SessionID: b.opt.SessionID}, tokens, ids)
	b.watching = map[int64]bool{}
	res := Watching{ViewerIDs: []int64{}, Failed: failed}
	for _, v := range viewers {
		b.watchers = append(b.watchers, v)
		b.watching[v.id] = true
		res.ViewerIDs = append(res.ViewerIDs, v.id)
		b.readers.Add(1)
		go func() {
			defer b.readers.Done()
			for {
				if _, err := v.conn.readMessage(); err != nil {
					return
				}
			}
		}()
	}
	return res
}

// leave closes the watchers' connections (they leave the room) and says how many left.
func (b *buyerShow) leave() int {
	for _, v := range b.watchers {
		v.conn.close()
	}
	b.readers.Wait()
	n := len(b.watchers)
	b.watchers = nil
	return n
}

// pay pays n of the orders answered so far, half of them (rounded up) bought by
// watchers when there are enough, so the report's funnel has paid viewers and its
// consumption paid buyers who never watched.
func (b *buyerShow) pay(n int) Paying {
	var watched, others []int64
	for _, id := range slices.Sorted(maps.Keys(b.orders)) {
		if b.watching[b.orders[id]] {
			watched = append(watched, id)
		} else {
			others = append(others, id)
		}
	}
	half := min(len(watched), (n+1)/2)
	rest := append(others, watched[half:]...)
	take := append(slices.Clone(watched[:half]), rest[:min(len(rest), n-half)]...)
	res := Paying{Orders: []int64{}}
	for _, id := range take {
		if err := b.payOrder(id, b.tokens[b.orders[id]]); err != nil {
			res.Failed++
			if res.FirstBad == "" {
				res.FirstBad = err.Error()
			}
			continue
		}
		res.Orders = append(res.Orders, id)
	}
	return res
}

// benchAddress is the delivery address the paying buyers give.
var benchAddress = map[string]any{"name": "压测买家", "phone": "13800138000", "province": "上海市", "city": "上海市",
	"district": "静安区", "detail": "南京西路 1266 号"}

// payOrder pays one order as its buyer would: a delivery address when the goods need
// one, the pay call, then 支付成功 on the sandbox cashier (which sends the signed
// callback); the order must then read back paid.
func (b *buyerShow) payOrder(id int64, token string) error {
	c := &Client{Base: b.opt.URL, Token: token, HTTP: b.hc}
	path := "/api/v1/viewer/orders/" + strconv.FormatInt(id, 10)
	var o struct {
		Status       string `json:"status"`
		NeedsAddress bool   `json:"needs_address"`
		Address      any    `json:"address"`
	}
	if err := c.Do("GET", path, nil, &o, 200); err != nil {
		return err
	}
	if o.NeedsAddress && o.Address == nil {
		if err := c.Do("PUT", path+"/address", benchAddress, nil, 200); err != nil {
			return err
		}
	}
	var pay struct {
		PayURL string `json:"pay_url"`
	}
	if err := c.Do("POST", path+"/pay", nil, &pay, 200); err != nil {
		return err
	}
	u, err := url.Parse(pay.PayURL)
	if err != nil || !strings.HasPrefix(u.Path, "/pay/sandbox/") {
		return fmt.Errorf("order %d: pay_url %q is not the sandbox cashier", id, pay.PayURL)
	}
	noRedirect := &http.Client{Transport: b.hc.Transport, Timeout: b.hc.Timeout,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	res, err := noRedirect.PostForm(b.opt.URL+u.Path, url.Values{"outcome": {"success"}})
	if err != nil {
		return err
	}
	res.Body.Close()
	if res.StatusCode != http.StatusSeeOther {
		return fmt.Errorf("order %d: the cashier's 支付成功 answered %d", id, res.StatusCode)
	}
	if err := c.Do("GET", path, nil, &o, 200); err != nil {
		return err
	}
	if o.Status != "paid" {
		return fmt.Errorf("order %d is %s after 支付成功", id, o.Status)
	}
	return nil
}
