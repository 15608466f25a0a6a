package loadgen

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// FlashSaleClientOptions drive the buyer process of `siyu bench flashsale`.
type FlashSaleClientOptions struct {
	URL       string
	SessionID int64
	Buyers    int
	Conns     int // keep-alive connections buying in parallel
	DupEvery  int // every DupEvery-th buyer also buys a second time, concurrently (0: never)
}

// BuyPhase is one storm of purchases as the buyers saw it.
type BuyPhase struct {
	Requests     int     `json:"requests"`
	Created      int     `json:"created"` // 201: an order
	SoldOut      int     `json:"sold_out"`
	LimitReached int     `json:"limit_reached"`
	Other        int     `json:"other"`
	Errors       int     `json:"errors"` // no answer
	Seconds      float64 `json:"seconds"`
	P50ms        float64 `json:"p50_ms"`
	P99ms        float64 `json:"p99_ms"`
	MaxMs        float64 `json:"max_ms"`
	FirstBad     string  `json:"first_bad,omitempty"`
	DoubleOrder  int     `json:"double_order"` // one order id answered twice (must be 0)
	// Orders maps each answered order id to its buyer's viewer id (phase 1 only).
	Orders map[int64]int64 `json:"orders,omitempty"`
}

// RunFlashSaleClients is the buyer side of the flash-sale benchmark, in its own
// process. Protocol with the parent over stdin/stdout: "created N", then commands:
//   - "watch N": the first N buyers join the room over WebSocket (and stay) → "watching {json}";
//   - "go <sale id>" → "phase1 {json}" → waits "again" → "phase2 {json}": one round;
//   - "pay N": N of the orders answered 201 so far are paid through the sandbox cashier → "paid {json}";
//   - "leave": the watchers leave the room → "left N";
//   - "done" ends it.
//
// Phase 1 is the storm; in phase 2 every buyer buys again, which the server refuses from memory (limit_reached
// or sold_out): the same route, authentication and connections without a commit —
// the no-op baseline the storm is compared with.
func RunFlashSaleClients(ctx context.Context, opt FlashSaleClientOptions, in io.Reader, out io.Writer) error {
	lines := bufio.NewScanner(in)
	hc := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 64}, Timeout: 30 * time.Second}
	tokens, ids, err := createViewers(RoomClientOptions{URL: opt.URL, SessionID: opt.SessionID, Viewers: opt.Buyers}, hc)
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "created %d\n", len(tokens))
	jobs := make([]int, 0, len(tokens)+len(tokens)/max(opt.DupEvery, 1))
	for i := range tokens {
		jobs = append(jobs, i)
		if opt.DupEvery > 0 && i%opt.DupEvery == 0 {
			jobs = append(jobs, i) // taken by the next free connection: a concurrent double tap
		}
	}
	all := make([]int, len(tokens))
	for i := range all {
		all[i] = i
	}
	show := &buyerShow{opt: opt, hc: hc, tokens: map[int64]string{}, orders: map[int64]int64{}}
	for i, id := range ids {
		show.tokens[id] = tokens[i]
	}
	defer show.leave()
	for lines.Scan() && lines.Text() != "done" {
		cmd, arg, _ := strings.Cut(lines.Text(), " ")
		n, err := strconv.ParseInt(arg, 10, 64)
		if err != nil && cmd != "leave" {
			return fmt.Errorf("bench clients: expected a number after %q, got %q", cmd, lines.Text())
		}
		switch cmd {
		case "watch":
			raw, _ := json.Marshal(show.watch(ctx, tokens[:min(int(n), len(tokens))], ids))
			fmt.Fprintf(out, "watching %s\n", raw)
		case "pay":
			raw, _ := json.Marshal(show.pay(int(n)))
			fmt.Fprintf(out, "paid %s\n", raw)
		case "leave":
			fmt.Fprintf(out, "left %d\n", show.leave())
		case "go":
			path := "/api/v1/flash-sales/" + strconv.FormatInt(n, 10) + "/orders"
			storm := buyStorm(ctx, opt, path, tokens, ids, jobs, true)
			maps.Copy(show.orders, storm.Orders)
			raw, _ := json.Marshal(storm)
			fmt.Fprintf(out, "phase1 %s\n", raw)
			if !lines.Scan() || lines.Text() != "again" {
				return fmt.Errorf("bench clients: expected \"again\" from the parent")
			}
			raw, _ = json.Marshal(buyStorm(ctx, opt, path, tokens, ids, all, false))
			fmt.Fprintf(out, "phase2 %s\n", raw)
		default:
			return fmt.Errorf("bench clients: unknown command %q from the parent", lines.Text())
		}
	}
	return nil
}

// buyTally is what one connection saw; tallies are added up when the storm ends, so
// the connections share no lock while they run.
type buyTally struct {
	BuyPhase
	lat    []float64
	orders [][2]int64 // order id, viewer id
}

func (t *buyTally) add(viewer int64, status int, body []byte, err error, ms float64) {
	t.Requests++
	t.lat = append(t.lat, ms)
	switch {
	case err != nil:
		t.Errors++
		if t.FirstBad == "" {
			t.FirstBad = err.Error()
		}
	case status == 201:
		t.Created++
		t.orders = append(t.orders, [2]int64{jsonInt(body, `"order_id":`), viewer})
	case status == 409 && strings.Contains(string(body), `"code":"sold_out"`):
		t.SoldOut++
	case status == 409 && strings.Contains(string(body), `"code":"limit_reached"`):
		t.LimitReached++
	default:
		t.Other++
		if t.FirstBad == "" {
			t.FirstBad = fmt.Sprintf("%d %s", status, body)
		}
	}
}

// buyStorm runs the purchases of jobs (buyer indexes) over opt.Conns lean keep-alive
// connections, each sending one request at a time with an empty body (one unit).
func buyStorm(ctx context.Context, opt FlashSaleClientOptions, path string, tokens []string, ids []int64, jobs []int, keep bool) BuyPhase {
	tallies := make([]*buyTally, opt.Conns)
	var next atomic.Int64
	var wg sync.WaitGroup
	start := time.Now()
	for c := range opt.Conns {
		t := &buyTally{}
		tallies[c] = t
		wg.Add(1)
		go func() {
			defer wg.Done()
			cl, err := dialHTTP(ctx, opt.URL)
			if err != nil {
				t.add(0, 0, nil, err, 0)
				return
			}
			defer cl.close()
			for {
				j := int(next.Add(1) - 1)
				if j >= len(jobs) {
					return
				}
				v := jobs[j]
				t0 := time.Now()
				status, body, err := cl.post(path, tokens[v])
				t.add(ids[v], status, body, err, float64(time.Since(t0).Microseconds())/1000)
			}
		}()
	}
	wg.Wait()
	res := BuyPhase{Seconds: time.Since(start).Seconds()}
	var lat []float64
	orders := map[int64]int64{}
	for _, t := range tallies {
		res.Requests += t.Requests
		res.Created += t.Created
		res.SoldOut += t.SoldOut
		res.LimitReached += t.LimitReached
		res.Other += t.Other
		res.Errors += t.Errors
		if res.FirstBad == "" {
			res.FirstBad = t.FirstBad
		}
		lat = append(lat, t.lat...)
		for _, o := range t.orders {
			if _, dup := orders[o[0]]; dup {
				res.DoubleOrder++
			}
			orders[o[0]] = o[1]
		}
	}
	slices.Sort(lat)
	if n := len(lat); n > 0 {
		res.P50ms, res.P99ms, res.MaxMs = lat[n/2], lat[n*99/100], lat[n-1]
	}
	if keep {
		res.Orders = orders
	}
	return res
}
