package loadgen

import (
	"encoding/json"
	"fmt"
	"io"
)

// The show around the storms: how many buyers watch the room, how many orders are paid.
const (
	flashWatchers = 50 // at most; a quarter of the buyers in small runs
	flashPaid     = 10
)

// FlashSaleShow is the session of the flash-sale bench seen as a live show: after the
// last round some orders are paid, the watchers leave, the session is ended through
// the API, and its post-live report is set against the orders table (read back through
// the API, every status) and the room presence the bench created.
type FlashSaleShow struct {
	Watching Watching // buyers who joined the room over WebSocket
	Paying   Paying   // orders the bench paid through the sandbox cashier
	// From the orders table: every order of the session whatever its status (下单), and
	// those now paid (paid, shipped or completed).
	Orders, GMV, PaidOrders, PaidAmount int64
	Buyers, PaidBuyers                  int64 // distinct buyers with an order / with a paid order
	PaidByBench                         int64 // of the orders the bench paid, those the table holds as paid
	WatchersOrdered, WatchersPaid       int64 // watchers holding an order / a paid order
	Report                              showReport
	Settle                              float64 // seconds from the end until the report reconciled
	Reads                               int
	OK                                  bool
}

// watch has the first buyers join the room before the storms.
func (s *FlashSaleShow) watch(child *clientProcess, buyers int) error {
	fmt.Fprintf(child.stdin, "watch %d\n", min(flashWatchers, buyers/4))
	raw, err := child.read("watching")
	if err != nil {
		return err
	}
	return json.Unmarshal([]byte(raw), &s.Watching)
}

// finish pays some orders, has the watchers leave, ends the session and checks its report.
func (s *FlashSaleShow) finish(owner *Client, child *clientProcess, sessionID int64, out io.Writer) error {
	fmt.Fprintf(out, "paying %d orders through the sandbox cashier, ending the show, reading its report…\n", flashPaid)
	fmt.Fprintf(child.stdin, "pay %d\n", flashPaid)
	raw, err := child.read("paid")
	if err != nil {
		return err
	}
	if err := json.Unmarshal([]byte(raw), &s.Paying); err != nil {
		return err
	}
	fmt.Fprintln(child.stdin, "leave")
	if _, err := child.read("left"); err != nil {
		return err
	}
	if err := endSession(owner, sessionID); err != nil {
		return err
	}
	orders, err := sessionOrders(owner, sessionID, "")
	if err != nil {
		return err
	}
	s.tally(orders)
	s.Report, s.Settle, s.Reads, err = awaitReport(owner, sessionID, s.reconciles)
	s.OK = err == nil && s.Watching.Failed == 0 && s.Paying.Failed == 0 && s.PaidByBench == int64(len(s.Paying.Orders)) &&
		s.PaidOrders == s.PaidByBench && len(s.Paying.Orders) > 0 && s.reconciles(s.Report)
	return err
}

// tally sums the session's orders as the report defines its figures.
func (s *FlashSaleShow) tally(orders []benchOrder) {
	watcher, paidByBench := map[int64]bool{}, map[int64]bool{}
	for _, id := range s.Watching.ViewerIDs {
		watcher[id] = true
	}
	for _, id := range s.Paying.Orders {
		paidByBench[id] = true
	}
	buyers, paidBuyers := map[int64]bool{}, map[int64]bool{}
	for _, o := range orders {
		s.Orders++
		s.GMV += o.Total
		buyers[o.ViewerID] = true
		paid := o.Status == "paid" || o.Status == "shipped" || o.Status == "completed"
		if paid {
			s.PaidOrders++
			s.PaidAmount += o.Total
			paidBuyers[o.ViewerID] = true
			if paidByBench[o.ID] {
				s.PaidByBench++
			}
		}
	}
	s.Buyers, s.PaidBuyers = int64(len(buyers)), int64(len(paidBuyers))
	for id := range watcher {
		if buyers[id] {
			s.WatchersOrdered++
		}
		if paidBuyers[id] {
			s.WatchersPaid++
		}
	}
}

// reconciles reports whether the report's figures equal the tables' exactly.
func (s *FlashSaleShow) reconciles(r showReport) bool {
	viewers := int64(len(s.Watching.ViewerIDs))
	return r.Status == "ended" && r.Orders == s.Orders && r.GMV == s.GMV && r.PaidOrders == s.PaidOrders &&
		r.PaidAmount == s.PaidAmount && r.Consumption.Buyers == s.Buyers && r.Consumption.PaidBuyers == s.PaidBuyers &&
		r.Viewers == viewers && r.stage("entered") == viewers && r.stage("checkout") == s.WatchersOrdered &&
		r.stage("paid") == s.WatchersPaid
}

// rows are the show's lines of the results table.
func (s *FlashSaleShow) rows(w io.Writer) {
	r := s.Report
	fmt.Fprintf(w, "| buyers who joined the room over WebSocket (the others only bought: buyers, not viewers) | %d (%d failed) | |\n",
		len(s.Watching.ViewerIDs), s.Watching.Failed)
	fmt.Fprintf(w, "| orders the bench paid through the sandbox cashier (支付成功) | %d (%d failed) | %d |\n", len(s.Paying.Orders),
		s.Paying.Failed, flashPaid)
	fmt.Fprintf(w, "| report orders = every order of the session in the orders table, any status (下单) | %d = %d | equal |\n",
		r.Orders, s.Orders)
	fmt.Fprintf(w, "| report gmv = their sum, fen | %d = %d | equal |\n", r.GMV, s.GMV)
	fmt.Fprintf(w, "| report paid_orders / paid_amount = orders now paid / their sum = orders the bench paid | %d / %d = %d / %d = %d | equal |\n",
		r.PaidOrders, r.PaidAmount, s.PaidOrders, s.PaidAmount, s.PaidByBench)
	fmt.Fprintf(w, "| report buyers / paid_buyers = distinct buyers with an order / with a paid order | %d / %d = %d / %d | equal |\n",
		r.Consumption.Buyers, r.Consumption.PaidBuyers, s.Buyers, s.PaidBuyers)
	fmt.Fprintf(w, "| report viewers = funnel entered = buyers who joined the room (room presence) | %d = %d = %d | equal |\n",
		r.Viewers, r.stage("entered"), len(s.Watching.ViewerIDs))
	fmt.Fprintf(w, "| funnel checkout / paid = buyers who joined and hold an order / a paid order | %d / %d = %d / %d | equal |\n",
		r.stage("checkout"), r.stage("paid"), s.WatchersOrdered, s.WatchersPaid)
	fmt.Fprintf(w, "| report read after the end (?refresh=1) until it reconciled | %.2f s, %d reads | |\n", s.Settle, s.Reads)
	fmt.Fprintf(w, "| post-live report reconciles with the orders and the room | %s | hold |\n", verdict(s.OK))
	if s.Paying.FirstBad != "" {
		fmt.Fprintf(w, "| first failed payment | `%s` | |\n", s.Paying.FirstBad)
	}
}

// benchOrder is an order as GET /api/v1/orders lists it, the fields the benchmarks check.
type benchOrder struct {
	ID       int64  `json:"id"`
	ViewerID int64  `json:"viewer_id"`
	Status   string `json:"status"`
	Total    int64  `json:"total"`
	SourceID int64  `json:"source_id"`
	Lines    []struct {
		Quantity int64 `json:"quantity"`
	} `json:"lines"`
}

// sessionOrders reads every order of the session through the staff API, page by page;
// filter adds query parameters (e.g. "&source=flash_sale"); no status filter means all.
func sessionOrders(owner *Client, sessionID int64, filter string) ([]benchOrder, error) {
	var all []benchOrder
	for cursor := ""; ; {
		var page struct {
			Items      []benchOrder `json:"items"`
			NextCursor string       `json:"next_cursor"`
		}
		path := fmt.Sprintf("/api/v1/orders?session_id=%d&limit=200%s", sessionID, filter)
		if cursor != "" {
			path += "&cursor=" + cursor
		}
		if err := owner.Do("GET", path, nil, &page, 200); err != nil {
			return nil, err
		}
		all = append(all, page.Items...)
		if cursor = page.NextCursor; cursor == "" {
			return all, nil
		}
	}
}
