package segment

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/siyu-live/siyu/internal/crm"
	"github.com/siyu-live/siyu/internal/db"
)

// loadTenant reads a tenant's live customers and their tags from the tables in pages
// of page rows (keyset paging on the primary keys, so a page costs the same at any
// depth on both engines). The pages are not one snapshot: Index replays the changes
// it heard while loading, which makes the result current.
func loadTenant(ctx context.Context, store *db.DB, tenantID int64, page int) (*tenantIndex, error) {
	t := newTenantIndex()
	after := int64(0)
	for {
		n, last, err := loadCustomers(ctx, store, t, tenantID, after, page)
		if err != nil {
			return nil, err
		}
		if n < page {
			break
		}
		after = last
	}
	var tags []int64
	if err := store.SelectContext(ctx, &tags, `SELECT id FROM tags WHERE tenant_id = ? ORDER BY id`, tenantID); err != nil {
		return nil, fmt.Errorf("tags: %w", err)
	}
	words := (t.size() + 63) >> 6
	for _, tag := range tags {
		b := make(bitset, 0, words)
		after, i := int64(0), 0
		for {
			ids, err := tagPage(ctx, store, tenantID, tag, after, 5*page)
			if err != nil {
				return nil, fmt.Errorf("customers of tag %d: %w", tag, err)
			}
			for _, id := range ids {
				// The ids normally ascend, like the slots: walk alongside them, and search
				// only for an id out of order. Merged-away and erased customers have no
				// slot and are skipped.
				if i < t.sorted && t.ids[i] <= id {
					for i < t.sorted && t.ids[i] < id {
						i++
					}
					if i < t.sorted && t.ids[i] == id {
						b.set(i)
					}
				} else if s, ok := t.slot(id); ok {
					b.set(s)
				}
				after = max(after, id)
			}
			if len(ids) < 5*page {
				break
			}
		}
		if len(b) > 0 {
			t.tags[tag] = &b
		}
	}
	return t, nil
}

// tagPage reads the next page of a tag's customers after id after. The ids come back
// as one comma-separated text aggregated by the database, which is several times
// faster to read than a row per id on both engines.
func tagPage(ctx context.Context, q db.Querier, tenantID, tag, after int64, limit int) ([]int64, error) {
	agg := "group_concat(customer_id)"
	if q.Dialect() == db.Postgres {
		agg = "string_agg(customer_id::text, ',')"
	}
	var list string
	err := q.GetContext(ctx, &list, `SELECT COALESCE(`+agg+`, '') FROM (SELECT customer_id FROM customer_tags
		WHERE tenant_id = ? AND tag_id = ? AND customer_id > ? ORDER BY customer_id LIMIT ?) page`, tenantID, tag, after, limit)
	if err != nil || list == "" {
		return nil, err
	}
	ids := make([]int64, 0, strings.Count(list, ",")+1)
	for len(list) > 0 {
		var field string
		field, list, _ = strings.Cut(list, ",")
		id, err := strconv.ParseInt(field, 10, 64)
		if err != nil {
			return nil, fmt.Errorf("customer id %q: %w", field, err)
		}
		ids = append(ids, id)
	}
	return ids, nil
}

// loadCustomers reads one page of live customers after id after.
func loadCustomers(ctx context.Context, q db.Querier, t *tenantIndex, tenantID, after int64, page int) (int, int64, error) {
	rows, err := q.QueryContext(ctx, `SELECT id, orders_count, spent_fen, watch_ms, COALESCE(last_seen_at, 0), first_source, last_source
		FROM customers WHERE tenant_id = ? AND id > ? AND merged_into IS NULL AND erased_at IS NULL ORDER BY id LIMIT ?`,
		tenantID, after, page)
	if err != nil {
		return 0, 0, fmt.Errorf("customers: %w", err)
	}
	defer rows.Close()
	n, last := 0, after
	for rows.Next() {
		var f crm.Facts
		if err := rows.Scan(&f.ID, &f.OrdersCount, &f.SpentFen, &f.WatchMS, &f.LastSeenAt, &f.FirstSource, &f.LastSource); err != nil {
			return 0, 0, fmt.Errorf("customers: %w", err)
		}
		t.setFacts(f)
		n, last = n+1, f.ID
	}
	if err := rows.Err(); err != nil {
		return 0, 0, fmt.Errorf("customers: %w", err)
	}
	return n, last, nil
}

// reloadCustomers reads the current facts and tags of some customers of a tenant, for
// a change another node made (sync.go).
func reloadCustomers(ctx context.Context, q db.Querier, tenantID int64, ids []int64) ([]crm.Facts, map[int64][]int64, error) {
	if len(ids) == 0 {
		return nil, nil, nil
	}
	args := []any{tenantID}
	for _, id := range ids {
		args = append(args, id)
	}
	in := placeholders(len(ids))
	rows, err := q.QueryContext(ctx, `SELECT id, orders_count, spent_fen, watch_ms, COALESCE(last_seen_at, 0), first_source, last_source,
		CASE WHEN merged_into IS NULL AND erased_at IS NULL THEN 0 ELSE 1 END FROM customers WHERE tenant_id = ? AND id IN (`+in+`)`, args...)
	if err != nil {
		return nil, nil, fmt.Errorf("segment: reload customers: %w", err)
	}
	defer rows.Close()
	var facts []crm.Facts
	for rows.Next() {
		var f crm.Facts
		var gone int
		if err := rows.Scan(&f.ID, &f.OrdersCount, &f.SpentFen, &f.WatchMS, &f.LastSeenAt, &f.FirstSource, &f.LastSource, &gone); err != nil {
			return nil, nil, fmt.Errorf("segment: reload customers: %w", err)
		}
		f.Gone = gone != 0
		facts = append(facts, f)
	}
	if err := rows.Err(); err != nil {
		return nil, nil, fmt.Errorf("segment: reload customers: %w", err)
	}
	var links []struct {
		CustomerID int64 `db:"customer_id"`
		TagID      int64 `db:"tag_id"`
	}
	if err := q.SelectContext(ctx, &links, `SELECT customer_id, tag_id FROM customer_tags WHERE tenant_id = ? AND customer_id IN (`+in+`)`,
		args...); err != nil {
		return nil, nil, fmt.Errorf("segment: reload tags: %w", err)
	}
	tags := map[int64][]int64{}
	for _, l := range links {
		tags[l.CustomerID] = append(tags[l.CustomerID], l.TagID)
	}
	return facts, tags, nil
}
