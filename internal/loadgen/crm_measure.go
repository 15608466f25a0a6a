package loadgen

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"runtime"
	"slices"
	"time"

	"github.com/siyu-live/siyu/internal/crm"
	"github.com/siyu-live/siyu/internal/crm/segment"
	"github.com/siyu-live/siyu/internal/db"
)

// crmRules are the counted rules: the CONTRACT example (three tag terms, one negated
// group) and a tag with two behaviour terms.
var crmRules = []string{
	"tag:vip AND NOT (tag:churned OR tag:blocked)",
	"tag:t005 AND spent>=500 AND seen<30d",
}

// CRMResult is one engine's figures.
type CRMResult struct {
	Engine    string
	Customers int
	TagRows   int64
	Generate  time.Duration
	Load      time.Duration // cold index load of the tenant
	IndexMB   float64       // heap the loaded index holds
	Counts    []CRMCount
	Events    int
	Event     CRMLatency // crm.Apply of an event that puts the rule tag on
}

// CRMCount is the timing of one rule's count.
type CRMCount struct {
	Rule     string
	Count    int64
	Time     CRMLatency
	SQL      time.Duration // the same count in one SQL query (0 when not checked)
	SQLCount int64
}

// CRMLatency summarises repeated timings.
type CRMLatency struct{ P50, P99, Max time.Duration }

func crmLatency(d []time.Duration) CRMLatency {
	if len(d) == 0 {
		return CRMLatency{}
	}
	slices.Sort(d)
	return CRMLatency{P50: d[len(d)/2], P99: d[len(d)*99/100], Max: d[len(d)-1]}
}

// measure loads the index cold, times the counts and the rule-tag events.
func (c *CRMBench) measure(ctx context.Context, store *db.DB, base crmBase, say func(string)) (CRMResult, error) {
	res := CRMResult{Engine: string(store.Dialect()), Customers: c.Customers, TagRows: base.tagRows, Generate: base.took}
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	seg := segment.NewService(store, segment.Options{Logger: quiet})
	svc := crm.NewService(store, crm.Options{Logger: quiet})
	svc.AddObserver(seg)

	runtime.GC()
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	start := time.Now()
	if err := seg.Index().Warm(ctx); err != nil {
		return res, err
	}
	res.Load = time.Since(start)
	runtime.GC()
	runtime.ReadMemStats(&after)
	res.IndexMB = float64(int64(after.HeapAlloc)-int64(before.HeapAlloc)) / (1 << 20)
	say(fmt.Sprintf("  cold index load %s, %.0f MB", res.Load.Round(time.Millisecond), res.IndexMB))

	for _, rule := range crmRules {
		cc := CRMCount{Rule: rule}
		times := make([]time.Duration, 0, c.Runs)
		for i := 0; i <= c.Runs; i++ {
			t := time.Now()
			r, err := seg.Count(ctx, base.tenantID, rule)
			if err != nil {
				return res, err
			}
			if i > 0 { // the first run warms caches
				times = append(times, time.Since(t))
			}
			cc.Count = r.Count
		}
		cc.Time = crmLatency(times)
		if c.SQLCheck {
			t := time.Now()
			n, err := seg.CountSQL(ctx, base.tenantID, rule)
			if err != nil {
				return res, err
			}
			cc.SQL, cc.SQLCount = time.Since(t), n
			if n != cc.Count {
				return res, fmt.Errorf("bench crm: %q counts %d from the index but %d in SQL", rule, cc.Count, n)
			}
		}
		say(fmt.Sprintf("  count %q = %d: p50 %s p99 %s (SQL %s)", rule, cc.Count, cc.Time.P50, cc.Time.P99, cc.SQL.Round(time.Millisecond)))
		res.Counts = append(res.Counts, cc)
	}

	// Events: watch time that takes a customer over the rule tag's threshold. Each is
	// one crm.Apply: a transaction that updates the aggregates, evaluates the tenant's
	// rule tags, writes the tag and commits; the observer then updates the index.
	ids := slices.Clone(base.nearRule)
	rand.New(rand.NewPCG(c.Seed, 3)).Shuffle(len(ids), func(i, j int) { ids[i], ids[j] = ids[j], ids[i] })
	ids = ids[:min(c.Events, len(ids))]
	ruleCount := func() (int64, error) {
		r, err := seg.Count(ctx, base.tenantID, "tag:"+crmRuleTag)
		return r.Count, err
	}
	was, err := ruleCount()
	if err != nil {
		return res, err
	}
	times := make([]time.Duration, 0, len(ids))
	for _, id := range ids {
		t := time.Now()
		if err := svc.Apply(ctx, crm.Signal{Kind: crm.SignalActivity, TenantID: base.tenantID, CustomerID: id, WatchMS: crmWatchMin,
			At: time.Now()}); err != nil {
			return res, fmt.Errorf("bench crm: event: %w", err)
		}
		times = append(times, time.Since(t))
	}
	res.Events, res.Event = len(ids), crmLatency(times)
	now, err := ruleCount()
	if err != nil {
		return res, err
	}
	if now != was+int64(len(ids)) {
		return res, fmt.Errorf("bench crm: the rule tag went from %d to %d customers after %d events", was, now, len(ids))
	}
	if c.SQLCheck {
		if n, err := seg.CountSQL(ctx, base.tenantID, "tag:"+crmRuleTag); err != nil || n != now {
			return res, fmt.Errorf("bench crm: rule tag: index %d, SQL %d (%v)", now, n, err)
		}
	}
	say(fmt.Sprintf("  rule tag on %d events: p50 %s p99 %s", len(ids), res.Event.P50, res.Event.P99))
	return res, nil
}

func crmMS(d time.Duration) string { return fmt.Sprintf("%.2f", float64(d)/float64(time.Millisecond)) }

// crmIntro says what the table measures.
func crmIntro(c *CRMBench) string {
	return fmt.Sprintf(`A generated base of %d customers of one brand, each with %d distinct tags of %d (Zipf
popularity: vip is common, t099 rare) and random orders, money, watch time, last seen and
sources, written straight into the tables (multi-row INSERTs in big transactions on SQLite,
COPY on PostgreSQL). The segment index (internal/crm/segment) is then loaded cold from the
tables, and each rule is counted %d times through segment.Service.Count: parse, one query
resolving the tag names, then bitset AND/OR/ANDNOT over the brand's customers and a pass over
the behaviour arrays. Each count is checked once against the same count in SQL. Last, %d
events each take a customer over the rule tag %s (%s): crm.Service.Apply updates the
aggregates, evaluates the brand's rule tags, writes the tag and commits, and the index hears
it (the count of the tag is checked before and after). In-process, no HTTP.

`, c.Customers, c.TagsPer, c.Tags, c.Runs, c.Events, crmRuleTag, crmRule)
}

// crmTable is the report: one column per engine.
func crmTable(rs []CRMResult, c *CRMBench) string {
	w, row := engineTable(rs, func(r CRMResult) string { return r.Engine })
	row("customers / customer_tags rows", "", func(r CRMResult) string { return fmt.Sprintf("%d / %d", r.Customers, r.TagRows) })
	row("generate (bulk insert: multi-row INSERT on SQLite, COPY on PostgreSQL)", "", func(r CRMResult) string {
		return r.Generate.Round(time.Second).String()
	})
	row("cold index load (all customers and tags, in pages)", "", func(r CRMResult) string { return r.Load.Round(time.Millisecond).String() })
	row("index heap", "", func(r CRMResult) string { return fmt.Sprintf("%.0f MB", r.IndexMB) })
	for i, rule := range crmRules {
		row(fmt.Sprintf("count `%s`, p50 / p99 / max ms (%d runs)", rule, c.Runs), "≤ 200 ms", func(r CRMResult) string {
			x := r.Counts[i]
			return fmt.Sprintf("%s / %s / %s (= %d)", crmMS(x.Time.P50), crmMS(x.Time.P99), crmMS(x.Time.Max), x.Count)
		})
		if c.SQLCheck {
			row("the same count in one SQL query (once; must agree)", "", func(r CRMResult) string {
				return fmt.Sprintf("%s (= %d)", r.Counts[i].SQL.Round(time.Millisecond), r.Counts[i].SQLCount)
			})
		}
	}
	row("rule tag on an incoming event (crm.Apply: aggregates, rule evaluation, tag row, commit, index), p50 / p99 / max ms",
		"≤ 1 ms", func(r CRMResult) string {
			return fmt.Sprintf("%s / %s / %s (%d events)", crmMS(r.Event.P50), crmMS(r.Event.P99), crmMS(r.Event.Max), r.Events)
		})
	return w.String()
}
