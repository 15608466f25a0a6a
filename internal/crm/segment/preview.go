package segment

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"
	"time"

	"github.com/siyu-live/siyu"
	"github.com/siyu-live/siyu/internal/audit"
	"github.com/siyu-live/siyu/internal/crm"
	"github.com/siyu-live/siyu/internal/org"
)

// SampleSize is how many customers a preview shows.
const SampleSize = 20

// Preview is POST /api/v1/segments/preview: what a rule would hold for, without saving.
type Preview struct {
	Count       int64          `json:"count"`
	UnknownTags []string       `json:"unknown_tags,omitempty"`
	Sample      []crm.Customer `json:"sample"` // the newest customers, masked as in customer lists
}

// Preview evaluates a rule without saving it: the count and the newest customers. The
// sample shows personal data in bulk, so it is written to the audit log.
func (s *Service) Preview(ctx context.Context, p org.Principal, in PreviewInput) (Preview, error) {
	if err := need(p, org.PermCustomersView); err != nil {
		return Preview{}, err
	}
	_, e, err := checkRule(in.Rule)
	if err != nil {
		return Preview{}, err
	}
	r, err := s.count(ctx, p.TenantID, e)
	if err != nil {
		return Preview{}, err
	}
	ids, err := s.members(ctx, p.TenantID, e, 0, SampleSize)
	if err != nil {
		return Preview{}, err
	}
	sample, err := s.customers(ctx, p, ids)
	if err != nil {
		return Preview{}, err
	}
	if err := s.auditView(ctx, p, "segments/preview", e.String(), "", len(sample)); err != nil {
		return Preview{}, err
	}
	return Preview{Count: r.Count, UnknownTags: r.UnknownTags, Sample: sample}, nil
}

// Customers lists a segment's customers newest first, a page at a time (cursor is the
// next_cursor of the previous page), masked as customer lists are and audited as a
// bulk view.
func (s *Service) Customers(ctx context.Context, p org.Principal, id int64, cursor string, limit int) ([]crm.Customer, string, error) {
	if err := need(p, org.PermCustomersView); err != nil {
		return nil, "", err
	}
	if limit == 0 {
		limit = 50
	}
	if limit < 1 || limit > 200 {
		return nil, "", siyu.Invalid("limit", "limit must be between 1 and 200")
	}
	before := int64(0)
	if cursor != "" {
		n, err := strconv.ParseInt(cursor, 10, 64)
		if err != nil || n <= 0 {
			return nil, "", siyu.Invalid("cursor", "cursor must be the next_cursor of the previous page")
		}
		before = n
	}
	row, err := getSegment(ctx, s.store, p.TenantID, id)
	if err != nil {
		return nil, "", err
	}
	e, err := Parse(row.Rule)
	if err != nil {
		return nil, "", fmt.Errorf("segment %d: stored rule does not parse: %w", id, err)
	}
	ids, err := s.members(ctx, p.TenantID, e, before, limit+1)
	if err != nil {
		return nil, "", err
	}
	next := ""
	if len(ids) > limit {
		ids = ids[:limit]
		next = strconv.FormatInt(ids[limit-1], 10)
	}
	out, err := s.customers(ctx, p, ids)
	if err != nil {
		return nil, "", err
	}
	if err := s.auditView(ctx, p, fmt.Sprintf("segment:%d", id), row.Rule, cursor, len(out)); err != nil {
		return nil, "", err
	}
	return out, next, nil
}

func (s *Service) auditView(ctx context.Context, p org.Principal, target, rule, cursor string, n int) error {
	detail := fmt.Sprintf("rule=%q cursor=%q count=%d contacts=%t", rule, cursor, n, p.Can(org.PermContactsView))
	return audit.Record(ctx, s.store, s.now(), audit.Entry{TenantID: p.TenantID, UserID: p.UserID, Actor: p.Email,
		Action: crm.AuditList, Target: target, Detail: detail})
}

type previewRow struct {
	ID           int64          `db:"id"`
	Name         string         `db:"name"`
	Phone        sql.NullString `db:"phone"`
	Remark       string         `db:"remark"`
	FirstSource  string         `db:"first_source"`
	LastSource   string         `db:"last_source"`
	FirstTouchAt int64          `db:"first_touch_at"`
	LastTouchAt  int64          `db:"last_touch_at"`
	OrdersCount  int64          `db:"orders_count"`
	SpentFen     int64          `db:"spent_fen"`
	WatchMS      int64          `db:"watch_ms"`
	Sessions     int64          `db:"sessions"`
	Reservations int64          `db:"reservations"`
	NoShows      int64          `db:"no_shows"`
	Comments     int64          `db:"comments"`
	GiftsFen     int64          `db:"gifts_fen"`
	LastSeenAt   sql.NullInt64  `db:"last_seen_at"`
	Origin       string         `db:"origin"`
	CreatedAt    int64          `db:"created_at"`
	UpdatedAt    int64          `db:"updated_at"`
}

// customers reads the profiles of ids (in that order) as customer lists show them:
// phones masked without contacts.view (crm.MaskPhone), tags listed. A customer merged
// away or erased since the index was read is left out.
func (s *Service) customers(ctx context.Context, p org.Principal, ids []int64) ([]crm.Customer, error) {
	out := []crm.Customer{}
	if len(ids) == 0 {
		return out, nil
	}
	args := []any{p.TenantID}
	for _, id := range ids {
		args = append(args, id)
	}
	in := placeholders(len(ids))
	var rows []previewRow
	if err := s.store.SelectContext(ctx, &rows, `SELECT id, name, phone, remark, first_source, last_source, first_touch_at,
		last_touch_at, orders_count, spent_fen, watch_ms, sessions, reservations, no_shows, comments, gifts_fen, last_seen_at,
		origin, created_at, updated_at FROM customers
		WHERE tenant_id = ? AND id IN (`+in+`) AND merged_into IS NULL AND erased_at IS NULL`, args...); err != nil {
		return nil, fmt.Errorf("segment: customers: %w", err)
	}
	var tags []struct {
		CustomerID int64 `db:"customer_id"`
		crm.TagRef
	}
	if err := s.store.SelectContext(ctx, &tags, `SELECT ct.customer_id, t.id, t.name, t.kind FROM customer_tags ct
		JOIN tags t ON t.id = ct.tag_id WHERE ct.tenant_id = ? AND ct.customer_id IN (`+in+`) ORDER BY ct.customer_id, t.name`,
		args...); err != nil {
		return nil, fmt.Errorf("segment: customers' tags: %w", err)
	}
	byID := map[int64][]crm.TagRef{}
	for _, t := range tags {
		byID[t.CustomerID] = append(byID[t.CustomerID], t.TagRef)
	}
	contacts := p.Can(org.PermContactsView)
	found := map[int64]crm.Customer{}
	for _, r := range rows {
		c := crm.Customer{ID: r.ID, Name: r.Name, Phone: r.Phone.String, Remark: r.Remark, FirstSource: r.FirstSource,
			LastSource: r.LastSource, FirstTouchAt: msTime(r.FirstTouchAt), LastTouchAt: msTime(r.LastTouchAt),
			OrdersCount: r.OrdersCount, SpentFen: r.SpentFen, WatchMS: r.WatchMS, Sessions: r.Sessions,
			Reservations: r.Reservations, NoShows: r.NoShows, Comments: r.Comments, GiftsFen: r.GiftsFen,
			LastSeenAt: msTime(r.LastSeenAt.Int64), Origin: r.Origin, CreatedAt: msTime(r.CreatedAt),
			UpdatedAt: msTime(r.UpdatedAt), Tags: []crm.TagRef{}, Masked: !contacts}
		if !contacts {
			c.Phone = crm.MaskPhone(c.Phone)
		}
		if t := byID[r.ID]; t != nil {
			c.Tags = t
		}
		found[r.ID] = c
	}
	for _, id := range ids {
		if c, ok := found[id]; ok {
			out = append(out, c)
		}
	}
	return out, nil
}

func msTime(ms int64) time.Time {
	if ms == 0 {
		return time.Time{}
	}
	return time.UnixMilli(ms).UTC()
}
