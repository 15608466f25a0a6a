package broadcast

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/siyu-live/siyu"
	"github.com/siyu-live/siyu/internal/audit"
	"github.com/siyu-live/siyu/internal/db"
	"github.com/siyu-live/siyu/internal/live"
	"github.com/siyu-live/siyu/internal/org"
)

// Create saves a draft broadcast after checking that its session, audiences and
// channels are the tenant's and usable.
func (s *Service) Create(ctx context.Context, p org.Principal, in Input) (Broadcast, error) {
	if err := need(p); err != nil {
		return Broadcast{}, err
	}
	st, err := s.check(ctx, p.TenantID, in)
	if err != nil {
		return Broadcast{}, err
	}
	aud, _ := json.Marshal(st.Audiences)
	chans, _ := json.Marshal(st.Channels)
	now := s.now().UnixMilli()
	var id int64
	err = s.store.Tx(ctx, func(tx *db.Tx) error {
		var err error
		id, err = db.Insert(ctx, tx, `INSERT INTO broadcasts (tenant_id, name, session_id, audiences, channels, title, coupon,
			poster, webhook_endpoint_id, throttle_per_minute, created_by, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, p.TenantID, st.Name, st.SessionID, string(aud), string(chans),
			st.Title, st.Coupon, boolInt(st.Poster), st.WebhookEndpointID, st.ThrottlePerMinute, p.UserID, now, now)
		if err != nil {
			return fmt.Errorf("broadcast: create: %w", err)
		}
		return s.audit(ctx, tx, p, AuditCreate, id, st.Name)
	})
	if err != nil {
		return Broadcast{}, err
	}
	return s.get(ctx, p.TenantID, id, true)
}

// Get returns one of the tenant's broadcasts with its funnel counts.
func (s *Service) Get(ctx context.Context, p org.Principal, id int64) (Broadcast, error) {
	if err := need(p); err != nil {
		return Broadcast{}, err
	}
	return s.get(ctx, p.TenantID, id, false)
}

func (s *Service) get(ctx context.Context, tenantID, id int64, fresh bool) (Broadcast, error) {
	var r row
	var err error
	if fresh {
		r, err = getRowW(ctx, s.store, tenantID, id)
	} else {
		r, err = getRow(ctx, s.store, tenantID, id)
	}
	if err != nil {
		return Broadcast{}, err
	}
	return s.enrich(ctx, r)
}

// List returns the tenant's broadcasts newest first, below the id before (0 for the
// newest), each with its counts, and the cursor of the next page ("" on the last).
func (s *Service) List(ctx context.Context, p org.Principal, before int64, limit int) ([]Broadcast, string, error) {
	if err := need(p); err != nil {
		return nil, "", err
	}
	if limit <= 0 || limit > 100 {
		limit = 20
	}
	rows, err := listRows(ctx, s.store, p.TenantID, before, limit)
	if err != nil {
		return nil, "", err
	}
	out := make([]Broadcast, 0, len(rows))
	for _, r := range rows {
		b, err := s.enrich(ctx, r)
		if err != nil {
			return nil, "", err
		}
		out = append(out, b)
	}
	next := ""
	if len(rows) == limit {
		next = fmt.Sprint(rows[len(rows)-1].ID)
	}
	return out, next, nil
}

// Update changes a broadcast that is not sending yet; a scheduled one keeps its time.
func (s *Service) Update(ctx context.Context, p org.Principal, id int64, patch Patch) (Broadcast, error) {
	if err := need(p); err != nil {
		return Broadcast{}, err
	}
	r, err := getRow(ctx, s.store, p.TenantID, id)
	if err != nil {
		return Broadcast{}, err
	}
	cur, err := r.settings()
	if err != nil {
		return Broadcast{}, err
	}
	st, err := s.check(ctx, p.TenantID, patch.apply(cur.input()))
	if err != nil {
		return Broadcast{}, err
	}
	aud, _ := json.Marshal(st.Audiences)
	chans, _ := json.Marshal(st.Channels)
	err = s.store.Tx(ctx, func(tx *db.Tx) error {
		// A new session needs a new entry link: the old one leads into the old room.
		res, err := tx.ExecContext(ctx, `UPDATE broadcasts SET name = ?, session_id = ?, audiences = ?, channels = ?, title = ?,
			coupon = ?, poster = ?, webhook_endpoint_id = ?, throttle_per_minute = ?, updated_at = ?,
			entry_link_id = CASE WHEN session_id = ? THEN entry_link_id ELSE 0 END,
			entry_code = CASE WHEN session_id = ? THEN entry_code ELSE '' END
			WHERE tenant_id = ? AND id = ? AND status IN ('draft', 'scheduled')`, st.Name, st.SessionID, string(aud), string(chans),
			st.Title, st.Coupon, boolInt(st.Poster), st.WebhookEndpointID, st.ThrottlePerMinute, s.now().UnixMilli(),
			st.SessionID, st.SessionID, p.TenantID, id)
		if err != nil {
			return fmt.Errorf("broadcast: update %d: %w", id, err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return siyu.Errorf(siyu.ECONFLICT, "broadcast %d is %s and can no longer be changed", id, r.Status)
		}
		return s.audit(ctx, tx, p, AuditUpdate, id, st.Name)
	})
	if err != nil {
		return Broadcast{}, err
	}
	return s.get(ctx, p.TenantID, id, true)
}

// Delete removes a draft or cancelled broadcast that never sent anything.
func (s *Service) Delete(ctx context.Context, p org.Principal, id int64) error {
	if err := need(p); err != nil {
		return err
	}
	return s.store.Tx(ctx, func(tx *db.Tx) error {
		r, err := getRowW(ctx, tx, p.TenantID, id)
		if err != nil {
			return err
		}
		if (r.Status != StatusDraft && r.Status != StatusCancelled) || r.StartedAt > 0 {
			return siyu.Errorf(siyu.ECONFLICT, "only a draft or a cancelled broadcast that never sent can be deleted; this one is %s", r.Status)
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM broadcasts WHERE tenant_id = ? AND id = ?`, p.TenantID, id); err != nil {
			return fmt.Errorf("broadcast: delete %d: %w", id, err)
		}
		return s.audit(ctx, tx, p, AuditDelete, id, r.Name)
	})
}

// check validates an input and looks up what it names in the tenant: the session (not
// ended), each audience, and each channel's readiness.
func (s *Service) check(ctx context.Context, tenantID int64, in Input) (settings, error) {
	st, err := in.normalize()
	if err != nil {
		return st, err
	}
	sess, err := s.opt.Live.Get(ctx, system(tenantID), st.SessionID)
	if siyu.ErrorCode(err) == siyu.ENOTFOUND {
		return st, siyu.Invalid("session_id", "session %d not found", st.SessionID)
	} else if err != nil {
		return st, err
	}
	if sess.Status == live.StatusEnded {
		return st, siyu.Invalid("session_id", "session %d has ended; promote an upcoming live", st.SessionID)
	}
	for i, a := range st.Audiences {
		if _, err := s.audienceName(ctx, tenantID, a, true); err != nil {
			return st, siyu.Invalid(fmt.Sprintf("audiences[%d].id", i), "audiences[%d]: %s", i, siyu.ErrorMessage(err))
		}
	}
	if err := s.checkChannels(ctx, tenantID, st); err != nil {
		return st, err
	}
	return st, nil
}

// audienceName returns a segment's or community's name, ENOTFOUND when it is not the
// tenant's. With verify, a community is checked through Communities.
func (s *Service) audienceName(ctx context.Context, tenantID int64, a Audience, verify bool) (string, error) {
	if a.Kind == AudienceSegment {
		var name string
		err := s.store.GetContext(ctx, &name, `SELECT name FROM segments WHERE tenant_id = ? AND id = ?`, tenantID, a.ID)
		if db.IsNoRows(err) {
			return "", siyu.Errorf(siyu.ENOTFOUND, "segment %d not found", a.ID)
		} else if err != nil {
			return "", fmt.Errorf("broadcast: segment %d: %w", a.ID, err)
		}
		return name, nil
	}
	if s.opt.Communities == nil {
		return "", siyu.Errorf(siyu.EINVALID, "communities: not available")
	}
	if verify {
		if _, err := s.opt.Communities.MemberCustomerIDs(ctx, tenantID, a.ID); err != nil {
			return "", err
		}
	}
	return communityName(ctx, s.store, tenantID, a.ID), nil
}

// enrich fills what a read shows beyond the row: the session, audience names, the
// entry link and the funnel counts.
func (s *Service) enrich(ctx context.Context, r row) (Broadcast, error) {
	b, err := r.broadcast()
	if err != nil {
		return b, err
	}
	var sess struct {
		Title string `db:"title"`
		At    int64  `db:"scheduled_at"`
	}
	err = s.store.GetContext(ctx, &sess, `SELECT title, scheduled_at FROM live_sessions WHERE tenant_id = ? AND id = ?`, r.TenantID, r.SessionID)
	if err != nil && !db.IsNoRows(err) {
		return b, fmt.Errorf("broadcast: session of %d: %w", r.ID, err)
	}
	b.SessionTitle, b.SessionAt = sess.Title, msTime(sess.At)
	for i := range b.Audiences {
		if name, err := s.audienceName(ctx, r.TenantID, b.Audiences[i], false); err == nil {
			b.Audiences[i].Name = name
		}
	}
	if r.EntryLinkID > 0 {
		e := &Entry{ID: r.EntryLinkID, Code: r.EntryCode, URL: s.opt.PublicURL + "/live/" + r.EntryCode}
		if err := s.store.GetContext(ctx, &e.Viewers, `SELECT COUNT(*) FROM viewers WHERE tenant_id = ? AND session_id = ? AND entry_link_id = ?`,
			r.TenantID, r.SessionID, r.EntryLinkID); err != nil {
			return b, fmt.Errorf("broadcast: entry viewers: %w", err)
		}
		b.Entry = e
	}
	if b.Counts, err = countRecipients(ctx, s.store, r.TenantID, r.ID, r.SessionID); err != nil {
		return b, err
	}
	return b, nil
}

func (s *Service) audit(ctx context.Context, q db.Querier, p org.Principal, action string, id int64, detail string) error {
	return audit.Record(ctx, q, s.now(), audit.Entry{TenantID: p.TenantID, UserID: p.UserID, Actor: p.Email,
		Action: action, Target: fmt.Sprintf("broadcast:%d", id), Detail: detail})
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}
