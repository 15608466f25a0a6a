package commentbuy

import (
	"context"
	"errors"
	"fmt"

	"github.com/siyu-live/siyu"
	"github.com/siyu-live/siyu/internal/commerce"
	"github.com/siyu-live/siyu/internal/db"
	"github.com/siyu-live/siyu/internal/room"
)

// errNothing rolls a draft back without telling the viewer anything: they already
// have an unpaid draft of the offer (made by another "+1" meanwhile), the offer was
// stopped, or the live ended.
var errNothing = errors.New("commentbuy: nothing to draft")

// draft makes one unpaid order of offer o for the commenting viewer, unless their
// previous draft of it is still unpaid, and tells the viewer either way it went
// (order_draft or order_draft_failed); "nothing to do" is silent.
func (s *Service) draft(ctx context.Context, o offerRow, c room.ViewerComment) {
	var order commerce.Order
	err := s.store.Tx(ctx, func(tx *db.Tx) error {
		var prev struct {
			OrderID int64  `db:"order_id"`
			Status  string `db:"status"`
		}
		err := tx.GetContext(ctx, &prev, `SELECT d.order_id, COALESCE(x.status, '') AS status FROM comment_buy_drafts d
			LEFT JOIN orders x ON x.id = d.order_id AND x.tenant_id = d.tenant_id
			WHERE d.comment_buy_id = ? AND d.viewer_id = ?`, o.ID, c.ViewerID)
		had := err == nil
		if err != nil && !db.IsNoRows(err) {
			return fmt.Errorf("commentbuy: previous draft: %w", err)
		}
		if had && prev.Status == commerce.StatusCreated {
			return errNothing // one unpaid draft per viewer and offer
		}
		var live string
		if err := tx.GetContext(ctx, &live, `SELECT status FROM live_sessions WHERE tenant_id = ? AND id = ?`,
			o.TenantID, o.SessionID); err != nil {
			return fmt.Errorf("commentbuy: session: %w", err)
		}
		if live != "live" {
			return errNothing
		}
		res, err := tx.ExecContext(ctx, `UPDATE comment_buys SET drafts = drafts + 1 WHERE tenant_id = ? AND id = ? AND status = ?`,
			o.TenantID, o.ID, StatusActive)
		if err != nil {
			return fmt.Errorf("commentbuy: count draft: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return errNothing // stopped meanwhile
		}
		order, err = s.commerce.CreateOrderTx(ctx, tx, commerce.NewOrder{TenantID: o.TenantID, SessionID: o.SessionID,
			ViewerID: c.ViewerID, Source: SourceComment, SourceID: o.ID,
			Lines: []commerce.NewLine{{ProductID: o.ProductID, SKUID: o.SKUID, Quantity: o.Quantity, Price: o.Price}}})
		if err != nil {
			return err
		}
		now := s.now().UnixMilli()
		if had {
			res, err = tx.ExecContext(ctx, `UPDATE comment_buy_drafts SET order_id = ?, updated_at = ?
				WHERE comment_buy_id = ? AND viewer_id = ? AND order_id = ?`, order.ID, now, o.ID, c.ViewerID, prev.OrderID)
			if err != nil {
				return fmt.Errorf("commentbuy: replace draft: %w", err)
			}
			if n, _ := res.RowsAffected(); n == 0 {
				return errNothing // another "+1" drafted meanwhile (another node)
			}
			return nil
		}
		_, err = tx.ExecContext(ctx, `INSERT INTO comment_buy_drafts (comment_buy_id, viewer_id, tenant_id, order_id, updated_at)
			VALUES (?, ?, ?, ?, ?)`, o.ID, c.ViewerID, o.TenantID, order.ID, now)
		if db.IsUniqueViolation(err) {
			return errNothing
		} else if err != nil {
			return fmt.Errorf("commentbuy: record draft: %w", err)
		}
		return nil
	})
	switch {
	case err == nil:
		s.room.SendTo(o.SessionID, c.ViewerID, DraftEvent{Type: "order_draft", OrderID: order.ID, CommentBuyID: o.ID,
			ProductName: o.ProductName, Quantity: o.Quantity, Total: order.Total, Keyword: o.Keyword})
	case errors.Is(err, errNothing):
	default:
		code := siyu.ErrorCode(err)
		msg := siyu.ErrorMessage(err)
		if code == siyu.EINTERNAL {
			s.log.Error("comment-to-buy: draft failed", "offer", o.ID, "viewer", c.ViewerID, "err", err)
			msg = "the order could not be drafted; try again"
		}
		s.room.SendTo(o.SessionID, c.ViewerID, DraftFailedEvent{Type: "order_draft_failed", CommentBuyID: o.ID, Keyword: o.Keyword,
			Reason: code, Message: msg})
	}
}
