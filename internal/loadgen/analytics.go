package loadgen

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"runtime"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/siyu-live/siyu/internal/analytics"
	"github.com/siyu-live/siyu/internal/analytics/eventlog"
	"github.com/siyu-live/siyu/internal/db"
)

// AnalyticsOptions configure `siyu bench analytics`.
type AnalyticsOptions struct {
	Engines   []string      // "sqlite" and/or postgres:// URLs
	Events    int           // events of the reported session
	Viewers   int           // viewers of the reported session
	Orders    int           // its orders
	Producers int           // goroutines recording events at once
	Sessions  int           // sessions the second ingestion round spreads over
	LagFor    time.Duration // how long the dashboard lag is watched
	LagRate   int           // background events per second meanwhile
	Runs      int           // report computations (p50/max)
	Report    string        // markdown file to append to ('' to skip)
	Command   string
}

// AnalyticsResult is one engine's figures.
type AnalyticsResult struct {
	Engine        string
	Events        int
	IngestRate    float64 // durable events/s into one session
	SpreadRate    float64 // durable events/s over many sessions
	Segments      int64
	BytesPerEvent float64
	Dropped       int64
	ReportP50     time.Duration
	ReportMax     time.Duration
	ReportEvents  int64
	LagP50        time.Duration
	LagMax        time.Duration
	LagSamples    int
}

// RunAnalyticsBench runs the analytics benchmark on each engine, prints a table and
// appends it to opt.Report. It runs in-process (the figures are the event log's, the
// report's and the dashboard's own, not HTTP's) and deletes what it generated.
func RunAnalyticsBench(ctx context.Context, opt AnalyticsOptions, out io.Writer) ([]AnalyticsResult, error) {
	var results []AnalyticsResult
	for _, engine := range opt.Engines {
		r, err := runAnalyticsEngine(ctx, engine, opt, out)
		if err != nil {
			return results, err
		}
		results = append(results, r)
	}
	body := analyticsTable(opt, results)
	fmt.Fprintln(out, body)
	if opt.Report == "" {
		return results, nil
	}
	return results, AppendReport(opt.Report, "Analytics: event log, post-live report, live dashboard", opt.Command, body)
}

func openBenchStore(ctx context.Context, engine string) (*db.DB, func(), error) {
	switch {
	case engine == "sqlite":
		dir, err := os.MkdirTemp("", "siyu-bench-analytics-")
		if err != nil {
			return nil, nil, err
		}
		store, err := db.Open(ctx, "", dir)
		if err != nil {
			os.RemoveAll(dir)
			return nil, nil, err
		}
		return store, func() { store.Close(); os.RemoveAll(dir) }, nil
	case strings.HasPrefix(engine, "postgres://") || strings.HasPrefix(engine, "postgresql://"):
		dsn, drop, err := benchSchema(engine)
		if err != nil {
			return nil, nil, err
		}
		store, err := db.Open(ctx, dsn, "")
		if err != nil {
			drop()
			return nil, nil, err
		}
		return store, func() { store.Close(); drop() }, nil
	}
	return nil, nil, fmt.Errorf("bench analytics: engine %q is neither sqlite nor a postgres:// URL", engine)
}

func runAnalyticsEngine(ctx context.Context, engine string, opt AnalyticsOptions, out io.Writer) (AnalyticsResult, error) {
	store, closeStore, err := openBenchStore(ctx, engine)
	if err != nil {
		return AnalyticsResult{}, err
	}
	defer closeStore()
	if _, err := store.Migrate(ctx); err != nil {
		return AnalyticsResult{}, err
	}
	res := AnalyticsResult{Engine: string(store.Dialect()), Events: opt.Events}
	fmt.Fprintf(out, "bench analytics on %s: a show with %d viewers and %d orders…\n", store.Dialect(), opt.Viewers, opt.Orders)
	sh, err := generateShow(ctx, store, opt.Viewers, opt.Orders, 1, time.Now())
	if err != nil {
		return res, err
	}
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	svc := analytics.NewService(store, analytics.Options{Logger: quiet})
	if err := svc.Start(ctx); err != nil {
		return res, err
	}
	defer svc.Stop()

	// 1. Durable ingestion: the show's events, then as many spread over many sessions.
	evs := generateEvents(sh, sh.owner.TenantID, opt.Events, 2)
	runtime.GC()
	if res.IngestRate, err = ingest(ctx, svc, evs, opt.Producers); err != nil {
		return res, err
	}
	st := svc.Events().Stats()
	res.Segments, res.Dropped = st.Segments, st.Dropped
	var bytes int64
	if err := store.GetContext(ctx, &bytes, `SELECT COALESCE(SUM(LENGTH(data)), 0) FROM analytics_segments`); err != nil {
		return res, err
	}
	res.BytesPerEvent = float64(bytes) / float64(opt.Events)
	fmt.Fprintf(out, "  ingested %d events into one session: %.0f events/s durable\n", opt.Events, res.IngestRate)
	spread := slices.Clone(evs)
	for i := range spread {
		spread[i].SessionID = 1_000_000 + int64(i%opt.Sessions) // sessions the report never reads
	}
	if res.SpreadRate, err = ingest(ctx, svc, spread, opt.Producers); err != nil {
		return res, err
	}
	res.Dropped = svc.Events().Stats().Dropped
	fmt.Fprintf(out, "  ingested %d events over %d sessions: %.0f events/s durable\n", opt.Events, opt.Sessions, res.SpreadRate)
	evs, spread = nil, nil

	// 2. The report of the show (recomputed each run).
	var times []time.Duration
	for range opt.Runs {
		runtime.GC()
		start := time.Now()
		r, err := svc.Report(ctx, sh.owner, sh.sessionID, true)
		if err != nil {
			return res, err
		}
		times = append(times, time.Since(start))
		res.ReportEvents = r.Events
	}
	slices.Sort(times)
	res.ReportP50, res.ReportMax = times[len(times)/2], times[len(times)-1]
	fmt.Fprintf(out, "  report of %d events: p50 %s, max %s\n", res.ReportEvents, res.ReportP50.Round(time.Millisecond), res.ReportMax.Round(time.Millisecond))

	// 3. Dashboard lag under a steady background load.
	lags, err := dashboardLag(ctx, store, svc, sh, opt)
	if err != nil {
		return res, err
	}
	res.LagSamples = len(lags)
	if len(lags) > 0 {
		slices.Sort(lags)
		res.LagP50, res.LagMax = lags[len(lags)/2], lags[len(lags)-1]
	}
	fmt.Fprintf(out, "  dashboard lag over %d marks: p50 %s, max %s\n", len(lags), res.LagP50.Round(time.Millisecond), res.LagMax.Round(time.Millisecond))
	return res, nil
}

// ingest records evs from producers goroutines in chunks (as rooms and requests do)
// and returns the durable rate: events ÷ time until the last one is committed.
func ingest(ctx context.Context, svc *analytics.Service, evs []eventlog.Event, producers int) (float64, error) {
	const chunk = 1000
	start := time.Now()
	var wg sync.WaitGroup
	for p := range producers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := p * chunk; i < len(evs); i += producers * chunk {
				svc.Record(evs[i:min(i+chunk, len(evs))]...)
			}
		}()
	}
	wg.Wait()
	if err := svc.Flush(ctx); err != nil {
		return 0, err
	}
	return float64(len(evs)) / time.Since(start).Seconds(), nil
}

func analyticsTable(opt AnalyticsOptions, rs []AnalyticsResult) string {
	var b strings.Builder
	fmt.Fprintf(&b, "A two-hour show with %d viewers and %d orders; %d events, in the order they happened, recorded by %d goroutines in chunks of 1,000, "+
		"then the same number spread over %d sessions. Durable = committed by the event log's writer (Flush returned). "+
		"The report is recomputed from every source %d times. Dashboard lag: a background load of %d events/s for %s while a "+
		"mark (an order committed to the orders table and a product view recorded) is made every 100 ms and the dashboard is read "+
		"every 50 ms until it shows it (answers are cached for 1 s per session).\n\n",
		opt.Viewers, opt.Orders, opt.Events, opt.Producers, opt.Sessions, opt.Runs, opt.LagRate, opt.LagFor)
	b.WriteString("| engine | ingestion, one session (events/s) | ingestion, spread (events/s) | bytes/event | dropped | report p50 | report max | dashboard lag p50 | dashboard lag max |\n")
	b.WriteString("|---|---|---|---|---|---|---|---|---|\n")
	for _, r := range rs {
		fmt.Fprintf(&b, "| %s | %.0f | %.0f | %.1f | %d | %s | %s | %s | %s |\n", r.Engine, r.IngestRate, r.SpreadRate, r.BytesPerEvent,
			r.Dropped, r.ReportP50.Round(time.Millisecond), r.ReportMax.Round(time.Millisecond), r.LagP50.Round(time.Millisecond),
			r.LagMax.Round(time.Millisecond))
	}
	b.WriteString("\nGoals (issue 6): ingestion ≥ 200,000 events/s on SQLite, the report of a 1,000,000-event session ≤ 1 s, the dashboard never more than 2 s behind.\n")
	return b.String()
}
