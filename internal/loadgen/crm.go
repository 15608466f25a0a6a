package loadgen

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"fmt"
	"io"
	"net/url"
	"os"
	"os/signal"
	"syscall"
	"time"
)

// CRMBench is `siyu bench crm`: it generates a customer base (1,000,000 customers with
// about 10 tags each by default) on SQLite and/or PostgreSQL, then measures the cold
// load of the segment index, segment counts (p50/p99 over repeated runs, checked
// against SQL), and putting a rule tag on a customer as an event arrives, and appends
// the results to docs/benchmarks.md. It runs in-process (no HTTP: the figures are the
// index's and the CRM's own) and stops by itself; the generated data is deleted.
type CRMBench struct {
	Customers int      `default:"1000000" help:"Customers to generate."`
	TagsPer   int      `name:"tags-per" default:"10" help:"Tags per customer."`
	Tags      int      `default:"100" help:"Distinct tags (Zipf popularity: vip common, t099 rare)."`
	DB        []string `name:"db" default:"sqlite" help:"Engines: 'sqlite' (a temporary file) and/or a postgres:// URL (a temporary schema, dropped after)."`
	Runs      int      `default:"200" help:"Counts per rule (p50/p99)."`
	Events    int      `default:"2000" help:"Events that put the rule tag on a customer."`
	SQLCheck  bool     `name:"sql-check" default:"true" negatable:"" help:"Count each rule once in SQL too and require the same answer."`
	Seed      uint64   `default:"1" help:"Seed of the generated base."`
	Report    string   `default:"docs/benchmarks.md" help:"Markdown file the results are appended to ('' to skip)."`
}

// Run runs the benchmark on each engine and appends the report.
func (c *CRMBench) Run() error {
	// Interrupted, the run stops at the next query and still removes its data.
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if c.TagsPer >= c.Tags || c.Customers < 1 || c.Runs < 1 {
		return fmt.Errorf("bench crm: need 0 < --tags-per < --tags, --customers ≥ 1 and --runs ≥ 1")
	}
	var results []CRMResult
	for _, engine := range c.DB {
		r, err := c.runEngine(ctx, engine, os.Stdout)
		if err != nil {
			return err
		}
		results = append(results, r)
	}
	body := crmIntro(c) + crmTable(results, c)
	fmt.Println(body)
	if c.Report == "" {
		return nil
	}
	return AppendReport(c.Report, "CRM: segment counts and rule tags", c.command(), body)
}

func (c *CRMBench) command() string {
	return fmt.Sprintf("siyu bench crm --customers %d --tags-per %d --tags %d %s --runs %d --events %d",
		c.Customers, c.TagsPer, c.Tags, dbFlags(c.DB), c.Runs, c.Events)
}

// runEngine opens a throw-away store on one engine and runs every measurement on it.
func (c *CRMBench) runEngine(ctx context.Context, engine string, out io.Writer) (CRMResult, error) {
	say := func(s string) { fmt.Fprintln(out, s) }
	store, dsn, done, err := throwawayStore(ctx, "crm", engine)
	if err != nil {
		return CRMResult{}, err
	}
	defer done()
	say(fmt.Sprintf("bench crm on %s: generating %d customers with %d tags each…", store.Dialect(), c.Customers, c.TagsPer))
	base, err := generateCRM(ctx, store, dsn, c.Customers, c.Tags, c.TagsPer, c.Seed, time.Now(), say)
	if err != nil {
		return CRMResult{}, err
	}
	say(fmt.Sprintf("  %d customers, %d tag rows in %s", c.Customers, base.tagRows, base.took.Round(time.Second)))
	return c.measure(ctx, store, base, say)
}

// benchSchema creates a private schema on the server and returns a DSN using it, and
// a function dropping it.
func benchSchema(base string) (string, func(), error) {
	admin, err := sql.Open("pgx", base)
	if err != nil {
		return "", nil, err
	}
	defer admin.Close()
	var b [6]byte
	_, _ = rand.Read(b[:])
	schema := "siyu_bench_" + hex.EncodeToString(b[:])
	if _, err := admin.Exec("CREATE SCHEMA " + schema); err != nil {
		return "", nil, fmt.Errorf("bench crm: create schema: %w", err)
	}
	drop := func() {
		if c, err := sql.Open("pgx", base); err == nil {
			_, _ = c.Exec("DROP SCHEMA " + schema + " CASCADE")
			c.Close()
		}
	}
	u, err := url.Parse(base)
	if err != nil {
		drop()
		return "", nil, err
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String(), drop, nil
}

func redactDSN(dsn string) string {
	if u, err := url.Parse(dsn); err == nil && u.Scheme != "" {
		return u.Redacted()
	}
	return dsn
}
