// Command siyu is the whole Siyu product in one binary: the server, migrations, backups
// and benchmarks.
package main

import (
	"context"
	"fmt"
	"log/slog"
	"net"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/alecthomas/kong"

	"github.com/siyu-live/siyu"
	"github.com/siyu-live/siyu/internal/config"
	"github.com/siyu-live/siyu/internal/db"
	"github.com/siyu-live/siyu/internal/demo"
	"github.com/siyu-live/siyu/internal/loadgen"
	"github.com/siyu-live/siyu/internal/server"
)

type cli struct {
	Serve   serveCmd   `cmd:"" help:"Run the server (API, live rooms, console)."`
	Migrate migrateCmd `cmd:"" help:"Apply database migrations and exit."`
	Backup  backupCmd  `cmd:"" help:"Write a consistent online copy of the SQLite database to a file."`
	Bench   benchCmd   `cmd:"" help:"Run a benchmark and append its results to docs/benchmarks.md."`
	Lottery lotteryCmd `cmd:"" help:"Provably fair lotteries: verify a draw."`
	Version versionCmd `cmd:"" help:"Print the version."`
}

func main() {
	var c cli
	k := kong.Parse(&c, kong.Name("siyu"),
		kong.Description("Siyu (私域): live-stream commerce and lead operations on your own customers."),
		kong.UsageOnError())
	if err := k.Run(); err != nil {
		fmt.Fprintln(os.Stderr, "siyu:", err)
		os.Exit(1)
	}
}

func newLogger(level string) *slog.Logger {
	var l slog.Level
	_ = l.UnmarshalText([]byte(level))
	return slog.New(slog.NewJSONHandler(os.Stderr, &slog.HandlerOptions{Level: l}))
}

type serveCmd struct {
	config.Config `embed:""`
}

func (c *serveCmd) Run() error {
	logger := newLogger(c.LogLevel)
	for _, name := range config.UnknownVars(os.Environ()) {
		logger.Warn("unknown setting in the environment; is it a typo?", "name", name)
	}
	if err := c.Validate(); err != nil {
		return err
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	srv, err := server.New(ctx, c.Config, logger, server.Options{})
	if err != nil {
		return err
	}
	if c.Demo {
		if err := demo.Seed(ctx, srv.Org, srv.Live, srv.Commerce, srv.Promo, srv.FlashSales, srv.GroupBuys, srv.Assists,
			srv.Coupons); err != nil {
			srv.Close()
			return err
		}
	}
	ln, err := net.Listen("tcp", c.Addr)
	if err != nil {
		srv.Close()
		return fmt.Errorf("listen on %s: %w", c.Addr, err)
	}
	logger.Info("siyu is serving", "url", c.PublicURL(), "version", siyu.Version, "dialect", srv.Store.Dialect())
	fmt.Fprintf(os.Stderr, "\n  Siyu 私域 is running: %s/console\n", c.PublicURL())
	if c.Demo {
		fmt.Fprintf(os.Stderr, "  Demo login: %s / %s  (host: %s, agent: %s, same password)\n\n",
			demo.OwnerEmail, demo.Password, demo.HostEmail, demo.AgentEmail)
	}
	return srv.Serve(ctx, ln)
}

type storeFlags struct {
	Data string `name:"data" env:"SIYU_DATA" default:"./data" help:"Data directory of the embedded SQLite database."`
	DB   string `name:"db" env:"SIYU_DB" help:"postgres:// URL; empty for SQLite under --data."`
}

type migrateCmd struct {
	storeFlags `embed:""`
}

func (c *migrateCmd) Run() error {
	ctx := context.Background()
	store, err := db.Open(ctx, c.DB, c.Data)
	if err != nil {
		return err
	}
	defer store.Close()
	n, err := store.Migrate(ctx)
	if err != nil {
		return err
	}
	fmt.Printf("migrations applied: %d (%s)\n", n, store.Dialect())
	return nil
}

type backupCmd struct {
	storeFlags `embed:""`
	File       string `arg:"" help:"File to write; must not exist yet."`
}

func (c *backupCmd) Run() error {
	ctx := context.Background()
	store, err := db.Open(ctx, c.DB, c.Data)
	if err != nil {
		return err
	}
	defer store.Close()
	if err := store.Backup(ctx, c.File); err != nil {
		return err
	}
	fmt.Printf("backup written to %s\n", c.File)
	return nil
}

type benchCmd struct {
	Room        benchRoomCmd        `cmd:"" help:"Real-time room: N viewers, comments and likes; delivery rate, latency, memory per viewer."`
	RoomClients benchRoomClientsCmd `cmd:"" hidden:"" help:"The viewer process of 'bench room' (internal)."`
	// Red envelopes (cmd/siyu/promo.go).
	RedEnvelope        benchEnvelopeCmd        `cmd:"" name:"redenvelope" help:"Red envelopes: N viewers grab at once; grabs/s, latency, and the money reconciled to the fen."`
	RedEnvelopeClients benchEnvelopeClientsCmd `cmd:"" name:"redenvelope-clients" hidden:"" help:"The viewer process of 'bench redenvelope' (internal)."`
	// Flash sales (below).
	FlashSale        benchFlashSaleCmd        `cmd:"" name:"flashsale" help:"Flash sale: N buyers storm one sale over HTTP; throughput vs a no-op baseline, latency, nothing oversold."`
	FlashSaleClients benchFlashSaleClientsCmd `cmd:"" name:"flashsale-clients" hidden:"" help:"The buyer process of 'bench flashsale' (internal)."`
	// Segments and rule tags (internal/loadgen/crm.go).
	CRM loadgen.CRMBench `cmd:"" name:"crm" help:"CRM: segment counts over 1,000,000 customers and rule tags on events, on SQLite and/or PostgreSQL."`
	// One-click reach (cmd/siyu/broadcast.go).
	Broadcast benchBroadcastCmd `cmd:"" name:"broadcast" help:"One-click reach: a broadcast to 100,000 customers through the signed webhook channel; recorded/s, handed over/s, each exactly once."`
	// Analytics: event log, report, dashboard (cmd/siyu/analytics.go).
	Analytics benchAnalyticsCmd `cmd:"" name:"analytics" help:"Analytics: durable event ingestion, the report of a 1,000,000-event session, dashboard lag; SQLite and/or PostgreSQL."`
}

type benchFlashSaleFlags struct {
	Buyers   int `default:"10000" help:"Buyers (viewer tokens); each buys one unit once."`
	Conns    int `default:"256" help:"Keep-alive connections buying in parallel."`
	DupEvery int `name:"dup-every" default:"100" help:"Every Nth buyer also buys a second time, concurrently (0: never)."`
}

type benchFlashSaleCmd struct {
	benchFlashSaleFlags `embed:""`
	Stock               int64  `default:"1000" help:"Units of the sale (limit one per buyer)."`
	Rounds              int    `default:"3" help:"Sales stormed one after another by the same buyers; the median round is reported."`
	Report              string `default:"docs/benchmarks.md" help:"Markdown file the results are appended to ('' to skip)."`
}

func (c *benchFlashSaleCmd) Run() error {
	exe, err := os.Executable()
	if err != nil {
		return err
	}
	cmd := fmt.Sprintf("siyu bench flashsale --buyers %d --stock %d --conns %d --dup-every %d --rounds %d", c.Buyers, c.Stock, c.Conns,
		c.DupEvery, c.Rounds)
	clients := loadgen.FlashSaleClientOptions{Buyers: c.Buyers, Conns: c.Conns, DupEvery: c.DupEvery}
	_, err = loadgen.RunFlashSaleBench(context.Background(), loadgen.FlashSaleOptions{Exe: exe, Report: c.Report, Stock: c.Stock,
		Rounds: c.Rounds, Command: cmd, FlashSaleClientOptions: clients}, os.Stdout)
	return err
}

type benchFlashSaleClientsCmd struct {
	benchFlashSaleFlags `embed:""`
	URL                 string `required:"" help:"Server base URL."`
	Session             int64  `required:"" help:"Live session id."`
}

func (c *benchFlashSaleClientsCmd) Run() error {
	return loadgen.RunFlashSaleClients(context.Background(), loadgen.FlashSaleClientOptions{URL: c.URL, SessionID: c.Session,
		Buyers: c.Buyers, Conns: c.Conns, DupEvery: c.DupEvery}, os.Stdin, os.Stdout)
}

type roomLoadFlags struct {
	Viewers  int           `default:"10000" help:"Viewers in the room."`
	Senders  int           `default:"100" help:"Viewers that send the comments."`
	Likers   int           `default:"1000" help:"Viewers that send the likes."`
	Comments int           `default:"200" help:"Comments per second, all senders together."`
	Likes    int           `default:"2000" help:"Likes per second, all likers together."`
	Duration time.Duration `default:"30s" help:"How long to drive the load."`
	Sample   int           `default:"200" help:"Viewers that record the latency of every comment."`
}

func (f roomLoadFlags) options() loadgen.RoomClientOptions {
	return loadgen.RoomClientOptions{Viewers: f.Viewers, Senders: f.Senders, Likers: f.Likers, CommentsPerSec: f.Comments,
		LikesPerSec: f.Likes, Duration: f.Duration, Sample: f.Sample}
}

type benchRoomCmd struct {
	roomLoadFlags `embed:""`
	Report        string `default:"docs/benchmarks.md" help:"Markdown file the results are appended to ('' to skip)."`
}

func (c *benchRoomCmd) Run() error {
	exe, err := os.Executable()
	if err != nil {
		return err
	}
	_, err = loadgen.RunRoomBench(context.Background(), loadgen.RoomOptions{Exe: exe, Report: c.Report,
		Command: fmt.Sprintf("siyu bench room --viewers %d --senders %d --likers %d --comments %d --likes %d --duration %s",
			c.Viewers, c.Senders, c.Likers, c.Comments, c.Likes, c.Duration), RoomClientOptions: c.options()}, os.Stdout)
	return err
}

type benchRoomClientsCmd struct {
	roomLoadFlags `embed:""`
	URL           string `required:"" help:"Server base URL."`
	Session       int64  `required:"" help:"Live session id."`
}

func (c *benchRoomClientsCmd) Run() error {
	opt := c.options()
	opt.URL, opt.SessionID = c.URL, c.Session
	return loadgen.RunRoomClients(context.Background(), opt, os.Stdin, os.Stdout)
}

type versionCmd struct{}

func (versionCmd) Run() error {
	fmt.Println("siyu", siyu.Version)
	return nil
}
