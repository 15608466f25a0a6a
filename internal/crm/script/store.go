package script

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/siyu-live/siyu"
	"github.com/siyu-live/siyu/internal/db"
)

type categoryRow struct {
	ID          int64  `db:"id"`
	Name        string `db:"name"`
	Position    int64  `db:"position"`
	ScriptCount int64  `db:"script_count"`
	CreatedAt   int64  `db:"created_at"`
	UpdatedAt   int64  `db:"updated_at"`
}

func (r categoryRow) category() Category {
	return Category{ID: r.ID, Name: r.Name, Position: r.Position, ScriptCount: r.ScriptCount,
		CreatedAt: time.UnixMilli(r.CreatedAt).UTC(), UpdatedAt: time.UnixMilli(r.UpdatedAt).UTC()}
}

const categoryCols = `c.id, c.name, c.position, c.created_at, c.updated_at,
	(SELECT COUNT(*) FROM scripts s WHERE s.tenant_id = c.tenant_id AND s.category_id = c.id) AS script_count`

func getCategory(ctx context.Context, q db.Querier, tenantID, id int64) (categoryRow, error) {
	var r categoryRow
	err := q.GetContext(ctx, &r, `SELECT `+categoryCols+` FROM script_categories c WHERE c.tenant_id = ? AND c.id = ?`, tenantID, id)
	if db.IsNoRows(err) {
		return r, siyu.Errorf(siyu.ENOTFOUND, "script category %d not found", id)
	} else if err != nil {
		return r, fmt.Errorf("script: get category %d: %w", id, err)
	}
	return r, nil
}

func listCategories(ctx context.Context, q db.Querier, tenantID int64) ([]categoryRow, error) {
	var rows []categoryRow
	if err := q.SelectContext(ctx, &rows, `SELECT `+categoryCols+` FROM script_categories c WHERE c.tenant_id = ?
		ORDER BY c.position, c.id LIMIT ?`, tenantID, MaxCategories); err != nil {
		return nil, fmt.Errorf("script: list categories: %w", err)
	}
	return rows, nil
}

type scriptRow struct {
	ID         int64         `db:"id"`
	CategoryID sql.NullInt64 `db:"category_id"`
	Category   string        `db:"category"`
	Title      string        `db:"title"`
	Keywords   string        `db:"keywords"`
	Snippets   string        `db:"snippets"`
	UseCount   int64         `db:"use_count"`
	LastUsedAt int64         `db:"last_used_at"`
	CreatedAt  int64         `db:"created_at"`
	UpdatedAt  int64         `db:"updated_at"`
}

const scriptCols = `s.id, s.category_id, COALESCE(c.name, '') AS category, s.title, s.keywords, s.snippets,
	s.use_count, s.last_used_at, s.created_at, s.updated_at`

const scriptFrom = ` FROM scripts s LEFT JOIN script_categories c ON c.tenant_id = s.tenant_id AND c.id = s.category_id`

// script decodes a row; the JSON columns were written by this package, so a column
// that does not decode is a corrupted row, reported as an internal error.
func (r scriptRow) script() (Script, error) {
	out := Script{ID: r.ID, CategoryID: r.CategoryID.Int64, Category: r.Category, Title: r.Title, UseCount: r.UseCount,
		CreatedAt: time.UnixMilli(r.CreatedAt).UTC(), UpdatedAt: time.UnixMilli(r.UpdatedAt).UTC()}
	if r.LastUsedAt > 0 {
		out.LastUsedAt = time.UnixMilli(r.LastUsedAt).UTC()
	}
	if err := json.Unmarshal([]byte(r.Keywords), &out.Keywords); err != nil {
		return Script{}, fmt.Errorf("script %d: keywords: %w", r.ID, err)
	}
	if err := json.Unmarshal([]byte(r.Snippets), &out.Snippets); err != nil {
		return Script{}, fmt.Errorf("script %d: snippets: %w", r.ID, err)
	}
	if out.Keywords == nil {
		out.Keywords = []string{}
	}
	out.Variables = UsedVariables(out.Snippets)
	return out, nil
}

func getScript(ctx context.Context, q db.Querier, tenantID, id int64) (Script, error) {
	var r scriptRow
	err := q.GetContext(ctx, &r, `SELECT `+scriptCols+scriptFrom+` WHERE s.tenant_id = ? AND s.id = ?`, tenantID, id)
	if db.IsNoRows(err) {
		return Script{}, siyu.Errorf(siyu.ENOTFOUND, "script %d not found", id)
	} else if err != nil {
		return Script{}, fmt.Errorf("script: get %d: %w", id, err)
	}
	return r.script()
}

// listScripts answers a filtered list, most used first: the answers agents reach for
// most sit at the top.
func listScripts(ctx context.Context, q db.Querier, tenantID int64, f Query) ([]Script, error) {
	where, args := ` WHERE s.tenant_id = ?`, []any{tenantID}
	if f.Category != nil {
		if *f.Category == uncategorisedKey {
			where += ` AND s.category_id IS NULL`
		} else {
			where += ` AND s.category_id = ?`
			args = append(args, *f.Category)
		}
	}
	if needle := strings.ToLower(strings.TrimSpace(f.Q)); needle != "" {
		where += ` AND s.search_text LIKE ? ESCAPE '\'`
		args = append(args, "%"+likeEscape(needle)+"%")
	}
	var rows []scriptRow
	if err := q.SelectContext(ctx, &rows, `SELECT `+scriptCols+scriptFrom+where+` ORDER BY s.use_count DESC, s.id DESC LIMIT ?`,
		append(args, MaxScripts)...); err != nil {
		return nil, fmt.Errorf("script: list: %w", err)
	}
	out := make([]Script, 0, len(rows))
	for _, r := range rows {
		s, err := r.script()
		if err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, nil
}

func likeEscape(s string) string {
	return strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(s)
}

// stored is a script's columns as written: JSON without HTML escaping, so the text in
// the database reads as typed, and the lower-cased text search looks in.
type stored struct {
	keywords, snippets, search string
}

func encode(title string, keywords []string, snippets []Snippet) (stored, error) {
	k, err := marshal(keywords)
	if err != nil {
		return stored{}, err
	}
	s, err := marshal(snippets)
	if err != nil {
		return stored{}, err
	}
	parts := append([]string{title}, keywords...)
	for _, sn := range snippets {
		parts = append(parts, sn.Text, sn.Title)
	}
	return stored{keywords: k, snippets: s, search: strings.ToLower(strings.Join(parts, "\n"))}, nil
}

func marshal(v any) (string, error) {
	var b strings.Builder
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return "", fmt.Errorf("script: encode: %w", err)
	}
	return strings.TrimSpace(b.String()), nil
}

// nullID stores category 0 as NULL (no category).
func nullID(id int64) any {
	if id == 0 {
		return nil
	}
	return id
}
