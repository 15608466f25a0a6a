// Package offer holds what the in-room selling tools (flashsale, groupbuy, assist,
// coupon, commentbuy) have in common: the permission check, the live-session and
// product/SKU checks of a launch with the error messages the console and the API
// contract expect, the audit and webhook calls made in the caller's transaction, and
// the room notifier that is wired in late and never fails the caller.
//
// The two priced offers (groupbuy, assist) share more: the same offer row around one
// SKU, snapshotted at launch, so PricedTable launches, closes, reads and lists them
// for both (priced.go); what happens after the launch (groups, campaigns) stays with
// each tool. Otherwise each tool keeps its own tables, SQL, validation and state
// machine. Functions take the tool's words (its package name for internal errors, its
// phrase for people) so the messages stay the tool's own.
package offer

import (
	"context"
	"time"

	"github.com/siyu-live/siyu"
	"github.com/siyu-live/siyu/internal/audit"
	"github.com/siyu-live/siyu/internal/db"
	"github.com/siyu-live/siyu/internal/org"
	"github.com/siyu-live/siyu/internal/promo"
)

// Need answers forbidden unless p's role grants perm, so every tool refuses staff the
// same way; doing completes "your role may not …" ("do this", "issue coupons").
func Need(p org.Principal, perm org.Permission, doing string) error {
	if !p.Can(perm) {
		return siyu.Errorf(siyu.EFORBIDDEN, "your role may not %s (needs %s)", doing, perm)
	}
	return nil
}

// Audit records a staff action in the caller's transaction, so the trail commits or
// rolls back with the change it describes.
func Audit(ctx context.Context, q db.Querier, now time.Time, p org.Principal, action, target, detail string) error {
	return audit.Record(ctx, q, now, audit.Entry{TenantID: p.TenantID, UserID: p.UserID, Actor: p.Email,
		Action: action, Target: target, Detail: detail})
}

// Publish queues a webhook in the caller's transaction, so it is sent exactly when the
// change commits; a nil publisher (a tool built without webhooks) sends none.
func Publish(ctx context.Context, pub promo.EventPublisher, q db.Querier, tenantID int64, typ string, data any) error {
	if pub == nil {
		return nil
	}
	return pub.Publish(ctx, q, tenantID, typ, data)
}

// Time turns a stored unix-millisecond column into UTC time. 0 means "not yet" and
// becomes the zero time, which omitzero JSON fields leave out.
func Time(ms int64) time.Time {
	if ms == 0 {
		return time.Time{}
	}
	return time.UnixMilli(ms).UTC()
}
