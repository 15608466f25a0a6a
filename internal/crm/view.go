package crm

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/siyu-live/siyu"
	"github.com/siyu-live/siyu/internal/audit"
	"github.com/siyu-live/siyu/internal/db"
	"github.com/siyu-live/siyu/internal/org"
)

// Profile is GET /api/v1/customers/{id}: the customer with identities, consumption
// preferences and the first page of the timeline (more at /timeline?cursor=…).
type Profile struct {
	Customer
	Preferences Preferences  `json:"preferences"`
	Timeline    TimelinePage `json:"timeline"`
}

// ListQuery filters GET /api/v1/customers.
type ListQuery struct {
	Tag    string // tag name
	Q      string // name contains, or phone (whole number without contacts.view), or id
	Cursor string // next_cursor of the previous page
	Limit  int    // 1–200 [50]
}

func (r *custRow) customer(contacts bool) Customer {
	c := Customer{ID: r.ID, Name: r.Name, Remark: r.Remark, FirstSource: r.FirstSource, LastSource: r.LastSource,
		FirstTouchAt: msTime(r.FirstTouchAt), LastTouchAt: msTime(r.LastTouchAt), OrdersCount: r.OrdersCount,
		SpentFen: r.SpentFen, WatchMS: r.WatchMS, Sessions: r.Sessions, Reservations: r.Reservations, NoShows: r.NoShows,
		Comments: r.Comments, GiftsFen: r.GiftsFen, LastSeenAt: msTime(r.LastSeenAt.Int64), Origin: r.Origin,
		Erased: r.ErasedAt.Valid, ErasedAt: msTime(r.ErasedAt.Int64), CreatedAt: msTime(r.CreatedAt),
		UpdatedAt: msTime(r.UpdatedAt), Tags: []TagRef{}, Masked: !contacts}
	c.Phone = r.Phone.String
	if !contacts {
		c.Phone = MaskPhone(c.Phone)
	}
	return c
}

// resolve reads the profile that stands for id now (following merges).
func (s *Service) resolve(ctx context.Context, q db.Querier, tenantID, id int64) (*custRow, error) {
	for range 64 {
		r, err := getCustomer(ctx, q, tenantID, id, false)
		if err != nil {
			return nil, err
		}
		if !r.MergedInto.Valid {
			return r, nil
		}
		id = r.MergedInto.Int64
	}
	return nil, fmt.Errorf("crm: customer %d: merge chain too long", id)
}

// customer reads one profile with its tags and identities, masked for p.
func (s *Service) customer(ctx context.Context, p org.Principal, id int64) (Customer, error) {
	r, err := s.resolve(ctx, s.store, p.TenantID, id)
	if err != nil {
		return Customer{}, err
	}
	contacts := p.Can(org.PermContactsView)
	c := r.customer(contacts)
	tags, err := s.tagsOf(ctx, p.TenantID, []int64{r.ID})
	if err != nil {
		return Customer{}, err
	}
	if t := tags[r.ID]; t != nil {
		c.Tags = t
	}
	var ids []Identity
	if err := s.store.SelectContext(ctx, &ids, `SELECT kind, value FROM customer_identities WHERE tenant_id = ? AND customer_id = ?
		ORDER BY kind, created_at LIMIT 200`, p.TenantID, r.ID); err != nil {
		return Customer{}, fmt.Errorf("crm: identities: %w", err)
	}
	for i := range ids {
		if !contacts {
			ids[i].Value = MaskIdentity(ids[i].Kind, ids[i].Value)
		}
	}
	c.Identities = ids
	return c, nil
}

// Get returns a customer's profile. A merged-away id answers with the profile it was
// merged into (its id is the survivor's).
func (s *Service) Get(ctx context.Context, p org.Principal, id int64) (Profile, error) {
	if err := need(p, org.PermCustomersView); err != nil {
		return Profile{}, err
	}
	c, err := s.customer(ctx, p, id)
	if err != nil {
		return Profile{}, err
	}
	out := Profile{Customer: c}
	if out.Preferences, err = s.preferences(ctx, p.TenantID, c); err != nil {
		return Profile{}, err
	}
	if out.Timeline, err = s.timeline(ctx, p.TenantID, c.ID, "", 20); err != nil {
		return Profile{}, err
	}
	return out, nil
}

// tagsOf reads the tags of several customers.
func (s *Service) tagsOf(ctx context.Context, tenantID int64, ids []int64) (map[int64][]TagRef, error) {
	out := map[int64][]TagRef{}
	if len(ids) == 0 {
		return out, nil
	}
	args := []any{tenantID}
	for _, id := range ids {
		args = append(args, id)
	}
	var rows []struct {
		CustomerID int64 `db:"customer_id"`
		TagRef
	}
	err := s.store.SelectContext(ctx, &rows, `SELECT ct.customer_id, t.id, t.name, t.kind FROM customer_tags ct
		JOIN tags t ON t.id = ct.tag_id WHERE ct.tenant_id = ? AND ct.customer_id IN (`+placeholders(len(ids))+`)
		ORDER BY ct.customer_id, t.name`, args...)
	if err != nil {
		return nil, fmt.Errorf("crm: tags of customers: %w", err)
	}
	for _, r := range rows {
		out[r.CustomerID] = append(out[r.CustomerID], r.TagRef)
	}
	return out, nil
}

func placeholders(n int) string {
	return strings.TrimSuffix(strings.Repeat("?, ", n), ", ")
}

// List lists customers newest first, filtered by tag and search, a page at a time.
// Every page is a bulk view of personal data and is written to the audit log.
func (s *Service) List(ctx context.Context, p org.Principal, q ListQuery) ([]Customer, string, error) {
	if err := need(p, org.PermCustomersView); err != nil {
		return nil, "", err
	}
	limit := q.Limit
	if limit == 0 {
		limit = 50
	}
	if limit < 1 || limit > 200 {
		return nil, "", siyu.Invalid("limit", "limit must be between 1 and 200")
	}
	before := int64(1 << 62)
	if q.Cursor != "" {
		n, err := strconv.ParseInt(q.Cursor, 10, 64)
		if err != nil || n <= 0 {
			return nil, "", siyu.Invalid("cursor", "cursor must be the next_cursor of the previous page")
		}
		before = n
	}
	contacts := p.Can(org.PermContactsView)
	where := []string{"c.tenant_id = ?", "c.merged_into IS NULL", "c.id < ?"}
	args := []any{p.TenantID, before}
	search := strings.TrimSpace(q.Q)
	if tag := strings.TrimSpace(q.Tag); tag != "" {
		id, ok, err := s.tagID(ctx, p.TenantID, tag)
		if err != nil {
			return nil, "", err
		}
		if !ok {
			return []Customer{}, "", s.auditList(ctx, p, q, 0)
		}
		if search == "" {
			// Driven by the tag index: a rare tag does not scan every customer.
			where = append(where, `c.id IN (SELECT customer_id FROM customer_tags WHERE tenant_id = ? AND tag_id = ? AND customer_id < ?
				ORDER BY customer_id DESC LIMIT ?)`)
			args = append(args, p.TenantID, id, before, limit+1)
		} else {
			where = append(where, `EXISTS (SELECT 1 FROM customer_tags ct WHERE ct.tenant_id = c.tenant_id AND ct.customer_id = c.id AND ct.tag_id = ?)`)
			args = append(args, id)
		}
	}
	if search != "" {
		if utf8Len(search) > 50 {
			return nil, "", siyu.Invalid("q", "q is at most 50 characters")
		}
		conds := []string{`c.name LIKE ? ESCAPE '\'`}
		args = append(args, "%"+likeEscape(search)+"%")
		digits := strings.Trim(search, "0123456789") == ""
		if contacts && digits {
			conds = append(conds, `c.phone LIKE ? ESCAPE '\'`)
			args = append(args, "%"+search+"%")
		} else if phone, err := NormalizePhone(search); err == nil {
			conds = append(conds, `c.phone = ?`)
			args = append(args, phone)
		}
		if n, err := strconv.ParseInt(search, 10, 64); err == nil && digits {
			conds = append(conds, `c.id = ?`)
			args = append(args, n)
		}
		where = append(where, "("+strings.Join(conds, " OR ")+")")
	}
	args = append(args, limit+1)
	var rows []custRow
	err := s.store.SelectContext(ctx, &rows, `SELECT `+prefixCols("c.")+` FROM customers c WHERE `+strings.Join(where, " AND ")+
		` ORDER BY c.id DESC LIMIT ?`, args...)
	if err != nil {
		return nil, "", fmt.Errorf("crm: list customers: %w", err)
	}
	next := ""
	if len(rows) > limit {
		rows = rows[:limit]
		next = strconv.FormatInt(rows[limit-1].ID, 10)
	}
	ids := make([]int64, len(rows))
	for i, r := range rows {
		ids[i] = r.ID
	}
	tags, err := s.tagsOf(ctx, p.TenantID, ids)
	if err != nil {
		return nil, "", err
	}
	out := make([]Customer, len(rows))
	for i := range rows {
		out[i] = rows[i].customer(contacts)
		if t := tags[rows[i].ID]; t != nil {
			out[i].Tags = t
		}
	}
	return out, next, s.auditList(ctx, p, q, len(out))
}

// auditList records a bulk view: who looked at which customers, and whether contact
// details were shown.
func (s *Service) auditList(ctx context.Context, p org.Principal, q ListQuery, n int) error {
	detail := fmt.Sprintf("tag=%q q=%q cursor=%q count=%d contacts=%t", q.Tag, q.Q, q.Cursor, n, p.Can(org.PermContactsView))
	return audit.Record(ctx, s.store, s.now(), audit.Entry{TenantID: p.TenantID, UserID: p.UserID, Actor: p.Email,
		Action: AuditList, Target: "customers", Detail: detail})
}

func prefixCols(prefix string) string {
	cols := strings.Split(custCols, ",")
	for i, c := range cols {
		cols[i] = prefix + strings.TrimSpace(c)
	}
	return strings.Join(cols, ", ")
}

func likeEscape(s string) string {
	return strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(s)
}

func utf8Len(s string) int { return len([]rune(s)) }

// ByIdentity finds the profile an identity belongs to: a viewer account (kind viewer,
// the viewer id), phone, WeChat or platform id.
func (s *Service) ByIdentity(ctx context.Context, p org.Principal, kind, value string) (Customer, error) {
	if err := need(p, org.PermCustomersView); err != nil {
		return Customer{}, err
	}
	if kind == KindPhone {
		v, err := NormalizePhone(value)
		if err != nil {
			return Customer{}, err
		}
		value = v
	}
	id, err := identityOwner(ctx, s.store, p.TenantID, kind, strings.TrimSpace(value))
	if err != nil {
		return Customer{}, err
	}
	if id == 0 {
		return Customer{}, siyu.Errorf(siyu.ENOTFOUND, "no customer has this %s", kind)
	}
	return s.customer(ctx, p, id)
}
