package crm

import (
	"context"
	"fmt"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/siyu-live/siyu"
	"github.com/siyu-live/siyu/internal/audit"
	"github.com/siyu-live/siyu/internal/db"
	"github.com/siyu-live/siyu/internal/org"
)

// Tag kinds, also the source of a customer_tags row.
const (
	TagManual = "manual" // put on and taken off by staff
	TagRule   = "rule"   // kept by the CRM from the tag's rule
)

// MaxTagsPerCall bounds the tags one request puts on a customer.
const MaxTagsPerCall = 20

// Tag is a label customers carry; a rule tag's customers are those its rule holds for.
type Tag struct {
	ID          int64     `json:"id"`
	Name        string    `json:"name"`
	Kind        string    `json:"kind"`
	Rule        string    `json:"rule,omitempty"`
	Description string    `json:"description"`
	Customers   int64     `json:"customers"` // customers carrying it now
	CreatedAt   time.Time `json:"created_at"`
}

// TagInput is the body of POST /api/v1/tags. A rule makes a rule tag.
type TagInput struct {
	Name        string `json:"name"`
	Kind        string `json:"kind,omitempty"` // manual (default) or rule
	Rule        string `json:"rule,omitempty"`
	Description string `json:"description,omitempty"`
}

// TagsInput is the body of POST /api/v1/customers/{id}/tags: manual tags by name,
// created when new.
type TagsInput struct {
	Tags []string `json:"tags"`
}

type tagRow struct {
	ID          int64  `db:"id"`
	TenantID    int64  `db:"tenant_id"`
	Name        string `db:"name"`
	Kind        string `db:"kind"`
	Rule        string `db:"rule"`
	Description string `db:"description"`
	Customers   int64  `db:"customers"`
	CreatedAt   int64  `db:"created_at"`
}

func (r tagRow) tag() Tag {
	return Tag{ID: r.ID, Name: r.Name, Kind: r.Kind, Rule: r.Rule, Description: r.Description, Customers: r.Customers,
		CreatedAt: msTime(r.CreatedAt)}
}

func need(p org.Principal, perm org.Permission) error {
	if !p.Can(perm) {
		return siyu.Errorf(siyu.EFORBIDDEN, "your role may not do this (needs %s)", perm)
	}
	return nil
}

// CheckTagName says whether name can be a tag: 1–30 characters without spaces,
// parentheses, quotes, colons or commas, so it reads unambiguously in a segment rule
// (tag:<name>) and in a comma-separated import column.
func CheckTagName(field, name string) (string, error) {
	name = strings.TrimSpace(name)
	n := utf8.RuneCountInString(name)
	if n == 0 || n > 30 {
		return "", siyu.Invalid(field, "a tag name is 1–30 characters, got %q", name)
	}
	for _, r := range name {
		if unicode.IsSpace(r) || unicode.IsControl(r) || strings.ContainsRune(`()"':,，`, r) {
			return "", siyu.Invalid(field, "tag name %q may not contain spaces, parentheses, quotes, colons or commas", name)
		}
	}
	return name, nil
}

// tagID resolves a tag name of a tenant.
func (s *Service) tagID(ctx context.Context, tenantID int64, name string) (int64, bool, error) {
	var id int64
	err := s.store.GetContext(ctx, &id, `SELECT id FROM tags WHERE tenant_id = ? AND name = ?`, tenantID, name)
	if db.IsNoRows(err) {
		return 0, false, nil
	} else if err != nil {
		return 0, false, fmt.Errorf("crm: tag %q: %w", name, err)
	}
	return id, true, nil
}

// CreateTag adds a manual or rule tag. A rule tag is applied to the existing customers
// by a background job, and from then on as their events arrive.
func (s *Service) CreateTag(ctx context.Context, p org.Principal, in TagInput) (Tag, error) {
	if err := need(p, org.PermCustomersManage); err != nil {
		return Tag{}, err
	}
	name, err := CheckTagName("name", in.Name)
	if err != nil {
		return Tag{}, err
	}
	desc := strings.TrimSpace(in.Description)
	if utf8.RuneCountInString(desc) > 200 {
		return Tag{}, siyu.Invalid("description", "description is at most 200 characters")
	}
	kind := strings.TrimSpace(in.Kind)
	if kind == "" {
		kind = TagManual
		if strings.TrimSpace(in.Rule) != "" {
			kind = TagRule
		}
	}
	var rule string
	switch kind {
	case TagManual:
		if strings.TrimSpace(in.Rule) != "" {
			return Tag{}, siyu.Invalid("rule", "a manual tag has no rule; use kind rule")
		}
	case TagRule:
		r, err := ParseRule(in.Rule)
		if err != nil {
			return Tag{}, err
		}
		rule = r.String()
	default:
		return Tag{}, siyu.Invalid("kind", "kind must be manual or rule")
	}
	var out tagRow
	err = s.write(ctx, func(ap *applier) error {
		err := ap.tx.WriteGetContext(ctx, &out, `INSERT INTO tags (tenant_id, name, kind, rule, description, created_at)
			VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (tenant_id, name) DO NOTHING
			RETURNING id, tenant_id, name, kind, rule, description, 0 AS customers, created_at`,
			p.TenantID, name, kind, rule, desc, ap.now)
		if db.IsNoRows(err) {
			return siyu.Errorf(siyu.ECONFLICT, "a tag named %q exists", name)
		} else if err != nil {
			return fmt.Errorf("crm: create tag: %w", err)
		}
		if err := audit.Record(ctx, ap.tx, s.now(), audit.Entry{TenantID: p.TenantID, UserID: p.UserID, Actor: p.Email,
			Action: AuditTag, Target: fmt.Sprintf("tag:%d", out.ID), Detail: strings.TrimSpace(name + " " + rule)}); err != nil {
			return err
		}
		ap.tx.AfterCommit(func() { s.rules.drop(p.TenantID) })
		if kind == TagRule {
			return s.startBackfill(ctx, ap.tx, p.TenantID, out.ID)
		}
		return nil
	})
	return out.tag(), err
}

// ListTags lists a tenant's tags with how many customers carry each.
func (s *Service) ListTags(ctx context.Context, p org.Principal) ([]Tag, error) {
	if err := need(p, org.PermCustomersView); err != nil {
		return nil, err
	}
	var rows []tagRow
	err := s.store.SelectContext(ctx, &rows, `SELECT t.id, t.tenant_id, t.name, t.kind, t.rule, t.description, t.created_at,
		(SELECT COUNT(*) FROM customer_tags ct WHERE ct.tenant_id = t.tenant_id AND ct.tag_id = t.id) AS customers
		FROM tags t WHERE t.tenant_id = ? ORDER BY t.id`, p.TenantID)
	if err != nil {
		return nil, fmt.Errorf("crm: list tags: %w", err)
	}
	out := make([]Tag, len(rows))
	for i, r := range rows {
		out[i] = r.tag()
	}
	return out, nil
}

// AddTags puts manual tags on a customer, creating tags that do not exist yet. Rule
// tags cannot be put on by hand: their rule decides.
func (s *Service) AddTags(ctx context.Context, p org.Principal, id int64, in TagsInput) (Customer, error) {
	if err := need(p, org.PermCustomersManage); err != nil {
		return Customer{}, err
	}
	if len(in.Tags) == 0 || len(in.Tags) > MaxTagsPerCall {
		return Customer{}, siyu.Invalid("tags", "give 1–%d tag names", MaxTagsPerCall)
	}
	names := make([]string, 0, len(in.Tags))
	for _, n := range in.Tags {
		name, err := CheckTagName("tags", n)
		if err != nil {
			return Customer{}, err
		}
		names = append(names, name)
	}
	var cid int64
	err := s.write(ctx, func(ap *applier) error {
		r, err := ap.live(ctx, p.TenantID, id)
		if err != nil {
			return err
		}
		if r.ErasedAt.Valid {
			return siyu.Errorf(siyu.ECONFLICT, "customer %d was erased", id)
		}
		cid = r.ID
		return ap.addManual(ctx, r, names)
	})
	if err != nil {
		return Customer{}, err
	}
	return s.customer(ctx, p, cid)
}

// addManual puts manual tags on r by name, creating tags that do not exist yet.
func (ap *applier) addManual(ctx context.Context, r *custRow, names []string) error {
	var added []int64
	for _, name := range names {
		t, err := ensureTag(ctx, ap, r.TenantID, name)
		if err != nil {
			return err
		}
		if t.Kind == TagRule {
			return siyu.Invalid("tags", "%q is a rule tag: its rule puts it on and takes it off", name)
		}
		res, err := ap.tx.ExecContext(ctx, `INSERT INTO customer_tags (tenant_id, customer_id, tag_id, source, created_at)
			VALUES (?, ?, ?, ?, ?) ON CONFLICT (tenant_id, customer_id, tag_id) DO NOTHING`, r.TenantID, r.ID, t.ID, TagManual, ap.now)
		if err != nil {
			return fmt.Errorf("crm: tag customer: %w", err)
		}
		if n, _ := res.RowsAffected(); n > 0 {
			added = append(added, t.ID)
		}
	}
	ap.tagged(r.ID, added, nil)
	return nil
}

// ensureTag finds a tag by name or creates it as a manual tag.
func ensureTag(ctx context.Context, ap *applier, tenantID int64, name string) (tagRow, error) {
	var t tagRow
	err := ap.tx.GetContext(ctx, &t, `SELECT id, tenant_id, name, kind, rule, description, 0 AS customers, created_at
		FROM tags WHERE tenant_id = ? AND name = ?`, tenantID, name)
	if err == nil || !db.IsNoRows(err) {
		return t, err
	}
	err = ap.tx.WriteGetContext(ctx, &t, `INSERT INTO tags (tenant_id, name, kind, created_at) VALUES (?, ?, ?, ?)
		ON CONFLICT (tenant_id, name) DO UPDATE SET name = excluded.name
		RETURNING id, tenant_id, name, kind, rule, description, 0 AS customers, created_at`, tenantID, name, TagManual, ap.now)
	if err != nil {
		return t, fmt.Errorf("crm: create tag %q: %w", name, err)
	}
	return t, nil
}

// RemoveTag takes a manual tag off a customer; taking off a tag the customer does not
// carry does nothing.
func (s *Service) RemoveTag(ctx context.Context, p org.Principal, id int64, name string) error {
	if err := need(p, org.PermCustomersManage); err != nil {
		return err
	}
	return s.write(ctx, func(ap *applier) error {
		r, err := ap.live(ctx, p.TenantID, id)
		if err != nil {
			return err
		}
		var t tagRow
		err = ap.tx.GetContext(ctx, &t, `SELECT id, tenant_id, name, kind, rule, description, 0 AS customers, created_at
			FROM tags WHERE tenant_id = ? AND name = ?`, p.TenantID, strings.TrimSpace(name))
		if db.IsNoRows(err) {
			return siyu.Errorf(siyu.ENOTFOUND, "tag %q not found", name)
		} else if err != nil {
			return fmt.Errorf("crm: tag %q: %w", name, err)
		}
		if t.Kind == TagRule {
			return siyu.Invalid("tag", "%q is a rule tag: its rule puts it on and takes it off", name)
		}
		res, err := ap.tx.ExecContext(ctx, `DELETE FROM customer_tags WHERE tenant_id = ? AND customer_id = ? AND tag_id = ?`,
			p.TenantID, r.ID, t.ID)
		if err != nil {
			return fmt.Errorf("crm: untag customer: %w", err)
		}
		if n, _ := res.RowsAffected(); n > 0 {
			ap.tagged(r.ID, nil, []int64{t.ID})
		}
		return nil
	})
}
