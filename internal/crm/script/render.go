package script

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	"github.com/siyu-live/siyu"
	"github.com/siyu-live/siyu/internal/crm/talk"
	"github.com/siyu-live/siyu/internal/db"
	"github.com/siyu-live/siyu/internal/org"
)

// Render fills a script's variables for one customer and counts a use: this is the
// "send" of the library. Values win; {name} otherwise comes from the customer's
// profile (customer_id) and {brand} from the tenant's name. A variable with no value
// is left empty and listed in Missing, so the sender sees what to fill next time.
func (s *Service) Render(ctx context.Context, p org.Principal, id int64, in RenderInput) (Rendered, error) {
	if err := s.begin(ctx, p, canRead); err != nil {
		return Rendered{}, err
	}
	values, err := CheckValues(in.Values)
	if err != nil {
		return Rendered{}, err
	}
	if in.CustomerID < 0 {
		return Rendered{}, siyu.Invalid("customer_id", "customer_id must be a customer's id")
	}
	sc, err := getScript(ctx, s.store, p.TenantID, id)
	if err != nil {
		return Rendered{}, err
	}
	if in.CustomerID > 0 {
		name, err := customerName(ctx, s.store, p.TenantID, in.CustomerID)
		if err != nil {
			return Rendered{}, err
		}
		if values["name"] == "" {
			values["name"] = name
		}
	}
	if values["name"] == "" {
		values["name"] = defaultCustomer
	}
	if values["brand"] == "" {
		var brand string
		if err := s.store.GetContext(ctx, &brand, `SELECT name FROM tenants WHERE id = ?`, p.TenantID); err != nil {
			return Rendered{}, fmt.Errorf("script: brand name: %w", err)
		}
		values["brand"] = brand
	}
	out := Rendered{ScriptID: sc.ID, Title: sc.Title, Snippets: make([]Snippet, 0, len(sc.Snippets)), Missing: []string{}}
	for _, v := range sc.Variables {
		if values[v] == "" {
			out.Missing = append(out.Missing, v)
		}
	}
	parts := make([]string, 0, len(sc.Snippets))
	for _, sn := range sc.Snippets {
		switch sn.Kind {
		case KindText:
			sn.Text = talk.Render(sn.Text, values)
			parts = append(parts, sn.Text)
		case KindLink:
			parts = append(parts, sn.Title+"\n"+sn.URL)
		default:
			parts = append(parts, sn.URL)
		}
		out.Snippets = append(out.Snippets, sn)
	}
	out.Text = strings.Join(parts, "\n\n")
	err = s.store.WriteGetContext(ctx, &out.UseCount, `UPDATE scripts SET use_count = use_count + 1, last_used_at = ?
		WHERE tenant_id = ? AND id = ? RETURNING use_count`, s.now().UnixMilli(), p.TenantID, id)
	if db.IsNoRows(err) { // deleted a moment ago
		return Rendered{}, siyu.Errorf(siyu.ENOTFOUND, "script %d not found", id)
	} else if err != nil {
		return Rendered{}, fmt.Errorf("script: count use of %d: %w", id, err)
	}
	return out, nil
}

// customerName reads the name of the profile that stands for id now (following
// merges); an erased profile has no name. Another tenant's id is not found.
func customerName(ctx context.Context, q db.Querier, tenantID, id int64) (string, error) {
	for range 64 {
		var r struct {
			Name   string        `db:"name"`
			Merged sql.NullInt64 `db:"merged_into"`
			Erased sql.NullInt64 `db:"erased_at"`
		}
		err := q.GetContext(ctx, &r, `SELECT name, merged_into, erased_at FROM customers WHERE tenant_id = ? AND id = ?`, tenantID, id)
		if db.IsNoRows(err) {
			return "", siyu.Errorf(siyu.ENOTFOUND, "customer %d not found", id)
		} else if err != nil {
			return "", fmt.Errorf("script: customer %d: %w", id, err)
		}
		switch {
		case r.Erased.Valid:
			return "", nil
		case r.Merged.Valid:
			id = r.Merged.Int64
		default:
			return strings.TrimSpace(r.Name), nil
		}
	}
	return "", fmt.Errorf("script: customer %d: merge chain too long", id)
}
