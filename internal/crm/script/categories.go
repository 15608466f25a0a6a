package script

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"github.com/siyu-live/siyu"
	"github.com/siyu-live/siyu/internal/audit"
	"github.com/siyu-live/siyu/internal/db"
	"github.com/siyu-live/siyu/internal/org"
)

// Categories lists the tenant's categories in their order, each with its script count.
func (s *Service) Categories(ctx context.Context, p org.Principal) ([]Category, error) {
	if err := s.begin(ctx, p, canRead); err != nil {
		return nil, err
	}
	rows, err := listCategories(ctx, s.store, p.TenantID)
	if err != nil {
		return nil, err
	}
	out := make([]Category, 0, len(rows))
	for _, r := range rows {
		out = append(out, r.category())
	}
	return out, nil
}

// Uncategorised counts the tenant's scripts in no category (their category was deleted
// or never chosen), for the sidebar's "未分类" entry.
func (s *Service) Uncategorised(ctx context.Context, p org.Principal) (int64, error) {
	if err := s.begin(ctx, p, canRead); err != nil {
		return 0, err
	}
	var n int64
	if err := s.store.GetContext(ctx, &n, `SELECT COUNT(*) FROM scripts WHERE tenant_id = ? AND category_id IS NULL`, p.TenantID); err != nil {
		return 0, fmt.Errorf("script: count uncategorised: %w", err)
	}
	return n, nil
}

// CreateCategory adds a category, last unless a position is given.
func (s *Service) CreateCategory(ctx context.Context, p org.Principal, in CategoryInput) (Category, error) {
	if err := s.begin(ctx, p, canManage); err != nil {
		return Category{}, err
	}
	name, err := CheckCategoryName(in.Name)
	if err != nil {
		return Category{}, err
	}
	var id int64
	err = s.audited(ctx, p, AuditCategoryCreate, func(tx *db.Tx) (string, string, error) {
		var n struct {
			Count int64 `db:"n"`
			Last  int64 `db:"last"`
		}
		if err := tx.GetContext(ctx, &n, `SELECT COUNT(*) AS n, COALESCE(MAX(position), 0) AS last FROM script_categories
			WHERE tenant_id = ?`, p.TenantID); err != nil {
			return "", "", fmt.Errorf("script: count categories: %w", err)
		}
		if n.Count >= MaxCategories {
			return "", "", siyu.Errorf(siyu.ECONFLICT, "a brand has at most %d script categories; delete one first", MaxCategories)
		}
		pos := n.Last + 1
		if in.Position != nil {
			pos = *in.Position
		}
		now := s.now().UnixMilli()
		err := tx.WriteGetContext(ctx, &id, `INSERT INTO script_categories (tenant_id, name, position, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?) ON CONFLICT (tenant_id, name) DO NOTHING RETURNING id`, p.TenantID, name, pos, now, now)
		if db.IsNoRows(err) {
			return "", "", categoryTaken(name)
		} else if err != nil {
			return "", "", fmt.Errorf("script: create category: %w", err)
		}
		return "script_category:" + strconv.FormatInt(id, 10), name, nil
	})
	if err != nil {
		return Category{}, err
	}
	r, err := getCategory(ctx, s.store, p.TenantID, id)
	return r.category(), err
}

// UpdateCategory renames or moves a category.
func (s *Service) UpdateCategory(ctx context.Context, p org.Principal, id int64, in CategoryPatch) (Category, error) {
	if err := s.begin(ctx, p, canManage); err != nil {
		return Category{}, err
	}
	err := s.audited(ctx, p, AuditCategoryUpdate, func(tx *db.Tx) (string, string, error) {
		cur, err := getCategory(ctx, tx, p.TenantID, id)
		if err != nil {
			return "", "", err
		}
		if in.Name != nil {
			if cur.Name, err = CheckCategoryName(*in.Name); err != nil {
				return "", "", err
			}
		}
		if in.Position != nil {
			cur.Position = *in.Position
		}
		_, err = tx.ExecContext(ctx, `UPDATE script_categories SET name = ?, position = ?, updated_at = ? WHERE tenant_id = ? AND id = ?`,
			cur.Name, cur.Position, s.now().UnixMilli(), p.TenantID, id)
		if db.IsUniqueViolation(err) {
			return "", "", categoryTaken(cur.Name)
		} else if err != nil {
			return "", "", fmt.Errorf("script: update category %d: %w", id, err)
		}
		return "script_category:" + strconv.FormatInt(id, 10), cur.Name, nil
	})
	if err != nil {
		return Category{}, err
	}
	r, err := getCategory(ctx, s.store, p.TenantID, id)
	return r.category(), err
}

// DeleteCategory deletes a category; its scripts stay, in no category.
func (s *Service) DeleteCategory(ctx context.Context, p org.Principal, id int64) error {
	if err := s.begin(ctx, p, canManage); err != nil {
		return err
	}
	return s.audited(ctx, p, AuditCategoryDelete, func(tx *db.Tx) (string, string, error) {
		cur, err := getCategory(ctx, tx, p.TenantID, id)
		if err != nil {
			return "", "", err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE scripts SET category_id = NULL WHERE tenant_id = ? AND category_id = ?`, p.TenantID, id); err != nil {
			return "", "", fmt.Errorf("script: uncategorise: %w", err)
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM script_categories WHERE tenant_id = ? AND id = ?`, p.TenantID, id); err != nil {
			return "", "", fmt.Errorf("script: delete category %d: %w", id, err)
		}
		return "script_category:" + strconv.FormatInt(id, 10), cur.Name, nil
	})
}

func categoryTaken(name string) error {
	return siyu.Errorf(siyu.ECONFLICT, "a script category named %q exists", name)
}

func auditRecord(ctx context.Context, q db.Querier, now time.Time, p org.Principal, action, target, detail string) error {
	return audit.Record(ctx, q, now, audit.Entry{TenantID: p.TenantID, UserID: p.UserID, Actor: p.Email,
		Action: action, Target: target, Detail: detail})
}
