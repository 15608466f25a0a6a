package main

import (
	"fmt"
	"net/http"
	"sync"
	"sync/atomic"
	"testing"
)

type storedSale struct {
	Stock     int64  `json:"stock"`
	Sold      int64  `json:"sold"`
	StockLeft int64  `json:"stock_left"`
	Returned  int64  `json:"returned"`
	Status    string `json:"status"`
}

// saleOrders reads every live (not cancelled or refunded) order of a flash sale through
// the staff order list: order id → buyer, and the units each buyer holds.
func saleOrders(t *testing.T, client *http.Client, base, token, session, sale string) (orders map[int64]int64, held map[int64]int64, units int64) {
	t.Helper()
	orders, held = map[int64]int64{}, map[int64]int64{}
	for cursor := ""; ; {
		var page struct {
			Items []struct {
				ID       int64  `json:"id"`
				ViewerID int64  `json:"viewer_id"`
				Status   string `json:"status"`
				SourceID int64  `json:"source_id"`
				Lines    []struct {
					Quantity int64 `json:"quantity"`
				} `json:"lines"`
			} `json:"items"`
			NextCursor string `json:"next_cursor"`
		}
		url := base + "/api/v1/orders?source=flash_sale&limit=200&session_id=" + session
		if cursor != "" {
			url += "&cursor=" + cursor
		}
		getJSON(t, client, url, token, &page)
		for _, o := range page.Items {
			if fmt.Sprint(o.SourceID) != sale || o.Status == "cancelled" || o.Status == "refunded" {
				continue
			}
			orders[o.ID] = o.ViewerID
			for _, l := range o.Lines {
				held[o.ViewerID] += l.Quantity
				units += l.Quantity
			}
		}
		if cursor = page.NextCursor; cursor == "" {
			return orders, held, units
		}
	}
}

// TestKill9DuringFlashSale drives a buying storm at a real siyu process, SIGKILLs it in
// the middle, restarts it on the same data directory and checks that every purchase
// answered 201 is a stored order of its buyer, that the sale's counters, the orders and
// the product's stock reconcile exactly, and that the rebuilt owner sells exactly the
// units left — never one more — and remembers who already bought.
func TestKill9DuringFlashSale(t *testing.T) {
	if testing.Short() {
		t.Skip("starts real processes")
	}
	r := newLiveRig(t, "Flash Kill Co", "owner@flashkill9.example", "kill -9 秒杀")
	client, token, p, sid := r.client, r.token, r.p, r.sid
	const productStock, stock, viewers = 500, 300, 400
	_, prod, _ := post(client, p.url+"/api/v1/products", token, map[string]any{"name": "秒杀品", "price": 9900, "stock": productStock})
	pid := fmt.Sprint(int64(prod["id"].(float64)))
	_, sale, _ := post(client, p.url+"/api/v1/sessions/"+sid+"/flash-sales", token, map[string]any{"product_id": prod["id"],
		"price": 990, "stock": stock, "per_user_limit": 1})
	if sale["id"] == nil {
		t.Fatalf("launch: %v", sale)
	}
	fid := fmt.Sprint(int64(sale["id"].(float64)))
	vs := r.viewers(viewers, "买家")

	// The storm: 24 buyers at a time until the process dies under them.
	var mu sync.Mutex
	acked := map[int64]int64{}  // order id → viewer answered 201
	unknown := map[int64]bool{} // viewers whose purchase got no answer: it may or may not have committed
	var ackedN atomic.Int64
	buy := map[string]any{"quantity": 1}
	purchase := func(i int) bool {
		status, body, err := post(client, p.url+"/api/v1/flash-sales/"+fid+"/orders", vs[i].token, buy)
		mu.Lock()
		defer mu.Unlock()
		switch {
		case err != nil || status >= 500:
			unknown[vs[i].id] = true
		case status == 201:
			acked[int64(body["order_id"].(float64))] = vs[i].id
			ackedN.Add(1)
		}
		return err == nil
	}
	p2 := r.killDuring(viewers, purchase, &ackedN, 60)
	t.Logf("killed with %d orders acknowledged and %d purchases in flight", len(acked), len(unknown))
	checkBooks := func(when string, wantProduct int64) (map[int64]int64, map[int64]int64, storedSale) {
		t.Helper()
		var got storedSale
		getJSON(t, client, p2.url+"/api/v1/flash-sales/"+fid, token, &got)
		orders, held, units := saleOrders(t, client, p2.url, token, sid, fid)
		var product struct {
			Stock int64 `json:"stock"`
		}
		getJSON(t, client, p2.url+"/api/v1/products/"+pid, token, &product)
		if got.Sold != units || got.Sold+got.StockLeft != got.Stock || got.Sold > stock {
			t.Fatalf("%s: sale says sold %d, stock_left %d of %d; the live orders hold %d units", when, got.Sold, got.StockLeft,
				got.Stock, units)
		}
		if product.Stock != wantProduct {
			t.Fatalf("%s: product stock %d, want %d", when, product.Stock, wantProduct)
		}
		for v, n := range held {
			if n > 1 {
				t.Fatalf("%s: viewer %d holds %d units with a limit of 1", when, v, n)
			}
		}
		return orders, held, got
	}
	orders, held, _ := checkBooks("after kill -9", productStock-stock)
	for id, v := range acked {
		if orders[id] != v {
			t.Errorf("acknowledged order %d of viewer %d is missing after the restart (stored for viewer %d)", id, v, orders[id])
		}
	}
	for id, v := range orders {
		if _, ok := acked[id]; !ok && !unknown[v] {
			t.Errorf("order %d of viewer %d is stored but nobody asked for it", id, v)
		}
	}

	// The rebuilt owner refuses the buyers and sells exactly the units left.
	for _, v := range vs {
		status, body, err := post(client, p2.url+"/api/v1/flash-sales/"+fid+"/orders", v.token, buy)
		if err != nil {
			t.Fatal(err)
		}
		code := ""
		if e, ok := body["error"].(map[string]any); ok {
			code, _ = e["code"].(string)
		}
		switch {
		case held[v.id] > 0 && code != "limit_reached":
			t.Errorf("viewer %d bought again after the restart: %d %v", v.id, status, body)
		case status == 201:
			held[v.id]++
		case code != "limit_reached" && code != "sold_out":
			t.Errorf("viewer %d: %d %v", v.id, status, body)
		}
	}
	orders, _, got := checkBooks("after the rest of the storm", productStock-stock)
	if got.Sold != stock || len(orders) != stock || got.Status != "sold_out" {
		t.Fatalf("after the restart the sale ends with %d sold in %d orders (%s), want exactly %d", got.Sold, len(orders), got.Status, stock)
	}

	// A cancelled order's unit goes back to the sale; ending returns it to the product.
	var one int64
	var owner string
	for id, v := range orders {
		one = id
		for _, x := range vs {
			if x.id == v {
				owner = x.token
			}
		}
		break
	}
	if status, body, err := post(client, fmt.Sprintf("%s/api/v1/viewer/orders/%d/cancel", p2.url, one), owner, nil); status != 200 {
		t.Fatalf("cancel: %d %v %v", status, body, err)
	}
	if status, body, err := post(client, p2.url+"/api/v1/flash-sales/"+fid+"/end", token, nil); status != 200 {
		t.Fatalf("end: %d %v %v", status, body, err)
	}
	_, _, got = checkBooks("after the end", productStock-stock+1)
	if got.Status != "ended" || got.Returned != 1 || got.Sold != stock-1 {
		t.Fatalf("ended sale: %+v", got)
	}
}
