package loadgen

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/siyu-live/siyu/internal/crm/broadcast"
	"github.com/siyu-live/siyu/internal/crm/segment"
	"github.com/siyu-live/siyu/internal/db"
	"github.com/siyu-live/siyu/internal/jobs"
	"github.com/siyu-live/siyu/internal/live"
	"github.com/siyu-live/siyu/internal/org"
	"github.com/siyu-live/siyu/internal/webhook"
)

// BroadcastBench is `siyu bench broadcast`: one-click reach to a generated segment of
// 100,000 customers (each reachable by webhook: they have a phone) through the signed
// webhook channel to a receiver on loopback that verifies every signature and counts
// every message. It measures how fast recipients are recorded (the expansion: one row
// with its own link token each) and handed to the channel, checks that every
// recipient was recorded once and delivered once, and appends the results to
// docs/benchmarks.md. It runs in-process on a throw-away store, stops by itself
// (--timeout) and deletes its data.
type BroadcastBench struct {
	Recipients int           `default:"100000" help:"Customers in the segment."`
	DB         []string      `name:"db" default:"sqlite" help:"Engines: 'sqlite' (a temporary file) and/or a postgres:// URL (a temporary schema, dropped after)."`
	Throttle   int           `default:"1000000" help:"The brand's reach_throttle_per_minute setting for the run (the setting's maximum by default)."`
	Batch      int           `default:"500" help:"Recipients per delivery round."`
	PerPost    int           `name:"per-post" default:"100" help:"Messages per webhook POST."`
	Parallel   int           `default:"4" help:"Webhook POSTs in flight at once."`
	Timeout    time.Duration `default:"5m" help:"Give up after this long."`
	Report     string        `default:"docs/benchmarks.md" help:"Markdown file the results are appended to ('' to skip)."`
}

// BroadcastResult is one engine's figures.
type BroadcastResult struct {
	Engine               string
	Generate, IndexLoad  time.Duration
	Record, Hand, Total  time.Duration
	Recorded, Delivered  int64
	Requests, Received   int
	Duplicates, BadSigs  int
	Unrecorded, Repeated int64 // segment members without a recipient row; customers with two
	CountQuery           time.Duration
	OK                   bool
}

// Run runs the benchmark on each engine and appends the report.
func (c *BroadcastBench) Run() error {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	ctx, cancel := context.WithTimeout(ctx, c.Timeout)
	defer cancel()
	if c.Recipients < 1 || c.Batch < 1 || c.PerPost < 1 || c.Parallel < 1 {
		return fmt.Errorf("bench broadcast: --recipients, --batch, --per-post and --parallel must be at least 1")
	}
	var results []BroadcastResult
	for _, engine := range c.DB {
		r, err := c.runEngine(ctx, engine, os.Stdout)
		if err != nil {
			return err
		}
		results = append(results, r)
	}
	body := c.intro() + broadcastTable(results)
	fmt.Println(body)
	for _, r := range results {
		if !r.OK {
			return fmt.Errorf("bench broadcast on %s: a recipient was lost, repeated or badly signed (see the table)", r.Engine)
		}
	}
	if c.Report == "" {
		return nil
	}
	return AppendReport(c.Report, "One-click reach: a broadcast to a segment through the webhook channel", c.command(), body)
}

func (c *BroadcastBench) command() string {
	return fmt.Sprintf("siyu bench broadcast --recipients %d %s --throttle %d --batch %d --per-post %d --parallel %d",
		c.Recipients, dbFlags(c.DB), c.Throttle, c.Batch, c.PerPost, c.Parallel)
}

// runEngine opens a throw-away store on one engine and runs the broadcast on it.
func (c *BroadcastBench) runEngine(ctx context.Context, engine string, out io.Writer) (BroadcastResult, error) {
	say := func(s string) { fmt.Fprintln(out, s) }
	store, dsn, done, err := throwawayStore(ctx, "broadcast", engine)
	if err != nil {
		return BroadcastResult{}, err
	}
	defer done()
	res := BroadcastResult{Engine: string(store.Dialect())}
	say(fmt.Sprintf("bench broadcast on %s: generating %d customers…", store.Dialect(), c.Recipients))
	base, err := generateBroadcast(ctx, store, dsn, c.Recipients, time.Now())
	if err != nil {
		return res, err
	}
	res.Generate = base.took
	say(fmt.Sprintf("  generated in %s; sending…", base.took.Round(time.Millisecond)))
	if err := c.send(ctx, store, base, &res, say); err != nil {
		return res, err
	}
	return res, nil
}

// send wires the services as the server does, sends the broadcast now and checks
// what arrived.
func (c *BroadcastBench) send(ctx context.Context, store *db.DB, base broadcastBase, res *BroadcastResult, say func(string)) error {
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	queue := jobs.New(store, nil, quiet)
	client := webhook.NewClient(true) // the receiver is on loopback
	hooks := webhook.NewService(store, queue, client, nil)
	orgs := org.NewService(store, org.Options{})
	lv := live.NewService(store, live.Options{Org: orgs, Queue: queue, PublicURL: "https://bench.siyu.invalid", Logger: quiet})
	seg := segment.NewService(store, segment.Options{Logger: quiet})
	svc := broadcast.NewService(store, broadcast.Options{Logger: quiet, Queue: queue, Live: lv, Org: orgs, Segments: seg,
		HTTPClient: client, PublicURL: "https://bench.siyu.invalid", Batch: c.Batch, WebhookBatch: c.PerPost, WebhookParallel: c.Parallel})
	p := org.Principal{TenantID: base.tenantID, UserID: base.userID, Role: org.RoleOwner, Email: "bench"}
	if _, err := store.ExecContext(ctx, `UPDATE tenants SET settings = ? WHERE id = ?`,
		fmt.Sprintf(`{"reach_throttle_per_minute": %d}`, c.Throttle), base.tenantID); err != nil {
		return err
	}

	rc := newBroadcastReceiver(c.Recipients)
	defer rc.srv.Close()
	ep, err := hooks.CreateEndpoint(ctx, base.tenantID, webhook.EndpointInput{URL: rc.srv.URL + "/reach", Events: []string{broadcast.EventMessage}})
	if err != nil {
		return err
	}
	rc.mu.Lock()
	rc.secret = ep.Secret
	rc.mu.Unlock()
	sess, err := lv.Create(ctx, p, live.CreateInput{Title: "明晚 8 点 · 压测新品发布", ScheduledAt: time.Now().Add(24 * time.Hour).Format(time.RFC3339)})
	if err != nil {
		return err
	}
	t0 := time.Now()
	sg, err := seg.Create(ctx, p, segment.Input{Name: "压测分群", Rule: "tag:" + broadcastTag})
	if err != nil {
		return err
	}
	res.IndexLoad = time.Since(t0)
	if sg.Count != int64(c.Recipients) {
		return fmt.Errorf("bench broadcast: the segment counts %d, want %d", sg.Count, c.Recipients)
	}
	b, err := svc.Create(ctx, p, broadcast.Input{Name: "压测触达", SessionID: sess.ID, Channels: []string{"webhook"},
		Audiences: []broadcast.Audience{{Kind: broadcast.AudienceSegment, ID: sg.ID, Text: "{name}，{live_time} 开播「{live_title}」：{live_link}"}}})
	if err != nil {
		return err
	}
	if _, err := svc.SendNow(ctx, p, b.ID); err != nil {
		return err
	}
	for {
		if _, err := queue.RunDue(ctx); err != nil {
			return err
		}
		var st string
		if err := store.GetContext(ctx, &st, `SELECT status FROM broadcasts WHERE id = ?`, b.ID); err != nil {
			return err
		}
		if st == broadcast.StatusSent || st == broadcast.StatusFailed {
			break
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("bench broadcast: not done within --timeout: %w", ctx.Err())
		case <-time.After(100 * time.Millisecond): // a run that hit a channel error retries later
		}
	}
	var row struct {
		Started  int64 `db:"started_at"`
		Expanded int64 `db:"expanded_at"`
		Finished int64 `db:"finished_at"`
	}
	if err := store.GetContext(ctx, &row, `SELECT started_at, expanded_at, finished_at FROM broadcasts WHERE id = ?`, b.ID); err != nil {
		return err
	}
	res.Record = time.Duration(row.Expanded-row.Started) * time.Millisecond
	res.Hand = time.Duration(row.Finished-row.Expanded) * time.Millisecond
	res.Total = time.Duration(row.Finished-row.Started) * time.Millisecond
	t0 = time.Now()
	got, err := svc.Get(ctx, p, b.ID)
	if err != nil {
		return err
	}
	res.CountQuery = time.Since(t0)
	res.Recorded, res.Delivered = got.Counts.Recipients, got.Counts.Delivered
	if err := store.GetContext(ctx, &res.Repeated, `SELECT COUNT(*) - COUNT(DISTINCT customer_id) FROM broadcast_recipients WHERE broadcast_id = ?`, b.ID); err != nil {
		return err
	}
	if err := store.GetContext(ctx, &res.Unrecorded, `SELECT COUNT(*) FROM customer_tags t WHERE t.tenant_id = ? AND NOT EXISTS
		(SELECT 1 FROM broadcast_recipients r WHERE r.broadcast_id = ? AND r.customer_id = t.customer_id)`, base.tenantID, b.ID); err != nil {
		return err
	}
	rc.mu.Lock()
	res.Requests, res.Received, res.Duplicates, res.BadSigs = rc.requests, len(rc.keys), rc.dups, rc.badSig+rc.badBody
	rc.mu.Unlock()
	n := int64(c.Recipients)
	res.OK = res.Recorded == n && res.Delivered == n && res.Received == c.Recipients && res.Duplicates == 0 &&
		res.BadSigs == 0 && res.Repeated == 0 && res.Unrecorded == 0
	say(fmt.Sprintf("  recorded %d in %s, handed over %d in %s (%d POSTs), receiver holds %d", res.Recorded,
		res.Record, res.Delivered, res.Hand, res.Requests, res.Received))
	return nil
}

func perSecond(n int64, d time.Duration) string {
	if d <= 0 {
		return "—"
	}
	return fmt.Sprintf("%s/s", groupInt(int64(float64(n)/d.Seconds())))
}

// groupInt writes n with thousands separators.
func groupInt(n int64) string {
	s := fmt.Sprint(n)
	var b strings.Builder
	for i, r := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(r)
	}
	return b.String()
}

func (c *BroadcastBench) intro() string {
	return fmt.Sprintf(`A brand with %d customers, each with a phone and one tag, written straight into the tables,
and a segment of that tag (the segment index loaded cold on its first count). A broadcast of the
segment through the webhook channel is sent now through the jobs queue, as the server does:
the send job records one broadcast_recipients row per customer with its own link token
(multi-row INSERTs, %d rows a statement), then hands the messages over in rounds of %d
(each round reads the contacts, fills the talk-track and the tracked link per customer, POSTs
%d messages per signed request, %d requests in flight, and records the round in one
transaction), throttled by the brand's setting (%d a minute). The receiver on loopback
verifies every Siyu-Signature and counts every message by its dedupe key. In-process; the
times are the broadcast's own (started, recipients recorded, finished).

`, c.Recipients, 1000, c.Batch, c.PerPost, c.Parallel, c.Throttle)
}

// broadcastTable is the report: one column per engine.
func broadcastTable(rs []BroadcastResult) string {
	w, row := engineTable(rs, func(r BroadcastResult) string { return r.Engine })
	row("generate customers (bulk insert)", "", func(r BroadcastResult) string { return r.Generate.Round(time.Millisecond).String() })
	row("segment index cold load + count", "", func(r BroadcastResult) string { return r.IndexLoad.Round(time.Millisecond).String() })
	row("recipients recorded (rows with their own token)", "", func(r BroadcastResult) string {
		return fmt.Sprintf("%s in %s", groupInt(r.Recorded), r.Record)
	})
	row("**recorded / s**", "≥ 5,000/s", func(r BroadcastResult) string { return "**" + perSecond(r.Recorded, r.Record) + "**" })
	row("handed to the webhook channel (delivered)", "", func(r BroadcastResult) string {
		return fmt.Sprintf("%s in %s (%s POSTs)", groupInt(r.Delivered), r.Hand, groupInt(int64(r.Requests)))
	})
	row("**handed over / s**", "≥ 5,000/s", func(r BroadcastResult) string { return "**" + perSecond(r.Delivered, r.Hand) + "**" })
	row("end to end (send now → sent) / s", "", func(r BroadcastResult) string {
		return fmt.Sprintf("%s (%s)", perSecond(r.Delivered, r.Total), r.Total)
	})
	row("funnel counts of the broadcast (one query over all recipients)", "", func(r BroadcastResult) string {
		return r.CountQuery.Round(time.Millisecond).String()
	})
	row("members not recorded / recorded twice", "0 / 0", func(r BroadcastResult) string {
		return fmt.Sprintf("%d / %d", r.Unrecorded, r.Repeated)
	})
	row("received once / repeats / bad signatures", "all / 0 / 0", func(r BroadcastResult) string {
		return fmt.Sprintf("%s / %d / %d", groupInt(int64(r.Received)), r.Duplicates, r.BadSigs)
	})
	row("every recipient recorded once and delivered once", "yes", func(r BroadcastResult) string {
		return map[bool]string{true: "yes", false: "**NO**"}[r.OK]
	})
	return w.String()
}
