package broadcast

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"fmt"
	"strings"

	"github.com/siyu-live/siyu"
	"github.com/siyu-live/siyu/internal/db"
)

// tokenBytes is the entropy of a tracked-link token (120 bits, 20 characters).
const tokenBytes = 15

// newToken draws a recipient's link token from crypto/rand: it is the recipient's
// capability to be counted (and to enter the room as themself), so it must not be
// guessable.
func newToken() string {
	b := make([]byte, tokenBytes)
	_, _ = rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}

// insertRows is how many recipients one INSERT statement writes (7 values each, well
// inside both engines' parameter limits); insertTx how many one transaction commits.
const (
	insertRows = 1000
	insertTx   = 5000
)

// members returns an audience's customers: a segment's rule evaluated now (the segment
// read fresh, so an edit made after saving the broadcast counts), a community's
// members. ENOTFOUND when the segment or community is gone.
func (s *Service) members(ctx context.Context, tenantID int64, a Audience) ([]int64, error) {
	if a.Kind == AudienceCommunity {
		if s.opt.Communities == nil {
			return nil, siyu.Errorf(siyu.EINVALID, "communities: not available")
		}
		return s.opt.Communities.MemberCustomerIDs(ctx, tenantID, a.ID)
	}
	var rule string
	err := s.store.GetContext(ctx, &rule, `SELECT rule FROM segments WHERE tenant_id = ? AND id = ?`, tenantID, a.ID)
	if db.IsNoRows(err) {
		return nil, siyu.Errorf(siyu.ENOTFOUND, "segment %d was deleted", a.ID)
	} else if err != nil {
		return nil, fmt.Errorf("broadcast: segment %d: %w", a.ID, err)
	}
	if s.opt.Segments == nil {
		return nil, fmt.Errorf("broadcast: no segment service")
	}
	return s.opt.Segments.Members(ctx, tenantID, rule, 0, 0)
}

// audienceSets resolves every audience and removes repeats: a customer belongs to the
// first audience listed that holds them. An audience deleted since the broadcast was
// saved is skipped and named in the returned notes. sizes are the audiences' sizes
// before repeats were removed.
func (s *Service) audienceSets(ctx context.Context, tenantID int64, auds []Audience) (sets [][]int64, sizes []int, notes []string, err error) {
	seen := map[int64]struct{}{}
	sets = make([][]int64, len(auds))
	sizes = make([]int, len(auds))
	for i, a := range auds {
		ids, err := s.members(ctx, tenantID, a)
		if c := siyu.ErrorCode(err); c == siyu.ENOTFOUND || c == siyu.EINVALID {
			notes = append(notes, fmt.Sprintf("audience %d skipped: %s", i+1, siyu.ErrorMessage(err)))
			continue
		} else if err != nil {
			return nil, nil, nil, err
		}
		sizes[i] = len(ids)
		fresh := make([]int64, 0, len(ids))
		for _, id := range ids {
			if _, dup := seen[id]; !dup {
				seen[id] = struct{}{}
				fresh = append(fresh, id)
			}
		}
		sets[i] = fresh
	}
	return sets, sizes, notes, nil
}

// expand records the recipients of a broadcast, one row each with its own token, and
// marks the expansion complete. Run again after a crash, it adds only the customers
// not yet recorded (a row, once written, keeps its audience and token).
func (s *Service) expand(ctx context.Context, r *row, st settings) error {
	sets, _, notes, err := s.audienceSets(ctx, r.TenantID, st.Audiences)
	if err != nil {
		return err
	}
	now := s.now().UnixMilli()
	var pending [][2]int64 // customer, audience
	flush := func() error {
		if len(pending) == 0 {
			return nil
		}
		err := s.store.Tx(ctx, func(tx *db.Tx) error {
			for start := 0; start < len(pending); start += insertRows {
				if err := insertRecipients(ctx, tx, r.TenantID, r.ID, now, pending[start:min(start+insertRows, len(pending))]); err != nil {
					return err
				}
			}
			return nil
		})
		pending = pending[:0]
		return err
	}
	for aud, ids := range sets {
		for _, id := range ids {
			pending = append(pending, [2]int64{id, int64(aud)})
			if len(pending) >= insertTx {
				if err := flush(); err != nil {
					return err
				}
			}
		}
	}
	if err := flush(); err != nil {
		return err
	}
	var total int64
	if err := s.store.WriteGetContext(ctx, &total, `SELECT COUNT(*) FROM broadcast_recipients WHERE tenant_id = ? AND broadcast_id = ?`,
		r.TenantID, r.ID); err != nil {
		return fmt.Errorf("broadcast: count recipients: %w", err)
	}
	r.ExpandedAt, r.Recipients = s.now().UnixMilli(), total
	if len(notes) > 0 {
		r.LastError = strings.Join(notes, "; ")
	}
	if _, err := s.store.ExecContext(ctx, `UPDATE broadcasts SET expanded_at = ?, recipients = ?, last_error = ? WHERE tenant_id = ? AND id = ?`,
		r.ExpandedAt, total, r.LastError, r.TenantID, r.ID); err != nil {
		return fmt.Errorf("broadcast: expanded %d: %w", r.ID, err)
	}
	return nil
}

// insertRecipients writes rows in one multi-row INSERT; customers already recorded for
// the broadcast are left as they are.
func insertRecipients(ctx context.Context, tx *db.Tx, tenantID, broadcastID, now int64, rows [][2]int64) error {
	var q strings.Builder
	q.Grow(len(rows) * 24)
	q.WriteString(`INSERT INTO broadcast_recipients (tenant_id, broadcast_id, customer_id, audience, token, created_at) VALUES `)
	args := make([]any, 0, len(rows)*6)
	for i, rw := range rows {
		if i > 0 {
			q.WriteByte(',')
		}
		q.WriteString("(?, ?, ?, ?, ?, ?)")
		args = append(args, tenantID, broadcastID, rw[0], rw[1], newToken(), now)
	}
	q.WriteString(` ON CONFLICT (broadcast_id, customer_id) DO NOTHING`)
	if _, err := tx.ExecContext(ctx, q.String(), args...); err != nil {
		return fmt.Errorf("broadcast: record recipients: %w", err)
	}
	return nil
}
