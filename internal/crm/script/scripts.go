package script

import (
	"context"
	"fmt"
	"strconv"

	"github.com/siyu-live/siyu"
	"github.com/siyu-live/siyu/internal/db"
	"github.com/siyu-live/siyu/internal/org"
)

// checked is a script's fields after validation.
type checked struct {
	title      string
	categoryID int64
	keywords   []string
	snippets   []Snippet
}

func checkInput(in Input) (checked, error) {
	var c checked
	var err error
	if c.title, err = checkTitle(in.Title); err != nil {
		return c, err
	}
	if in.CategoryID < 0 {
		return c, siyu.Invalid("category_id", "category_id must be a category's id, or 0 for none")
	}
	c.categoryID = in.CategoryID
	if c.keywords, err = CheckKeywords(in.Keywords); err != nil {
		return c, err
	}
	c.snippets, err = CheckSnippets(in.Snippets)
	return c, err
}

// Create saves a script.
func (s *Service) Create(ctx context.Context, p org.Principal, in Input) (Script, error) {
	if err := s.begin(ctx, p, canManage); err != nil {
		return Script{}, err
	}
	c, err := checkInput(in)
	if err != nil {
		return Script{}, err
	}
	var id int64
	err = s.audited(ctx, p, AuditCreate, func(tx *db.Tx) (string, string, error) {
		var n int64
		if err := tx.GetContext(ctx, &n, `SELECT COUNT(*) FROM scripts WHERE tenant_id = ?`, p.TenantID); err != nil {
			return "", "", fmt.Errorf("script: count: %w", err)
		}
		if n >= MaxScripts {
			return "", "", siyu.Errorf(siyu.ECONFLICT, "a brand has at most %d scripts; delete unused ones first", MaxScripts)
		}
		if id, err = s.insert(ctx, tx, p.TenantID, p.UserID, c); err != nil {
			return "", "", err
		}
		return "script:" + strconv.FormatInt(id, 10), c.title, nil
	})
	if err != nil {
		return Script{}, err
	}
	return getScript(ctx, s.store, p.TenantID, id)
}

// insert writes a checked script (the category must be the tenant's).
func (s *Service) insert(ctx context.Context, q db.Querier, tenantID, userID int64, c checked) (int64, error) {
	if c.categoryID != 0 {
		if _, err := getCategory(ctx, q, tenantID, c.categoryID); err != nil {
			return 0, err
		}
	}
	st, err := encode(c.title, c.keywords, c.snippets)
	if err != nil {
		return 0, err
	}
	now := s.now().UnixMilli()
	id, err := db.Insert(ctx, q, `INSERT INTO scripts (tenant_id, category_id, title, keywords, snippets, search_text, created_by,
		created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`, tenantID, nullID(c.categoryID), c.title, st.keywords,
		st.snippets, st.search, userID, now, now)
	if err != nil {
		return 0, fmt.Errorf("script: create: %w", err)
	}
	return id, nil
}

// Get returns one script.
func (s *Service) Get(ctx context.Context, p org.Principal, id int64) (Script, error) {
	if err := s.begin(ctx, p, canRead); err != nil {
		return Script{}, err
	}
	return getScript(ctx, s.store, p.TenantID, id)
}

// List lists scripts, most used first, filtered by category and a search text.
func (s *Service) List(ctx context.Context, p org.Principal, q Query) ([]Script, error) {
	if err := s.begin(ctx, p, canRead); err != nil {
		return nil, err
	}
	if n := runes(q.Q); n > MaxQuery {
		return nil, siyu.Invalid("q", "q is at most %d characters", MaxQuery)
	}
	return listScripts(ctx, s.store, p.TenantID, q)
}

// Update changes a script; snippets, when given, replace all its replies.
func (s *Service) Update(ctx context.Context, p org.Principal, id int64, in Patch) (Script, error) {
	if err := s.begin(ctx, p, canManage); err != nil {
		return Script{}, err
	}
	err := s.audited(ctx, p, AuditUpdate, func(tx *db.Tx) (string, string, error) {
		cur, err := getScript(ctx, tx, p.TenantID, id)
		if err != nil {
			return "", "", err
		}
		in2 := Input{Title: cur.Title, CategoryID: cur.CategoryID, Keywords: cur.Keywords, Snippets: cur.Snippets}
		if in.Title != nil {
			in2.Title = *in.Title
		}
		if in.CategoryID != nil {
			in2.CategoryID = *in.CategoryID
		}
		if in.Keywords != nil {
			in2.Keywords = *in.Keywords
		}
		if in.Snippets != nil {
			in2.Snippets = *in.Snippets
		}
		c, err := checkInput(in2)
		if err != nil {
			return "", "", err
		}
		if c.categoryID != 0 {
			if _, err := getCategory(ctx, tx, p.TenantID, c.categoryID); err != nil {
				return "", "", err
			}
		}
		st, err := encode(c.title, c.keywords, c.snippets)
		if err != nil {
			return "", "", err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE scripts SET category_id = ?, title = ?, keywords = ?, snippets = ?, search_text = ?,
			updated_at = ? WHERE tenant_id = ? AND id = ?`, nullID(c.categoryID), c.title, st.keywords, st.snippets, st.search,
			s.now().UnixMilli(), p.TenantID, id); err != nil {
			return "", "", fmt.Errorf("script: update %d: %w", id, err)
		}
		return "script:" + strconv.FormatInt(id, 10), c.title, nil
	})
	if err != nil {
		return Script{}, err
	}
	return getScript(ctx, s.store, p.TenantID, id)
}

// Delete deletes a script.
func (s *Service) Delete(ctx context.Context, p org.Principal, id int64) error {
	if err := s.begin(ctx, p, canManage); err != nil {
		return err
	}
	return s.audited(ctx, p, AuditDelete, func(tx *db.Tx) (string, string, error) {
		cur, err := getScript(ctx, tx, p.TenantID, id)
		if err != nil {
			return "", "", err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM scripts WHERE tenant_id = ? AND id = ?`, p.TenantID, id); err != nil {
			return "", "", fmt.Errorf("script: delete %d: %w", id, err)
		}
		return "script:" + strconv.FormatInt(id, 10), cur.Title, nil
	})
}
