package loadgen

import (
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"
)

// FlashSaleOptions are the knobs of `siyu bench flashsale`.
type FlashSaleOptions struct {
	Exe     string // the siyu binary (os.Executable)
	Report  string // file to append results to ("" = print only)
	Command string // the command line, recorded with the results
	Stock   int64  // units of the sale; every buyer may buy one
	Rounds  int    // sales stormed one after another by the same buyers; the median is reported
	FlashSaleClientOptions
}

// FlashSaleResult is the benchmark's outcome and its invariant checks.
type FlashSaleResult struct {
	Storm, Again                  BuyPhase
	StormCPU, AgainCPU, ClientCPU float64 // CPU seconds per wall second
	Stock, Sold, StockLeft        int64   // the sale as the server reports it
	StoredOrders                  int     // live flash-sale orders in the database
	StoredUnits                   int64
	AckedMissing                  int // 201 answers without their order in the database (must be 0)
	ViewerMismatch                int // an order stored for another viewer than the one answered (must be 0)
	StoredUnacked                 int // orders nobody was answered 201 for (0 without errors)
	OverLimit                     int // viewers holding more than one unit (must be 0)
	SKUStock, SKUWant             int64
	InvariantsOK                  bool
	StormPerSec, BaselinePerSec   float64 // answers per second
	OrdersPerSec, Ratio           float64
	Ratios                        []float64     // every round's Ratio, in order (the result is the median round)
	Show                          FlashSaleShow // the session as a show: its post-live report reconciled
}

// RunFlashSaleBench starts a server, creates the buyers from a separate process,
// launches one flash sale and has every buyer buy at once over HTTP; then every buyer
// buys again (refused from memory: the no-op baseline), and the database is checked
// against what was acknowledged.
func RunFlashSaleBench(ctx context.Context, opt FlashSaleOptions, out io.Writer) (FlashSaleResult, error) {
	res := FlashSaleResult{Stock: opt.Stock}
	srv, err := StartServer(ctx, opt.Exe)
	if err != nil {
		return res, err
	}
	defer srv.Stop()
	owner, err := Signup(srv.URL, "Bench Flash Sale Co")
	if err != nil {
		return res, err
	}
	var sess, product struct {
		ID int64 `json:"id"`
	}
	if err := owner.Do("POST", "/api/v1/sessions", map[string]any{"title": "秒杀压测"}, &sess, 201); err != nil {
		return res, err
	}
	if err := owner.Do("POST", fmt.Sprintf("/api/v1/sessions/%d/start", sess.ID), nil, nil, 200); err != nil {
		return res, err
	}
	opt.Rounds = max(opt.Rounds, 1)
	productStock := int64(opt.Rounds+1) * opt.Stock
	if err := owner.Do("POST", "/api/v1/products", map[string]any{"name": "压测秒杀品", "price": 9900, "stock": productStock},
		&product, 201); err != nil {
		return res, err
	}
	opt.URL, opt.SessionID = srv.URL, sess.ID
	child, err := startClients(ctx, opt.Exe, "bench", "flashsale-clients", "--url", opt.URL,
		"--session", strconv.FormatInt(opt.SessionID, 10), "--buyers", strconv.Itoa(opt.Buyers),
		"--conns", strconv.Itoa(opt.Conns), "--dup-every", strconv.Itoa(opt.DupEvery))
	if err != nil {
		return res, err
	}
	defer child.wait()
	fmt.Fprintf(out, "creating %d buyers…\n", opt.Buyers)
	if _, err := child.read("created"); err != nil {
		return res, err
	}
	var show FlashSaleShow
	if err := show.watch(child, opt.Buyers); err != nil {
		return res, err
	}
	rounds := make([]FlashSaleResult, 0, opt.Rounds)
	for round := 1; round <= opt.Rounds; round++ {
		fmt.Fprintf(out, "round %d of %d: a flash sale of %d units; %d buyers buy over %d connections…\n", round, opt.Rounds,
			opt.Stock, opt.Buyers, opt.Conns)
		r, err := runFlashSaleRound(owner, child, srv.PID(), opt, sess.ID, product.ID, productStock-int64(round)*opt.Stock)
		if err != nil {
			return res, err
		}
		rounds = append(rounds, r)
	}
	if err := show.finish(owner, child, sess.ID, out); err != nil {
		return res, err
	}
	fmt.Fprintln(child.stdin, "done")
	res = medianRound(rounds)
	res.Show = show
	res.InvariantsOK = res.InvariantsOK && show.OK
	table := res.table(opt)
	fmt.Fprintln(out, table)
	if opt.Report != "" {
		if err := AppendReport(opt.Report, "Flash sale: buying storm", opt.Command, flashSaleNotes+table); err != nil {
			return res, err
		}
		fmt.Fprintf(out, "appended to %s\n", opt.Report)
	}
	if !res.InvariantsOK {
		return res, fmt.Errorf("flash sale invariants violated (see the table)")
	}
	return res, nil
}

// runFlashSaleRound launches a new sale of the same product, has every buyer storm it,
// then buy again (the baseline), and checks the store against the answers. skuWant is
// the product stock expected once this round's sale holds its units.
func runFlashSaleRound(owner *Client, child *clientProcess, serverPID int, opt FlashSaleOptions, sessionID, productID, skuWant int64) (FlashSaleResult, error) {
	res := FlashSaleResult{Stock: opt.Stock}
	var sale struct {
		ID int64 `json:"id"`
	}
	if err := owner.Do("POST", fmt.Sprintf("/api/v1/sessions/%d/flash-sales", sessionID), map[string]any{"product_id": productID,
		"price": 990, "stock": opt.Stock, "per_user_limit": 1}, &sale, 201); err != nil {
		return res, err
	}
	cpu0, ccpu0, t0 := cpuSeconds(serverPID), cpuSeconds(child.PID()), time.Now()
	fmt.Fprintf(child.stdin, "go %d\n", sale.ID)
	raw, err := child.read("phase1")
	if err != nil {
		return res, err
	}
	wall := time.Since(t0).Seconds()
	res.StormCPU, res.ClientCPU = (cpuSeconds(serverPID)-cpu0)/wall, (cpuSeconds(child.PID())-ccpu0)/wall
	if err := json.Unmarshal([]byte(raw), &res.Storm); err != nil {
		return res, err
	}
	cpu0, t0 = cpuSeconds(serverPID), time.Now()
	fmt.Fprintln(child.stdin, "again")
	if raw, err = child.read("phase2"); err != nil {
		return res, err
	}
	res.AgainCPU = (cpuSeconds(serverPID) - cpu0) / time.Since(t0).Seconds()
	if err := json.Unmarshal([]byte(raw), &res.Again); err != nil {
		return res, err
	}
	return res, res.check(owner, opt.Buyers, sessionID, sale.ID, productID, skuWant)
}

// medianRound is the round with the median storm/baseline ratio, carrying every
// round's ratio and whether the invariants held in all of them: one storm lasts well
// under a second here, so a single round is at the mercy of the scheduler.
func medianRound(rounds []FlashSaleResult) FlashSaleResult {
	sorted := slices.Clone(rounds)
	slices.SortFunc(sorted, func(a, b FlashSaleResult) int { return cmp.Compare(a.Ratio, b.Ratio) })
	res := sorted[len(sorted)/2]
	res.Ratios = nil
	for _, r := range rounds {
		res.Ratios = append(res.Ratios, r.Ratio)
		res.InvariantsOK = res.InvariantsOK && r.InvariantsOK
	}
	return res
}

// check reads the sale, its orders and the product back through the API and compares
// them with what the buyers were answered.
func (r *FlashSaleResult) check(owner *Client, buyers int, sessionID, saleID, productID, skuWant int64) error {
	var sale struct {
		Stock     int64 `json:"stock"`
		Sold      int64 `json:"sold"`
		StockLeft int64 `json:"stock_left"`
	}
	if err := owner.Do("GET", fmt.Sprintf("/api/v1/flash-sales/%d", saleID), nil, &sale, 200); err != nil {
		return err
	}
	r.Sold, r.StockLeft = sale.Sold, sale.StockLeft
	stored := map[int64]int64{} // order id → viewer id
	held := map[int64]int64{}   // viewer id → units
	orders, err := sessionOrders(owner, sessionID, "&source=flash_sale")
	if err != nil {
		return err
	}
	for _, o := range orders {
		if o.SourceID != saleID || o.Status == "cancelled" || o.Status == "refunded" {
			continue
		}
		stored[o.ID] = o.ViewerID
		for _, l := range o.Lines {
			r.StoredUnits += l.Quantity
			held[o.ViewerID] += l.Quantity
		}
	}
	r.StoredOrders = len(stored)
	for id, v := range r.Storm.Orders {
		s, ok := stored[id]
		switch {
		case !ok:
			r.AckedMissing++
		case s != v:
			r.ViewerMismatch++
		}
	}
	for id := range stored {
		if _, ok := r.Storm.Orders[id]; !ok {
			r.StoredUnacked++
		}
	}
	for _, n := range held {
		if n > 1 {
			r.OverLimit++
		}
	}
	var product struct {
		Stock int64 `json:"stock"`
	}
	if err := owner.Do("GET", fmt.Sprintf("/api/v1/products/%d", productID), nil, &product, 200); err != nil {
		return err
	}
	r.SKUStock, r.SKUWant = product.Stock, skuWant
	wantSold := min(r.Stock, int64(buyers)) // one unit per buyer: sold out exactly when there are enough
	r.InvariantsOK = r.AckedMissing == 0 && r.ViewerMismatch == 0 && r.OverLimit == 0 && r.Storm.DoubleOrder == 0 &&
		r.Storm.Other == 0 && r.Again.Created == 0 && r.Sold+r.StockLeft == r.Stock && r.Sold == r.StoredUnits &&
		r.SKUStock == r.SKUWant && r.Sold == wantSold &&
		(r.Storm.Errors > 0 || (r.StoredUnacked == 0 && int64(r.Storm.Created) == r.Sold))
	if r.Storm.Seconds > 0 {
		r.StormPerSec = float64(r.Storm.Requests) / r.Storm.Seconds
		r.OrdersPerSec = float64(r.Storm.Created) / r.Storm.Seconds
	}
	if r.Again.Seconds > 0 {
		r.BaselinePerSec = float64(r.Again.Requests) / r.Again.Seconds
	}
	if r.BaselinePerSec > 0 {
		r.Ratio = 100 * r.StormPerSec / r.BaselinePerSec
	}
	return nil
}

func (r FlashSaleResult) table(opt FlashSaleOptions) string {
	s, a := r.Storm, r.Again
	var b strings.Builder
	w := tabwriter.NewWriter(&b, 0, 0, 2, ' ', 0)
	fmt.Fprintln(w, "| measure | value | goal |")
	fmt.Fprintln(w, "|---|---|---|")
	fmt.Fprintf(w, "| sale | %d units, limit 1 per buyer; %d buyers over %d connections | |\n", r.Stock, opt.Buyers, opt.Conns)
	fmt.Fprintf(w, "| purchase requests (concurrent double taps) | %d (%d) in %.2f s | |\n", s.Requests, s.Requests-opt.Buyers, s.Seconds)
	fmt.Fprintf(w, "| **throughput during the storm**, answers/s | **%.0f** | |\n", r.StormPerSec)
	fmt.Fprintf(w, "| no-op baseline: the same requests again, refused from memory (no commit), answers/s | %.0f (p50 %.1f ms, p99 %.1f ms) | |\n",
		r.BaselinePerSec, a.P50ms, a.P99ms)
	fmt.Fprintf(w, "| **storm throughput as a share of the baseline** (median round) | **%.0f%%** | ≥ 70%% |\n", r.Ratio)
	fmt.Fprintf(w, "| every round's share, in order | %s | |\n", percents(r.Ratios))
	fmt.Fprintf(w, "| orders committed per second of storm | %.0f | |\n", r.OrdersPerSec)
	fmt.Fprintf(w, "| purchase latency p50 / p99 / max | %.1f / %.1f / %.1f ms | |\n", s.P50ms, s.P99ms, s.MaxMs)
	fmt.Fprintf(w, "| answers: 201 / sold_out / limit_reached / other / errors | %d / %d / %d / %d / %d | |\n", s.Created, s.SoldOut,
		s.LimitReached, s.Other, s.Errors)
	fmt.Fprintf(w, "| units sold (sale) = units in stored live orders | %d = %d | exactly %d |\n", r.Sold, r.StoredUnits, r.Stock)
	fmt.Fprintf(w, "| sold + stock_left = stock | %d + %d = %d | exact |\n", r.Sold, r.StockLeft, r.Sold+r.StockLeft)
	fmt.Fprintf(w, "| 201 answers = stored orders; 201 without a stored order; stored for another viewer | %d = %d; %d; %d | equal; 0; 0 |\n",
		s.Created, r.StoredOrders, r.AckedMissing, r.ViewerMismatch)
	fmt.Fprintf(w, "| buyers over the limit; order ids answered twice; second purchases answered 201 | %d; %d; %d | 0; 0; 0 |\n",
		r.OverLimit, s.DoubleOrder, a.Created)
	fmt.Fprintf(w, "| product stock after launch (held by the sale) | %d | %d |\n", r.SKUStock, r.SKUWant)
	r.Show.rows(w)
	fmt.Fprintf(w, "| invariants | %s | hold |\n", verdict(r.InvariantsOK))
	fmt.Fprintf(w, "| CPU: server during storm / during baseline / client process | %.2f / %.2f / %.2f cores | of %d, shared |\n",
		r.StormCPU, r.AgainCPU, r.ClientCPU, runtime.NumCPU())
	w.Flush()
	if s.FirstBad != "" {
		fmt.Fprintf(&b, "\nFirst unexpected answer: `%s`\n", s.FirstBad)
	}
	return b.String()
}

func percents(xs []float64) string {
	parts := make([]string, len(xs))
	for i, x := range xs {
		parts[i] = fmt.Sprintf("%.0f%%", x)
	}
	return strings.Join(parts, ", ")
}

// flashSaleNotes explains the table in docs/benchmarks.md.
const flashSaleNotes = `A real server process (SQLite); the buyers in a second process on the same cores, over loopback
HTTP/1.1 keep-alive (the lean client of the red-envelope bench), one request at a time per
connection, empty body (one unit). Every buyer buys once, every 100th twice concurrently; a 201
is sent only after the order's group commit (sold counter, buyer's units and the order through
commerce in one transaction per batch). Then every buyer buys again: the same route, token
check and owner, refused from memory with no commit — the no-op baseline in the same run. The
invariants are read back through the API after every round. The same buyers then storm a new
sale of the same product, three rounds by default: the table is the round with the median
share, and lists every round's share. Around the storms the session is a show: some buyers watch
the room over WebSocket, ten orders are paid through the sandbox cashier after the last round,
the session is ended through the API and its post-live report (?refresh=1) must equal the
orders table and the room presence exactly (issue 6); its figures are in the table too.

`
