package segment

import (
	"context"
	"fmt"

	"github.com/siyu-live/siyu"
	"github.com/siyu-live/siyu/internal/audit"
	"github.com/siyu-live/siyu/internal/db"
	"github.com/siyu-live/siyu/internal/org"
)

// Create saves a segment and answers with its count now.
func (s *Service) Create(ctx context.Context, p org.Principal, in Input) (Segment, error) {
	if err := need(p, org.PermCustomersManage); err != nil {
		return Segment{}, err
	}
	name, err := checkName(in.Name)
	if err != nil {
		return Segment{}, err
	}
	rule, e, err := checkRule(in.Rule)
	if err != nil {
		return Segment{}, err
	}
	desc, err := checkDescription(in.Description)
	if err != nil {
		return Segment{}, err
	}
	now := s.now().UnixMilli()
	var row segmentRow
	err = s.store.Tx(ctx, func(tx *db.Tx) error {
		var n int
		if err := tx.GetContext(ctx, &n, `SELECT COUNT(*) FROM segments WHERE tenant_id = ?`, p.TenantID); err != nil {
			return fmt.Errorf("segment: count: %w", err)
		}
		if n >= MaxPerTenant {
			return siyu.Errorf(siyu.ECONFLICT, "a brand has at most %d segments; delete one first", MaxPerTenant)
		}
		err := tx.WriteGetContext(ctx, &row, `INSERT INTO segments (tenant_id, name, rule, description, created_by, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (tenant_id, name) DO NOTHING RETURNING `+segmentCols,
			p.TenantID, name, rule, desc, p.UserID, now, now)
		if db.IsNoRows(err) {
			return nameTaken(name)
		} else if err != nil {
			return fmt.Errorf("segment: create: %w", err)
		}
		return audit.Record(ctx, tx, s.now(), audit.Entry{TenantID: p.TenantID, UserID: p.UserID, Actor: p.Email,
			Action: AuditCreate, Target: fmt.Sprintf("segment:%d", row.ID), Detail: name + ": " + rule})
	})
	if err != nil {
		return Segment{}, err
	}
	return s.withCount(ctx, row, e)
}

// withCount fills a segment's count from the index.
func (s *Service) withCount(ctx context.Context, row segmentRow, e *Expr) (Segment, error) {
	out := row.segment()
	if e == nil {
		var err error
		if e, err = Parse(row.Rule); err != nil {
			return Segment{}, fmt.Errorf("segment %d: stored rule does not parse: %w", row.ID, err)
		}
	}
	r, err := s.count(ctx, row.TenantID, e)
	if err != nil {
		return Segment{}, err
	}
	out.Count, out.UnknownTags = r.Count, r.UnknownTags
	return out, nil
}

// List lists a tenant's segments, newest first, each with its count now.
func (s *Service) List(ctx context.Context, p org.Principal) ([]Segment, error) {
	if err := need(p, org.PermCustomersView); err != nil {
		return nil, err
	}
	rows, err := listSegments(ctx, s.store, p.TenantID)
	if err != nil {
		return nil, err
	}
	out := make([]Segment, 0, len(rows))
	for _, r := range rows {
		sg, err := s.withCount(ctx, r, nil)
		if err != nil {
			return nil, err
		}
		out = append(out, sg)
	}
	return out, nil
}

// Get returns a segment with its count now.
func (s *Service) Get(ctx context.Context, p org.Principal, id int64) (Segment, error) {
	if err := need(p, org.PermCustomersView); err != nil {
		return Segment{}, err
	}
	row, err := getSegment(ctx, s.store, p.TenantID, id)
	if err != nil {
		return Segment{}, err
	}
	return s.withCount(ctx, row, nil)
}

// Update renames a segment or changes its rule or description.
func (s *Service) Update(ctx context.Context, p org.Principal, id int64, in Patch) (Segment, error) {
	if err := need(p, org.PermCustomersManage); err != nil {
		return Segment{}, err
	}
	var row segmentRow
	err := s.store.Tx(ctx, func(tx *db.Tx) error {
		var err error
		if row, err = getSegment(ctx, tx, p.TenantID, id); err != nil {
			return err
		}
		if in.Name != nil {
			if row.Name, err = checkName(*in.Name); err != nil {
				return err
			}
		}
		if in.Rule != nil {
			if row.Rule, _, err = checkRule(*in.Rule); err != nil {
				return err
			}
		}
		if in.Description != nil {
			if row.Description, err = checkDescription(*in.Description); err != nil {
				return err
			}
		}
		row.UpdatedAt = s.now().UnixMilli()
		_, err = tx.ExecContext(ctx, `UPDATE segments SET name = ?, rule = ?, description = ?, updated_at = ? WHERE tenant_id = ? AND id = ?`,
			row.Name, row.Rule, row.Description, row.UpdatedAt, p.TenantID, id)
		if db.IsUniqueViolation(err) {
			return nameTaken(row.Name)
		} else if err != nil {
			return fmt.Errorf("segment: update %d: %w", id, err)
		}
		return audit.Record(ctx, tx, s.now(), audit.Entry{TenantID: p.TenantID, UserID: p.UserID, Actor: p.Email,
			Action: AuditUpdate, Target: fmt.Sprintf("segment:%d", id), Detail: row.Name + ": " + row.Rule})
	})
	if err != nil {
		return Segment{}, err
	}
	return s.withCount(ctx, row, nil)
}

// Delete removes a segment; its customers are untouched.
func (s *Service) Delete(ctx context.Context, p org.Principal, id int64) error {
	if err := need(p, org.PermCustomersManage); err != nil {
		return err
	}
	return s.store.Tx(ctx, func(tx *db.Tx) error {
		row, err := getSegment(ctx, tx, p.TenantID, id)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM segments WHERE tenant_id = ? AND id = ?`, p.TenantID, id); err != nil {
			return fmt.Errorf("segment: delete %d: %w", id, err)
		}
		return audit.Record(ctx, tx, s.now(), audit.Entry{TenantID: p.TenantID, UserID: p.UserID, Actor: p.Email,
			Action: AuditDelete, Target: fmt.Sprintf("segment:%d", id), Detail: row.Name + ": " + row.Rule})
	})
}
