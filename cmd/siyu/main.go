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

	"github.com/alecthomas/kong"

	"github.com/siyu-live/siyu"
	"github.com/siyu-live/siyu/internal/config"
	"github.com/siyu-live/siyu/internal/db"
	"github.com/siyu-live/siyu/internal/demo"
	"github.com/siyu-live/siyu/internal/server"
)

type cli struct {
	Serve   serveCmd   `cmd:"" help:"Run the server (API, live rooms, console)."`
	Migrate migrateCmd `cmd:"" help:"Apply database migrations and exit."`
	Backup  backupCmd  `cmd:"" help:"Write a consistent online copy of the SQLite database to a file."`
	Bench   benchCmd   `cmd:"" help:"Run a benchmark and append its results to docs/benchmarks.md."`
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
		if err := demo.Seed(ctx, srv.Org); err != nil {
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
	Name string `arg:"" optional:"" help:"Benchmark to run."`
}

func (c *benchCmd) Run() error {
	return fmt.Errorf("no benchmark named %q yet: the room, flashsale, redenvelope, crm and analytics benchmarks arrive with their features", c.Name)
}

type versionCmd struct{}

func (versionCmd) Run() error {
	fmt.Println("siyu", siyu.Version)
	return nil
}
