package loadgen

import (
	"context"
	"fmt"
	"math/rand/v2"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/siyu-live/siyu/internal/db"
)

// The tags of the generated base: the CONTRACT example's three first, then t003…; the
// rule tag last. Popularity follows a Zipf law, so vip is common and t099 rare.
const (
	crmRuleTag  = "看播未购"
	crmRule     = "watch_minutes >= 10 AND orders = 0"
	crmWatchMin = 10 * 60_000
)

func crmTagName(i int) string {
	switch i {
	case 0:
		return "vip"
	case 1:
		return "churned"
	case 2:
		return "blocked"
	}
	return fmt.Sprintf("t%03d", i)
}

// crmBase is what the generator made: the tenant, its tag ids, and customers the event
// benchmark can push over the rule tag's threshold (no order, watched 5–10 minutes).
type crmBase struct {
	tenantID  int64
	tagIDs    []int64
	ruleTagID int64
	tagRows   int64
	nearRule  []int64
	took      time.Duration
}

// crmSink writes generated rows: multi-row INSERTs in big transactions on SQLite, COPY
// on PostgreSQL.
type crmSink interface {
	customers(ctx context.Context, rows [][]any) error
	tags(ctx context.Context, rows [][]any) error
	close(ctx context.Context) error
}

var (
	crmCustomerCols = []string{"id", "tenant_id", "name", "phone", "first_source", "last_source", "orders_count", "spent_fen",
		"watch_ms", "last_seen_at", "created_at", "updated_at"}
	crmTagCols = []string{"tenant_id", "customer_id", "tag_id", "source", "created_at"}
)

// generateCRM writes n customers with about perCustomer tags each (of ntags) into a
// fresh tenant.
func generateCRM(ctx context.Context, store *db.DB, pgDSN string, n, ntags, perCustomer int, seed uint64, now time.Time, out func(string)) (crmBase, error) {
	start := time.Now()
	var b crmBase
	ms := now.UnixMilli()
	var err error
	if b.tenantID, err = db.Insert(ctx, store, `INSERT INTO tenants (name, created_at) VALUES (?, ?)`, "bench crm", ms); err != nil {
		return b, fmt.Errorf("bench crm: tenant: %w", err)
	}
	for i := range ntags {
		id, err := db.Insert(ctx, store, `INSERT INTO tags (tenant_id, name, kind, created_at) VALUES (?, ?, 'manual', ?)`, b.tenantID, crmTagName(i), ms)
		if err != nil {
			return b, fmt.Errorf("bench crm: tag: %w", err)
		}
		b.tagIDs = append(b.tagIDs, id)
	}
	if b.ruleTagID, err = db.Insert(ctx, store, `INSERT INTO tags (tenant_id, name, kind, rule, created_at) VALUES (?, ?, 'rule', ?, ?)`,
		b.tenantID, crmRuleTag, crmRule, ms); err != nil {
		return b, fmt.Errorf("bench crm: rule tag: %w", err)
	}
	var first int64
	if err := store.GetContext(ctx, &first, `SELECT COALESCE(MAX(id), 0) + 1 FROM customers`); err != nil {
		return b, err
	}
	sink, err := customerSink(ctx, store, pgDSN, "crm", out)
	if err != nil {
		return b, err
	}
	rng := rand.New(rand.NewPCG(seed, 7))
	zipf := rand.NewZipf(rand.New(rand.NewPCG(seed, 9)), 1.07, 2, uint64(ntags-1))
	sources := []string{"live", "ad", "qr_code", "wechat", "share", ""}
	const batch = 5000
	var cust, links [][]any
	picked := make([]bool, ntags)
	for i := range n {
		id := first + int64(i)
		orders := int64(0)
		if rng.IntN(3) == 0 {
			orders = 1 + rng.Int64N(8)
		}
		spent := orders * (1000 + rng.Int64N(60000))
		watch := rng.Int64N(40 * 60_000)
		var seen any
		if rng.IntN(10) > 0 {
			seen = ms - rng.Int64N(90*24*3600_000)
		}
		cust = append(cust, []any{id, b.tenantID, "客户" + strconv.Itoa(i), strconv.FormatInt(13000000000+int64(i), 10),
			sources[rng.IntN(len(sources))], sources[rng.IntN(len(sources))], orders, spent, watch, seen, ms, ms})
		clear(picked)
		for k := 0; k < perCustomer; k++ {
			t := int(zipf.Uint64())
			for picked[t] {
				t = (t + 1 + rng.IntN(ntags-1)) % ntags
			}
			picked[t] = true
		}
		for t, on := range picked {
			if on {
				links = append(links, []any{b.tenantID, id, b.tagIDs[t], "manual", ms})
			}
		}
		if watch >= crmWatchMin && orders == 0 {
			links = append(links, []any{b.tenantID, id, b.ruleTagID, "rule", ms})
		} else if orders == 0 && watch >= crmWatchMin/2 && len(b.nearRule) < 1_000_000 {
			b.nearRule = append(b.nearRule, id)
		}
		if len(cust) >= batch || i == n-1 {
			if err := sink.customers(ctx, cust); err != nil {
				return b, err
			}
			if err := sink.tags(ctx, links); err != nil {
				return b, err
			}
			b.tagRows += int64(len(links))
			cust, links = cust[:0], links[:0]
		}
		if (i+1)%200_000 == 0 {
			out(fmt.Sprintf("  generated %d customers (%s)", i+1, time.Since(start).Round(time.Second)))
		}
	}
	if err := settleBulk(ctx, store, sink, "crm"); err != nil {
		return b, err
	}
	b.took = time.Since(start)
	return b, nil
}

// sqliteSink writes multi-row INSERTs of literal values (all generated here: numbers
// and plain text), 500 rows a statement, one transaction per batch.
type sqliteSink struct{ store *db.DB }

func (s *sqliteSink) customers(ctx context.Context, rows [][]any) error {
	return s.insert(ctx, "customers", crmCustomerCols, rows)
}

func (s *sqliteSink) tags(ctx context.Context, rows [][]any) error {
	return s.insert(ctx, "customer_tags", crmTagCols, rows)
}

func (s *sqliteSink) close(context.Context) error { return nil }

func (s *sqliteSink) insert(ctx context.Context, table string, cols []string, rows [][]any) error {
	return s.store.Tx(ctx, func(tx *db.Tx) error {
		for start := 0; start < len(rows); start += 500 {
			var q strings.Builder
			q.WriteString("INSERT INTO " + table + " (" + strings.Join(cols, ", ") + ") VALUES ")
			for i, r := range rows[start:min(start+500, len(rows))] {
				if i > 0 {
					q.WriteByte(',')
				}
				q.WriteByte('(')
				for j, v := range r {
					if j > 0 {
						q.WriteByte(',')
					}
					switch v := v.(type) {
					case nil:
						q.WriteString("NULL")
					case string:
						q.WriteString("'" + strings.ReplaceAll(v, "'", "''") + "'")
					default:
						fmt.Fprint(&q, v)
					}
				}
				q.WriteByte(')')
			}
			if _, err := tx.ExecContext(ctx, q.String()); err != nil {
				return fmt.Errorf("bench crm: insert %s: %w", table, err)
			}
		}
		return nil
	})
}

// pgSink copies rows with COPY on its own connection.
type pgSink struct{ conn *pgx.Conn }

func (s *pgSink) customers(ctx context.Context, rows [][]any) error {
	_, err := s.conn.CopyFrom(ctx, pgx.Identifier{"customers"}, crmCustomerCols, pgx.CopyFromRows(rows))
	if err != nil {
		return fmt.Errorf("bench crm: copy customers: %w", err)
	}
	return nil
}

func (s *pgSink) tags(ctx context.Context, rows [][]any) error {
	_, err := s.conn.CopyFrom(ctx, pgx.Identifier{"customer_tags"}, crmTagCols, pgx.CopyFromRows(rows))
	if err != nil {
		return fmt.Errorf("bench crm: copy tags: %w", err)
	}
	return nil
}

func (s *pgSink) close(ctx context.Context) error { return s.conn.Close(ctx) }
