package loadgen

import (
	"context"
	"fmt"
	"os"
	"strings"

	"github.com/jackc/pgx/v5"

	"github.com/siyu-live/siyu/internal/db"
)

// The in-process store benches (crm, broadcast) share how they get a store and how
// they load it: a throw-away, migrated store per --db engine, customers and tags
// written in bulk, then the store settled as a running server's would be.

// throwawayStore opens a migrated store for one run of bench on engine: "sqlite" (a
// temporary directory) or a postgres:// URL (a private schema). It returns the DSN a
// bulk loader connects to (empty on SQLite) and done, which closes the store and
// deletes everything the run wrote.
func throwawayStore(ctx context.Context, bench, engine string) (store *db.DB, dsn string, done func(), err error) {
	var cleanup func()
	switch {
	case engine == "sqlite":
		dir, err := os.MkdirTemp("", "siyu-bench-"+bench+"-")
		if err != nil {
			return nil, "", nil, err
		}
		cleanup = func() { os.RemoveAll(dir) }
		store, err = db.Open(ctx, "", dir)
		if err != nil {
			cleanup()
			return nil, "", nil, err
		}
	case strings.HasPrefix(engine, "postgres://") || strings.HasPrefix(engine, "postgresql://"):
		if dsn, cleanup, err = benchSchema(engine); err != nil {
			return nil, "", nil, err
		}
		if store, err = db.Open(ctx, dsn, ""); err != nil {
			cleanup()
			return nil, "", nil, err
		}
	default:
		return nil, "", nil, fmt.Errorf("bench %s: --db %q is neither sqlite nor a postgres:// URL", bench, engine)
	}
	done = func() {
		store.Close()
		cleanup()
	}
	if _, err := store.Migrate(ctx); err != nil {
		done()
		return nil, "", nil, err
	}
	return store, dsn, done, nil
}

// dbFlags repeats the --db flags of a run for its report, without passwords.
func dbFlags(engines []string) string {
	flags := make([]string, len(engines))
	for i, d := range engines {
		flags[i] = "--db " + redactDSN(d)
	}
	return strings.Join(flags, " ")
}

// customerSink returns the bulk writer of generated customers and tags: COPY on its own
// connection to pgDSN on PostgreSQL, multi-row INSERTs on SQLite. The rows are
// consistent by construction, so on PostgreSQL the connection skips the per-row
// foreign-key triggers (bulk-load practice; it needs a superuser, as the test server
// is); noSuper, when not nil, hears when it may not.
func customerSink(ctx context.Context, store *db.DB, pgDSN, bench string, noSuper func(string)) (crmSink, error) {
	if store.Dialect() != db.Postgres {
		return &sqliteSink{store: store}, nil
	}
	conn, err := pgx.Connect(ctx, pgDSN)
	if err != nil {
		return nil, fmt.Errorf("bench %s: copy connection: %w", bench, err)
	}
	if _, err := conn.Exec(ctx, `SET session_replication_role = replica`); err != nil && noSuper != nil {
		noSuper("  (not a superuser: copying with foreign-key checks, slower)")
	}
	return &pgSink{conn: conn}, nil
}

// settleBulk closes the sink and leaves the store as a running server's would be by
// the time anyone reads it: the customers' id sequence past the ids the generator
// chose, and (what autovacuum would have done) fresh statistics and, on PostgreSQL,
// the visibility map that lets the tag index be read without the table.
func settleBulk(ctx context.Context, store *db.DB, sink crmSink, bench string) error {
	if err := sink.close(ctx); err != nil {
		return err
	}
	if store.Dialect() != db.Postgres {
		if _, err := store.ExecContext(ctx, `ANALYZE`); err != nil {
			return fmt.Errorf("bench %s: analyze: %w", bench, err)
		}
		return nil
	}
	if _, err := store.ExecContext(ctx, `SELECT setval(pg_get_serial_sequence('customers', 'id'), (SELECT MAX(id) FROM customers))`); err != nil {
		return fmt.Errorf("bench %s: sequence: %w", bench, err)
	}
	for _, table := range []string{"customers", "customer_tags", "tags"} {
		if _, err := store.ExecContext(ctx, `VACUUM ANALYZE `+table); err != nil {
			return fmt.Errorf("bench %s: vacuum: %w", bench, err)
		}
	}
	// The load wrote gigabytes of WAL; its checkpoint would otherwise still be flushing
	// while the events are timed, measuring the bulk load instead of a running server.
	// Without the privilege (pg_checkpoint role) the bench goes on and says nothing.
	_, _ = store.ExecContext(ctx, `CHECKPOINT`)
	return nil
}

// engineTable starts a bench's Markdown report: a column per engine's result (engine
// names it: "sqlite" or "postgres") and a goal column. row adds a line with a cell per
// result; the table is w.String() when every row is in.
func engineTable[R any](rs []R, engine func(R) string) (w *strings.Builder, row func(name, goal string, cell func(R) string)) {
	w = &strings.Builder{}
	w.WriteString("| |")
	for _, r := range rs {
		w.WriteString(" " + map[string]string{"sqlite": "SQLite", "postgres": "PostgreSQL"}[engine(r)] + " |")
	}
	w.WriteString(" goal |\n|---|")
	for range rs {
		w.WriteString("---|")
	}
	w.WriteString("---|\n")
	row = func(name, goal string, cell func(R) string) {
		w.WriteString("| " + name + " |")
		for _, r := range rs {
			w.WriteString(" " + cell(r) + " |")
		}
		w.WriteString(" " + goal + " |\n")
	}
	return w, row
}
