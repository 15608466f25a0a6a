package segment_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/siyu-live/siyu/internal/crm"
	"github.com/siyu-live/siyu/internal/crm/crmtest"
	"github.com/siyu-live/siyu/internal/crm/segment"
	"github.com/siyu-live/siyu/internal/db"
	"github.com/siyu-live/siyu/internal/org"
)

// env is one brand with an owner (every permission) and a host (customers.view, no
// contacts.view), the CRM, and segments registered on it as the server wires them.
type env struct {
	*crmtest.Env
	host org.Principal
}

func newEnv(t *testing.T, store *db.DB) *env {
	t.Helper()
	e := &env{Env: crmtest.New(t, store)}
	e.NewCRM(crm.Options{})
	e.NewSegments(segment.Options{PageSize: 100})
	e.Owner = e.Signup("Brand")
	e.host = e.Staff("host", org.RoleHost)
	return e
}

// customer creates a customer of the owner's brand with a phone and tags.
func (e *env) customer(name, phone string, tags ...string) crm.Customer {
	e.T.Helper()
	return e.Customer(e.Owner, crm.CustomerInput{Name: name, Phone: phone, Tags: tags})
}

// count is the index's count of a rule, checked against SQL on the spot.
func (e *env) count(tenantID int64, rule string) int64 {
	e.T.Helper()
	r, err := e.Segments.Count(e.Ctx, tenantID, rule)
	if err != nil {
		e.T.Fatalf("count %q: %v", rule, err)
	}
	want, err := e.Segments.CountSQL(e.Ctx, tenantID, rule)
	if err != nil {
		e.T.Fatalf("count %q in SQL: %v", rule, err)
	}
	if r.Count != want {
		e.T.Errorf("index counts %d for %q, SQL %d", r.Count, rule, want)
	}
	return r.Count
}

// base writes n random customers of a tenant straight into the tables (as an import
// would), with random tags among names, sources, aggregates, and some merged away or
// erased.
func base(t *testing.T, ctx context.Context, store *db.DB, tenantID int64, n int, names []string, rng *rand.Rand, now int64) {
	t.Helper()
	err := store.Tx(ctx, func(tx *db.Tx) error {
		tagIDs := make([]int64, len(names))
		for i, name := range names {
			id, err := db.Insert(ctx, tx, `INSERT INTO tags (tenant_id, name, kind, created_at) VALUES (?, ?, 'manual', ?)`, tenantID, name, now)
			if err != nil {
				return err
			}
			tagIDs[i] = id
		}
		sources := []string{"", "live", "ad", "qr_code", "wechat"}
		var ids []int64
		for i := range n {
			var seen any
			if rng.IntN(5) > 0 {
				seen = now - rng.Int64N(60*24*3600*1000)
			}
			id, err := db.Insert(ctx, tx, `INSERT INTO customers (tenant_id, name, first_source, last_source, orders_count, spent_fen,
				watch_ms, last_seen_at, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
				tenantID, fmt.Sprintf("客户%d", i), sources[rng.IntN(len(sources))], sources[rng.IntN(len(sources))],
				rng.Int64N(4), rng.Int64N(4)*rng.Int64N(60000), rng.Int64N(40*60*1000), seen, now, now)
			if err != nil {
				return err
			}
			ids = append(ids, id)
			for j, tag := range tagIDs {
				if rng.IntN(len(tagIDs)) <= j%4 { // some tags common, some rare
					if _, err := tx.ExecContext(ctx, `INSERT INTO customer_tags (tenant_id, customer_id, tag_id, created_at) VALUES (?, ?, ?, ?)`,
						tenantID, id, tag, now); err != nil {
						return err
					}
				}
			}
		}
		for _, id := range ids {
			switch rng.IntN(30) {
			case 0:
				if _, err := tx.ExecContext(ctx, `UPDATE customers SET merged_into = ? WHERE id = ?`, ids[0], id); err != nil {
					return err
				}
			case 1:
				if _, err := tx.ExecContext(ctx, `UPDATE customers SET erased_at = ? WHERE id = ?`, now, id); err != nil {
					return err
				}
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// randomRule builds a random rule over names (plus a tag that does not exist) and the
// behaviour terms, depth at most d.
func randomRule(rng *rand.Rand, names []string, d int) string {
	if d == 0 || rng.IntN(3) == 0 {
		ops := []string{">=", ">", "<=", "<", "=", "!="}
		switch rng.IntN(9) {
		case 0:
			return fmt.Sprintf("orders%s%d", ops[rng.IntN(len(ops))], rng.IntN(4))
		case 1:
			return fmt.Sprintf("spent%s%d", ops[rng.IntN(len(ops))], rng.IntN(1500))
		case 2:
			return fmt.Sprintf("watched%s%dm", ops[rng.IntN(len(ops))], rng.IntN(40))
		case 3:
			return fmt.Sprintf("seen%s%dd", ops[rng.IntN(len(ops))], rng.IntN(60))
		case 4:
			return []string{"source:live", "last_source:ad", "source:nowhere", "last_source:qr_code"}[rng.IntN(4)]
		case 5:
			return "tag:no_such_tag"
		}
		name := names[rng.IntN(len(names))]
		if strings.ContainsAny(name, " ") || rng.IntN(2) == 0 {
			return `tag:"` + name + `"`
		}
		return "tag:" + name
	}
	switch rng.IntN(3) {
	case 0:
		return "NOT " + wrap(randomRule(rng, names, d-1))
	case 1:
		return wrap(randomRule(rng, names, d-1)) + " AND " + wrap(randomRule(rng, names, d-1))
	}
	return wrap(randomRule(rng, names, d-1)) + " OR " + wrap(randomRule(rng, names, d-1))
}

func wrap(s string) string { return "(" + s + ")" }
