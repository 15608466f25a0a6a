package main

import (
	"context"
	"fmt"
	"net/url"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/siyu-live/siyu/internal/loadgen"
)

// benchAnalyticsCmd is `siyu bench analytics`: durable event-log ingestion, the
// post-live report of a 1,000,000-event session and the live dashboard's lag, on SQLite
// and, with --postgres (or SIYU_TEST_POSTGRES), PostgreSQL.
type benchAnalyticsCmd struct {
	Events    int           `default:"1000000" help:"Events of the reported session (and as many again spread over other sessions)."`
	Viewers   int           `default:"20000" help:"Viewers of the reported session."`
	Orders    int           `default:"2000" help:"Orders of the reported session."`
	Producers int           `default:"4" help:"Goroutines recording events at once."`
	Sessions  int           `default:"100" help:"Sessions the second ingestion round spreads over."`
	LagFor    time.Duration `name:"lag-for" default:"10s" help:"How long the dashboard lag is watched."`
	LagRate   int           `name:"lag-rate" default:"50000" help:"Background events per second while the lag is watched."`
	Runs      int           `default:"5" help:"Report computations (p50 and max are reported)."`
	SQLite    bool          `name:"sqlite" default:"true" negatable:"" help:"Run on SQLite (a temporary file)."`
	Postgres  string        `name:"postgres" env:"SIYU_TEST_POSTGRES" help:"Also run on this postgres:// server (a temporary schema, dropped after)."`
	Report    string        `default:"docs/benchmarks.md" help:"Markdown file the results are appended to ('' to skip)."`
}

func (c *benchAnalyticsCmd) Run() error {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	var engines []string
	if c.SQLite {
		engines = append(engines, "sqlite")
	}
	if c.Postgres != "" {
		engines = append(engines, c.Postgres)
	}
	if len(engines) == 0 || c.Events < 1 || c.Viewers < 1 || c.Producers < 1 || c.Sessions < 1 || c.Runs < 1 {
		return fmt.Errorf("bench analytics: need an engine and positive --events, --viewers, --producers, --sessions and --runs")
	}
	cmd := fmt.Sprintf("siyu bench analytics --events %d --viewers %d --orders %d --producers %d --sessions %d --lag-for %s --lag-rate %d --runs %d",
		c.Events, c.Viewers, c.Orders, c.Producers, c.Sessions, c.LagFor, c.LagRate, c.Runs)
	if c.Postgres != "" {
		cmd += " --postgres " + redactURL(c.Postgres)
	}
	if !c.SQLite {
		cmd += " --no-sqlite"
	}
	_, err := loadgen.RunAnalyticsBench(ctx, loadgen.AnalyticsOptions{Engines: engines, Events: c.Events, Viewers: c.Viewers,
		Orders: c.Orders, Producers: c.Producers, Sessions: c.Sessions, LagFor: c.LagFor, LagRate: c.LagRate, Runs: c.Runs,
		Report: c.Report, Command: cmd}, os.Stdout)
	return err
}

// redactURL hides a password in a server URL for the report.
func redactURL(raw string) string {
	if u, err := url.Parse(raw); err == nil {
		return u.Redacted()
	}
	return "(a postgres URL)"
}
