package live

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/siyu-live/siyu"
	"github.com/siyu-live/siyu/internal/db"
	"github.com/siyu-live/siyu/internal/jobs"
	"github.com/siyu-live/siyu/internal/notify"
	"github.com/siyu-live/siyu/internal/org"
)

// remindBatch is how many reservers one transaction reminds, so a show with 100,000
// reservations neither holds the writer for long nor restarts from zero on a crash.
const remindBatch = 200

// remindJob is the RemindJobKind handler queued by Start.
func (s *Service) remindJob(ctx context.Context, j jobs.Job) error {
	var p remindPayload
	if err := json.Unmarshal(j.Payload, &p); err != nil || p.SessionID == 0 {
		return jobs.Permanent(fmt.Errorf("live: remind job %d: bad payload %s", j.ID, j.Payload))
	}
	_, err := s.RemindReservers(ctx, j.TenantID, p.SessionID)
	if siyu.ErrorCode(err) == siyu.ENOTFOUND {
		return jobs.Permanent(err)
	}
	return err
}

// RemindReservers sends every reserver of a started session its in-app reminder and
// returns how many went out. It is safe to run any number of times, concurrently or
// after a crash: each notification carries the dedupe key remind:<session>:<viewer>
// and is written in the same transaction that sets reservations.reminded_at, so every
// reserver gets exactly one.
func (s *Service) RemindReservers(ctx context.Context, tenantID, sessionID int64) (int, error) {
	sess, err := getSession(ctx, s.store, tenantID, sessionID)
	if err != nil {
		return 0, err
	}
	title, body := "直播开始啦", fmt.Sprintf("你预约的「%s」正在直播，快来观看！", sess.Title)
	if sess.HostName != "" {
		body = fmt.Sprintf("你预约的「%s」开播了，%s 正在直播间等你！", sess.Title, sess.HostName)
	}
	sent := 0
	for {
		var n int
		err := s.store.Tx(ctx, func(tx *db.Tx) error {
			n = 0
			var viewers []int64
			if err := tx.SelectContext(ctx, &viewers, `SELECT viewer_id FROM reservations
				WHERE tenant_id = ? AND session_id = ? AND reminded_at = 0 ORDER BY id LIMIT ?`,
				tenantID, sessionID, remindBatch); err != nil {
				return fmt.Errorf("live: reservers of %d: %w", sessionID, err)
			}
			now := s.now().UnixMilli()
			for _, vid := range viewers {
				ok, err := s.inApp.Send(ctx, tx, notify.Message{TenantID: tenantID, ViewerID: vid, Kind: "live_reminder",
					Title: title, Body: body, Link: s.entryURL(sessionID), DedupeKey: fmt.Sprintf("remind:%d:%d", sessionID, vid)})
				if err != nil {
					return err
				}
				if ok {
					sent++
				}
				if _, err := tx.ExecContext(ctx, `UPDATE reservations SET reminded_at = ?
					WHERE tenant_id = ? AND session_id = ? AND viewer_id = ?`, now, tenantID, sessionID, vid); err != nil {
					return fmt.Errorf("live: mark reminded: %w", err)
				}
			}
			n = len(viewers)
			return nil
		})
		if err != nil {
			return sent, err
		}
		if n < remindBatch {
			return sent, nil
		}
	}
}

// Notifications lists the viewer's in-app notifications, newest first.
func (s *Service) Notifications(ctx context.Context, v Viewer, before int64, limit int) ([]notify.Notification, string, error) {
	return notify.Inbox(ctx, s.store, v.TenantID, v.ID, before, limit)
}

// MarkNotificationRead marks one of the viewer's notifications read.
func (s *Service) MarkNotificationRead(ctx context.Context, v Viewer, id int64) (notify.Notification, error) {
	return notify.MarkRead(ctx, s.store, v.TenantID, v.ID, id, s.now())
}

// SandboxSMS lists the tenant's sandbox SMS outbox for owners and admins, so demos and
// browser tests can read one-time codes without a carrier.
func (s *Service) SandboxSMS(ctx context.Context, p org.Principal, phone string, before int64, limit int) ([]notify.Notification, string, error) {
	if err := need(p, org.PermSettingsManage); err != nil {
		return nil, "", err
	}
	return notify.SMSOutbox(ctx, s.store, p.TenantID, phone, before, limit)
}
