package commentbuy

import (
	"context"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/siyu-live/siyu"
	"github.com/siyu-live/siyu/internal/commerce"
	"github.com/siyu-live/siyu/internal/db"
	"github.com/siyu-live/siyu/internal/org"
	"github.com/siyu-live/siyu/internal/promo"
	"github.com/siyu-live/siyu/internal/promo/offer"
	"github.com/siyu-live/siyu/internal/room"
)

// Audit actions of this domain, for the console's catalog.
const (
	AuditArm  = "promo.comment_buy.create"
	AuditStop = "promo.comment_buy.stop"
)

// AuditActions lists the audit actions this domain records.
var AuditActions = []string{AuditArm, AuditStop}

// Options are the collaborators and tunables of a Service.
type Options struct {
	Now      func() time.Time   // injected clock; time.Now when nil
	Commerce *commerce.Service  // drafts orders (required)
	Notifier promo.RoomNotifier // order_draft to the viewer; nil sends none (SetNotifier wires it later)
	Logger   *slog.Logger
	// Workers is the number of goroutines drafting orders [4]; a viewer's comments
	// always go to the same one.
	Workers int
	// QueueSize bounds each worker's queue before comments spill into goroutines [1024].
	QueueSize int
	// CacheFor is how long a session's active offers are trusted without reading them
	// again; offers armed or stopped on this node are seen at once, on another node
	// within this long [1 s].
	CacheFor time.Duration
}

// Service arms keywords and turns matching viewer comments into draft orders. It
// implements room.CommentWatcher. Safe for concurrent use; Stop drains its queue.
type Service struct {
	store    *db.DB
	now      func() time.Time
	commerce *commerce.Service
	room     *offer.Room
	log      *slog.Logger
	opt      Options

	cacheMu sync.Mutex
	cache   map[int64]*sessionOffers // session id → its active offers
	gen     uint64                   // bumped by every local arm and stop

	startOnce sync.Once
	queueMu   sync.RWMutex // held (read) while queueing, (write) by Stop to close the door
	closing   bool
	queues    []chan room.ViewerComment
	pending   counter // comments queued and not yet handled
	quit      chan struct{}
	workers   sync.WaitGroup
}

var _ room.CommentWatcher = (*Service)(nil)

// NewService builds the comment-to-buy service; its workers start with the first
// comment.
func NewService(store *db.DB, opt Options) *Service {
	if opt.Now == nil {
		opt.Now = time.Now
	}
	if opt.Logger == nil {
		opt.Logger = slog.Default()
	}
	if opt.Workers <= 0 {
		opt.Workers = 4
	}
	if opt.QueueSize <= 0 {
		opt.QueueSize = 1024
	}
	if opt.CacheFor <= 0 {
		opt.CacheFor = time.Second
	}
	s := &Service{store: store, now: opt.Now, commerce: opt.Commerce, log: opt.Logger.With("component", "commentbuy"), opt: opt,
		cache: map[int64]*sessionOffers{}, quit: make(chan struct{})}
	s.room = offer.NewRoom(opt.Notifier, s.log)
	return s
}

// SetNotifier wires the room engine in after both are built; nil disconnects it.
func (s *Service) SetNotifier(n promo.RoomNotifier) { s.room.Set(n) }

func (s *Service) broadcast(c CommentBuy) {
	s.room.Broadcast(c.SessionID, Event{Type: "comment_buy", CommentBuy: c})
}

// target names an offer in the audit trail.
func target(id int64) string { return fmt.Sprintf("comment_buy:%d", id) }

// Arm arms a keyword for a product's SKU in a live session. The price is the special
// price, else the SKU's price now; a keyword already armed in the session is refused
// with keyword_in_use.
func (s *Service) Arm(ctx context.Context, p org.Principal, sessionID int64, in Input) (CommentBuy, error) {
	if err := offer.Need(p, org.PermPromoManage, "arm comment-to-buy"); err != nil {
		return CommentBuy{}, err
	}
	key, err := in.check()
	if err != nil {
		return CommentBuy{}, err
	}
	prod, err := offer.Product(ctx, s.commerce, p, in.ProductID)
	if err != nil {
		return CommentBuy{}, err
	}
	if prod.Status != commerce.ProductActive {
		return CommentBuy{}, siyu.Invalid("product_id", "%s is %s; restore it before selling it in the room", prod.Name, prod.Status)
	}
	sku, err := offer.SKU(prod, in.SKUID)
	if err != nil {
		return CommentBuy{}, err
	}
	price := in.Price
	if price == 0 {
		price = sku.Price
	}
	now := s.now().UnixMilli()
	var out CommentBuy
	err = s.store.Tx(ctx, func(tx *db.Tx) error {
		if err := offer.LiveSession(ctx, tx, "commentbuy", p.TenantID, sessionID,
			"comment-to-buy runs during the live"); err != nil {
			return err
		}
		id, err := db.Insert(ctx, tx, `INSERT INTO comment_buys (tenant_id, session_id, created_by, keyword, keyword_norm, product_id,
			sku_id, product_name, price_fen, quantity, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, p.TenantID, sessionID,
			p.UserID, in.Keyword, key, prod.ID, sku.ID, prod.Name, price, in.Quantity, now)
		if db.IsUniqueViolation(err) {
			return siyu.Errorf(ErrKeywordInUse, "%q is already armed in this session; stop that offer first", in.Keyword)
		} else if err != nil {
			return fmt.Errorf("commentbuy: arm: %w", err)
		}
		if out, err = getOffer(ctx, tx, p.TenantID, id); err != nil {
			return err
		}
		return offer.Audit(ctx, tx, s.now(), p, AuditArm, target(id), fmt.Sprintf("%q → %d × %s (%s) at %d fen", in.Keyword,
			in.Quantity, prod.Name, sku.Name, price))
	})
	if err != nil {
		return CommentBuy{}, err
	}
	s.forget(sessionID)
	s.broadcast(out)
	return out, nil
}

// StopCommentBuy stops an offer: comments no longer draft orders from it (drafts
// already made stay payable). Stopping a stopped offer answers it unchanged.
func (s *Service) StopCommentBuy(ctx context.Context, p org.Principal, id int64) (CommentBuy, error) {
	if err := offer.Need(p, org.PermPromoManage, "stop comment-to-buy"); err != nil {
		return CommentBuy{}, err
	}
	var out CommentBuy
	changed := false
	err := s.store.Tx(ctx, func(tx *db.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE comment_buys SET status = ?, stopped_at = ? WHERE tenant_id = ? AND id = ? AND status = ?`,
			StatusStopped, s.now().UnixMilli(), p.TenantID, id, StatusActive)
		if err != nil {
			return fmt.Errorf("commentbuy: stop: %w", err)
		}
		if out, err = getOffer(ctx, tx, p.TenantID, id); err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return nil
		}
		changed = true
		return offer.Audit(ctx, tx, s.now(), p, AuditStop, target(id), out.Keyword)
	})
	if err == nil && changed {
		s.forget(out.SessionID)
		s.broadcast(out)
	}
	return out, err
}

// CommentBuy returns one offer of the caller's tenant.
func (s *Service) CommentBuy(ctx context.Context, p org.Principal, id int64) (CommentBuy, error) {
	return getOffer(ctx, s.store, p.TenantID, id)
}

// CommentBuys lists a session's offers, newest first.
func (s *Service) CommentBuys(ctx context.Context, p org.Principal, sessionID int64) ([]CommentBuy, error) {
	if _, err := offer.Session(ctx, s.store, "commentbuy", p.TenantID, sessionID); err != nil {
		return nil, err
	}
	var rows []offerRow
	if err := s.store.SelectContext(ctx, &rows, `SELECT `+offerCols+` FROM comment_buys WHERE tenant_id = ? AND session_id = ?
		ORDER BY id DESC LIMIT 200`, p.TenantID, sessionID); err != nil {
		return nil, fmt.Errorf("commentbuy: list: %w", err)
	}
	out := make([]CommentBuy, 0, len(rows))
	for _, r := range rows {
		out = append(out, r.offer())
	}
	return out, nil
}
