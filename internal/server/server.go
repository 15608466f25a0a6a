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

	"github.com/siyu-live/siyu/internal/analytics"
	"github.com/siyu-live/siyu/internal/api"
	"github.com/siyu-live/siyu/internal/bus"
	"github.com/siyu-live/siyu/internal/commerce"
	"github.com/siyu-live/siyu/internal/config"
	"github.com/siyu-live/siyu/internal/crm"
	"github.com/siyu-live/siyu/internal/crm/broadcast"
	"github.com/siyu-live/siyu/internal/crm/community"
	"github.com/siyu-live/siyu/internal/crm/poster"
	"github.com/siyu-live/siyu/internal/crm/script"
	"github.com/siyu-live/siyu/internal/crm/segment"
	"github.com/siyu-live/siyu/internal/crm/transfer"
	"github.com/siyu-live/siyu/internal/db"
	"github.com/siyu-live/siyu/internal/jobs"
	"github.com/siyu-live/siyu/internal/live"
	"github.com/siyu-live/siyu/internal/org"
	"github.com/siyu-live/siyu/internal/promo"
	"github.com/siyu-live/siyu/internal/promo/assist"
	"github.com/siyu-live/siyu/internal/promo/commentbuy"
	"github.com/siyu-live/siyu/internal/promo/coupon"
	"github.com/siyu-live/siyu/internal/promo/flashsale"
	"github.com/siyu-live/siyu/internal/promo/groupbuy"
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

	// GroupBuys are group buys (拼团), Assists assists (助力): both sell through
	// Commerce and register their order hooks on it.
	GroupBuys *groupbuy.Service
	Assists   *assist.Service
	// FlashSales are flash sales (秒杀): orders through Commerce, hooks registered there.
	FlashSales *flashsale.Service
	// Coupons are redeemed at checkout (Commerce's CouponRedeemer); CommentBuys draft
	// orders from viewer comments the rooms tell them.
	Coupons     *coupon.Service
	CommentBuys *commentbuy.Service
	// CRM keeps customer profiles from room activity (told by the rooms), orders (commerce
	// hooks of every source) and reservations, phones and session ends (live).
	CRM *crm.Service
	// Segments count rules over tags and behaviour from an index the CRM keeps current.
	Segments *segment.Service
	// Communities are groups (社群) of customers with envelopes and 接龙 chains.
	Communities *community.Service
	// Scripts are the script library (话术库): answers agents send in one click.
	Scripts *script.Service
	// Broadcasts are one-click reach (一键触达): talk-tracks and posters to segments and
	// communities through the notify channels, with tracked links into the room.
	Broadcasts *broadcast.Service
	// Analytics records every room, viewer and order event of a session for the live
	// dashboard and the post-live report (told by the rooms, live and commerce hooks).
	Analytics *analytics.Service

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
	s.Rooms.SetGrabber(s.Promo) // red-envelope grabs over the room's WebSocket
	// Products, showcases, orders and payments; pins are announced in the rooms.
	s.Commerce = commerce.NewService(s.Store, commerce.Options{Now: opt.Now, Queue: s.Queue, Events: s.Webhooks,
		PublicURL: cfg.PublicURL(), Logger: logger, DisableSandbox: !cfg.PaymentSandbox})
	s.Commerce.SetRoomNotifier(s.Rooms)
	// Group buys and assists: orders through commerce (their hooks register there), deadlines
	// and refunds as durable jobs, groups and campaigns told in the rooms.
	s.GroupBuys = groupbuy.NewService(s.Store, groupbuy.Options{Now: opt.Now, Commerce: s.Commerce, Org: s.Org, Queue: s.Queue,
		Events: s.Webhooks, Logger: logger})
	s.GroupBuys.SetNotifier(s.Rooms)
	s.Assists = assist.NewService(s.Store, assist.Options{Now: opt.Now, Commerce: s.Commerce, Queue: s.Queue, Events: s.Webhooks,
		Logger: logger})
	s.Assists.SetNotifier(s.Rooms)
	// Flash sales: an owner per sale decides in memory, a group commit writes the orders.
	s.FlashSales = flashsale.NewService(s.Store, flashsale.Options{Now: opt.Now, Commerce: s.Commerce, Queue: s.Queue,
		Events: s.Webhooks, Logger: logger})
	s.FlashSales.SetNotifier(s.Rooms)
	// Coupons (issued in the room, redeemed in the order's transaction) and comment-to-buy
	// (the rooms tell it every stored viewer comment; it drafts orders off their goroutine).
	s.Coupons = coupon.NewService(s.Store, coupon.Options{Now: opt.Now, Events: s.Webhooks, Notifier: s.Rooms, Logger: logger})
	s.Commerce.SetCouponRedeemer(s.Coupons)
	s.CommentBuys = commentbuy.NewService(s.Store, commentbuy.Options{Now: opt.Now, Commerce: s.Commerce, Notifier: s.Rooms, Logger: logger})
	s.Rooms.SetCommentWatcher(s.CommentBuys)
	s.CRM = crm.NewService(s.Store, crm.Options{Now: opt.Now, Queue: s.Queue, Events: s.Webhooks, Logger: logger})
	s.Rooms.SetActivityWatcher(s.CRM)
	s.Live.SetPeopleWatcher(s.CRM)
	s.CRM.WireCommerce(s.Commerce)
	s.Segments = segment.NewService(s.Store, segment.Options{Now: opt.Now, Bus: s.Bus, Logger: logger})
	s.CRM.AddObserver(s.Segments)
	// Customer import (dry run, then confirmed rows applied as jobs) and export.
	transfers := transfer.NewService(s.Store, s.CRM, transfer.Options{Now: opt.Now, Queue: s.Queue, Segments: s.Segments, Logger: logger})
	s.Communities = community.NewService(s.Store, community.Options{Now: opt.Now, Org: s.Org, Queue: s.Queue, Events: s.Webhooks,
		Live: s.Live, CRM: s.CRM, Segments: s.Segments, PublicURL: cfg.PublicURL(), Logger: logger})
	s.Scripts = script.NewService(s.Store, script.Options{Now: opt.Now, Logger: logger})
	var posters broadcast.Posters // nil unless the CJK font loads
	var posterErr error
	if r, err := poster.New(cfg.FontPath); err != nil {
		logger.Warn("posters are unavailable; broadcasts go out without them", "err", err)
		posterErr = err
	} else {
		posters = r
	}
	s.Broadcasts = broadcast.NewService(s.Store, broadcast.Options{Now: opt.Now, Logger: logger, Queue: s.Queue, Live: s.Live,
		Org: s.Org, Segments: s.Segments, Communities: s.Communities, Customers: s.CRM, HTTPClient: opt.HTTPClient, PublicURL: cfg.PublicURL(),
		Posters: posters, PosterErr: posterErr})
	s.Analytics = analytics.NewService(s.Store, analytics.Options{Now: opt.Now, Logger: logger, Bus: s.Bus, NodeID: s.Rooms.NodeID(),
		Rooms: s.Rooms, Settings: s.Org, Queue: s.Queue, Tagger: s.CRM})
	s.Rooms.AddActivityWatcher(s.Analytics)
	s.Live.AddPeopleWatcher(s.Analytics)
	s.Analytics.WireCommerce(s.Commerce)
	s.API = api.New(api.Deps{Config: cfg, Logger: logger, Store: s.Store, Org: s.Org, Webhooks: s.Webhooks, Live: s.Live,
		Rooms: s.Rooms, Promo: s.Promo, Commerce: s.Commerce, Ready: s.ready,
		GroupBuys: s.GroupBuys, Assists: s.Assists, FlashSales: s.FlashSales,
		Coupons: s.Coupons, CommentBuys: s.CommentBuys, CRM: s.CRM, Segments: s.Segments, Scripts: s.Scripts,
		Communities: s.Communities, Analytics: s.Analytics})
	s.Web = web.New(web.Deps{Config: cfg, Logger: logger, Org: s.Org, Webhooks: s.Webhooks, API: s.API, Live: s.Live, Commerce: s.Commerce,
		CRM: s.CRM, Segments: s.Segments, Scripts: s.Scripts, Communities: s.Communities, Analytics: s.Analytics})
	s.Web.Marketing = web.MarketingTools{Promo: s.Promo, FlashSales: s.FlashSales, GroupBuys: s.GroupBuys, Assists: s.Assists,
		Coupons: s.Coupons}
	s.API.Transfer, s.Web.Transfer = transfers, transfers
	s.API.Broadcasts, s.Web.Broadcasts = s.Broadcasts, s.Broadcasts

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
	s.FlashSales.Start(jobCtx)
	s.CRM.Start(jobCtx)
	if err := s.Analytics.Start(jobCtx); err != nil {
		s.close()
		return fmt.Errorf("server: analytics: %w", err)
	}
	if err := s.Segments.Start(jobCtx); err != nil {
		s.close()
		return fmt.Errorf("server: segments: %w", err)
	}
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
	s.FlashSales.Stop()
	s.CommentBuys.Stop() // after the rooms: drafts of the last comments are made before the store closes
	s.CRM.Stop()         // after the rooms: their last activity is applied before the store closes
	s.Analytics.Stop()   // after the rooms and the jobs: every event they recorded is written
	s.Segments.Stop()    // after the CRM: its last changes are announced to the other nodes
	if err := s.Bus.Close(); err != nil {
		s.Logger.Warn("bus close", "err", err)
	}
	if err := s.Store.Close(); err != nil {
		s.Logger.Warn("store close", "err", err)
	}
}

// Close releases everything for a server that was built but never served.
func (s *Server) Close() { s.close() }
