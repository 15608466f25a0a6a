package segment

import (
	"context"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/siyu-live/siyu"
	"github.com/siyu-live/siyu/internal/db"
)

// Segment is a saved rule with how many customers it holds for now. The count is
// computed when the segment is read, never stored, so it is always current.
type Segment struct {
	ID          int64  `json:"id"`
	Name        string `json:"name"`
	Rule        string `json:"rule"`
	Description string `json:"description"`
	Count       int64  `json:"count"`
	// UnknownTags names the tags the rule mentions that do not exist (yet): they match
	// nobody, which is usually a typo worth showing.
	UnknownTags []string  `json:"unknown_tags,omitempty"`
	CreatedAt   time.Time `json:"created_at"`
	UpdatedAt   time.Time `json:"updated_at"`
}

// Input is the body of POST /api/v1/segments.
type Input struct {
	Name        string `json:"name"`
	Rule        string `json:"rule"`
	Description string `json:"description,omitempty"`
}

// Patch is the body of PATCH /api/v1/segments/{id}; absent fields stay as they are.
type Patch struct {
	Name        *string `json:"name,omitempty"`
	Rule        *string `json:"rule,omitempty"`
	Description *string `json:"description,omitempty"`
}

// PreviewInput is the body of POST /api/v1/segments/preview: a rule tried without
// saving it.
type PreviewInput struct {
	Rule string `json:"rule"`
}

// Limits of a segment's texts and of segments per tenant.
const (
	MaxName        = 50
	MaxDescription = 200
	MaxPerTenant   = 500
)

func checkName(v string) (string, error) {
	v = strings.TrimSpace(v)
	if n := utf8.RuneCountInString(v); n == 0 || n > MaxName {
		return "", siyu.Invalid("name", "name must be 1–%d characters", MaxName)
	}
	return v, nil
}

func checkDescription(v string) (string, error) {
	v = strings.TrimSpace(v)
	if utf8.RuneCountInString(v) > MaxDescription {
		return "", siyu.Invalid("description", "description is at most %d characters", MaxDescription)
	}
	return v, nil
}

// checkRule parses a rule and returns it trimmed, as the user wrote it.
func checkRule(v string) (string, *Expr, error) {
	e, err := Parse(v)
	if err != nil {
		return "", nil, err
	}
	return strings.TrimSpace(v), e, nil
}

type segmentRow struct {
	ID          int64  `db:"id"`
	TenantID    int64  `db:"tenant_id"`
	Name        string `db:"name"`
	Rule        string `db:"rule"`
	Description string `db:"description"`
	CreatedBy   int64  `db:"created_by"`
	CreatedAt   int64  `db:"created_at"`
	UpdatedAt   int64  `db:"updated_at"`
}

const segmentCols = `id, tenant_id, name, rule, description, created_by, created_at, updated_at`

func (r segmentRow) segment() Segment {
	return Segment{ID: r.ID, Name: r.Name, Rule: r.Rule, Description: r.Description,
		CreatedAt: time.UnixMilli(r.CreatedAt).UTC(), UpdatedAt: time.UnixMilli(r.UpdatedAt).UTC()}
}

func getSegment(ctx context.Context, q db.Querier, tenantID, id int64) (segmentRow, error) {
	var r segmentRow
	err := q.GetContext(ctx, &r, `SELECT `+segmentCols+` FROM segments WHERE tenant_id = ? AND id = ?`, tenantID, id)
	if db.IsNoRows(err) {
		return r, siyu.Errorf(siyu.ENOTFOUND, "segment %d not found", id)
	} else if err != nil {
		return r, fmt.Errorf("segment: get %d: %w", id, err)
	}
	return r, nil
}

func listSegments(ctx context.Context, q db.Querier, tenantID int64) ([]segmentRow, error) {
	var rows []segmentRow
	if err := q.SelectContext(ctx, &rows, `SELECT `+segmentCols+` FROM segments WHERE tenant_id = ? ORDER BY id DESC LIMIT ?`,
		tenantID, MaxPerTenant); err != nil {
		return nil, fmt.Errorf("segment: list: %w", err)
	}
	return rows, nil
}

func nameTaken(name string) error {
	return siyu.Errorf(siyu.ECONFLICT, "a segment named %q exists", name)
}
