// Package server wires a siyu node together: store, bus, job queue, domain services, the
// API and the console on one mux, and runs it with graceful shutdown.
package server

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"time"

	"github.com/siyu-live/siyu/internal/api"
	"github.com/siyu-live/siyu/internal/bus"
	"github.com/siyu-live/siyu/internal/commerce"
	"github.com/siyu-live/siyu/internal/config"
	"github.com/siyu-live/siyu/internal/db"
	"github.com/siyu-live/siyu/internal/jobs"
	"github.com/siyu-live/siyu/internal/live"
	"github.com/siyu-live/siyu/internal/org"
	"github.com/siyu-live/siyu/internal/promo"
	"github.com/siyu-live/siyu/internal/room"
	"github.com/siyu-live/siyu/internal/web"
	"github.com/siyu-live/siyu/internal/webhook"
)

// Options are what tests and tools may change beyond Config.
type Options struct {
	Now      func() time.Time   // injected clock; time.Now when nil
	Password org.PasswordParams // argon2 cost; production defaults when zero
	// HTTPClient sends outbound webhooks; webhook.NewClient when nil.
	HTTPClient *http.Client
}

// Server is one running node.
type Server struct {
	Config   config.Config
	Logger   *slog.Logger
	Store    *db.DB
	Bus      bus.Bus
	Queue    *jobs.Queue
	Org      *org.Service
	Webhooks *webhook.Service
	Live     *live.Service
	Rooms    *room.Service
	Promo    *promo.Service
	Commerce *commerce.Service
	API      *api.API
	Web      *web.Console

	handler http.Handler
	http    *http.Server
}

// New opens the store (applying migrations), the bus and every service. It does not
// listen; call Serve.
func New(ctx context.Context, cfg config.Config, logger *slog.Logger, opt Options) (*Server, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	if opt.Now == nil {
		opt.Now = time.Now
	}
	if opt.HTTPClient == nil {
		opt.HTTPClient = webhook.NewClient(cfg.WebhookPrivate)
	}
	s := &Server{Config: cfg, Logger: logger}
	var err error
	if s.Store, err = db.Open(ctx, cfg.DB, cfg.DataDir()); err != nil {
		return nil, err
	}
	if n, err := s.Store.Migrate(ctx); err != nil {
		s.Store.Close()
		return nil, err
	} else if n > 0 {
		logger.Info("migrations applied", "count", n, "dialect", s.Store.Dialect())
	}
	if s.Bus, err = bus.Open(ctx, bus.Options{URL: cfg.NATSURL, DataDir: cfg.DataDir(), Name: "siyu-" + strings.NewReplacer(":", "-", ".", "-").Replace(cfg.Addr)}); err != nil {
		s.Store.Close()
		return nil, err
	}
	s.Queue = jobs.New(s.Store, opt.Now, logger)
	s.Webhooks = webhook.NewService(s.Store, s.Queue, opt.HTTPClient, opt.Now)
	s.Org = org.NewService(s.Store, org.Options{Now: opt.Now, Password: opt.Password, SessionTTL: cfg.SessionTTL,
		LoginPerMinute: cfg.LoginPerMinute, Events: s.Webhooks})
	s.Live = live.NewService(s.Store, live.Options{Now: opt.Now, Org: s.Org, Queue: s.Queue, Bus: s.Bus, Events: s.Webhooks,
		PublicURL: cfg.PublicURL(), Logger: logger})
	s.Rooms = room.New(room.Options{Store: s.Store, Bus: s.Bus, Directory: s.Live.Directory(), Now: opt.Now, Logger: logger,
		Tick: cfg.RoomTick, BigTick: cfg.RoomBigTick, SampleAbove: cfg.RoomSampleAbove})
	s.Live.SetStatsFlusher(s.Rooms)
	s.Live.SetOnlineCounter(s.Rooms)
	// Red envelopes and lotteries: announced in the rooms, and armed by like milestones.
	s.Promo = promo.NewService(s.Store, promo.Options{Now: opt.Now, Org: s.Org, Queue: s.Queue, Events: s.Webhooks,
		Follows: s.Live.Directory(), Logger: logger})
	s.Promo.SetNotifier(s.Rooms)
	s.Rooms.SetLikeWatcher(s.Promo)
	// Products, showcases, orders and payments; pins are announced in the rooms.
	s.Commerce = commerce.NewService(s.Store, commerce.Options{Now: opt.Now, Queue: s.Queue, Events: s.Webhooks,
		PublicURL: cfg.PublicURL(), Logger: logger, DisableSandbox: !cfg.PaymentSandbox})
	s.Commerce.SetRoomNotifier(s.Rooms)
	s.API = api.New(api.Deps{Config: cfg, Logger: logger, Store: s.Store, Org: s.Org, Webhooks: s.Webhooks, Live: s.Live,
		Rooms: s.Rooms, Promo: s.Promo, Commerce: s.Commerce, Ready: s.ready})
	s.Web = web.New(web.Deps{Config: cfg, Logger: logger, Org: s.Org, Webhooks: s.Webhooks, API: s.API, Live: s.Live})

	mux := http.NewServeMux()
	s.API.Mount(mux)
	s.Web.Mount(mux)
	s.Web.MountPay(mux, s.Commerce)
	s.handler = api.Observe(mux, logger, s.API.Metrics)
	return s, nil
}

// Handler is the node's whole HTTP surface, for tests that drive it in-process.
func (s *Server) Handler() http.Handler { return s.handler }

func (s *Server) ready(ctx context.Context) error {
	var one int
	if err := s.Store.GetContext(ctx, &one, `SELECT 1`); err != nil {
		return fmt.Errorf("store: %w", err)
	}
	if !s.Bus.Conn().IsConnected() {
		return errors.New("bus: not connected")
	}
	return nil
}

// Serve starts the job workers and serves HTTP on ln until ctx ends, then shuts down
// gracefully: new connections are refused, in-flight requests finish (up to the
// shutdown timeout), running jobs finish, and the bus and store are closed last so no
// accepted write is lost.
func (s *Server) Serve(ctx context.Context, ln net.Listener) error {
	s.http = &http.Server{
		Handler:           s.handler,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       60 * time.Second,
		WriteTimeout:      60 * time.Second,
		IdleTimeout:       120 * time.Second,
		MaxHeaderBytes:    64 << 10,
		ErrorLog:          slog.NewLogLogger(s.Logger.Handler(), slog.LevelWarn),
	}
	jobCtx, stopJobs := context.WithCancel(context.WithoutCancel(ctx))
	defer stopJobs()
	s.Queue.Start(jobCtx)
	s.Promo.Start(jobCtx)
	if err := s.Rooms.Start(jobCtx); err != nil {
		s.close()
		return fmt.Errorf("server: rooms: %w", err)
	}

	errc := make(chan error, 1)
	go func() { errc <- s.http.Serve(ln) }()
	select {
	case err := <-errc:
		_ = s.Rooms.Stop(context.Background())
		s.close()
		return fmt.Errorf("server: %w", err)
	case <-ctx.Done():
	}
	s.Logger.Info("shutting down", "timeout", s.Config.ShutdownTimeout.String())
	sctx, cancel := context.WithTimeout(context.Background(), s.Config.ShutdownTimeout)
	defer cancel()
	err := s.http.Shutdown(sctx)
	if err != nil {
		s.Logger.Warn("in-flight requests did not finish in time", "err", err)
	}
	// WebSockets are hijacked, so Shutdown does not wait for them: the rooms close
	// their viewers and persist everything accepted before the store closes.
	if err := s.Rooms.Stop(sctx); err != nil {
		s.Logger.Warn("rooms did not stop cleanly", "err", err)
	}
	s.close()
	s.Logger.Info("stopped")
	return nil
}

func (s *Server) close() {
	s.Queue.Stop()
	// After the HTTP server and the jobs: every grab an owner decided is committed and
	// answered before the store closes.
	s.Promo.Stop()
	if err := s.Bus.Close(); err != nil {
		s.Logger.Warn("bus close", "err", err)
	}
	if err := s.Store.Close(); err != nil {
		s.Logger.Warn("store close", "err", err)
	}
}

// Close releases everything for a server that was built but never served.
func (s *Server) Close() { s.close() }
