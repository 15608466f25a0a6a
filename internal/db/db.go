// Package db opens the durable store, SQLite by default and PostgreSQL when the
// brand outgrows one machine, and hides the differences domains would otherwise
// have to care about: placeholder style, pool layout and migrations.
package db

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // registers the "pgx" driver
	"github.com/jmoiron/sqlx"
	_ "modernc.org/sqlite" // registers the "sqlite" driver
)

// Dialect names the SQL engine behind a DB, for the rare query that must differ.
type Dialect string

// The two supported engines.
const (
	SQLite   Dialect = "sqlite"
	Postgres Dialect = "postgres"
)

// DB is the store handle every domain receives. SQLite allows one writer at a time, so
// writes go through a single-connection pool (no SQLITE_BUSY storms) and reads through a
// separate pool that never waits for the writer. On PostgreSQL both are one pool.
type DB struct {
	write   *sqlx.DB
	read    *sqlx.DB
	dialect Dialect
	path    string // SQLite file path, for backups
}

// Querier is what store code runs SQL on: the DB itself (auto-commit) or a Tx. Store
// functions take a Querier so a service can compose them into one transaction.
type Querier interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	GetContext(ctx context.Context, dest any, query string, args ...any) error
	SelectContext(ctx context.Context, dest any, query string, args ...any) error
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
	// WriteGetContext runs a write that returns a row (INSERT/UPDATE … RETURNING) and
	// scans it; it exists because on SQLite plain reads go to a read-only pool.
	WriteGetContext(ctx context.Context, dest any, query string, args ...any) error
	Dialect() Dialect
}

// Open opens the store named by dsn: a postgres:// URL, or a SQLite file path (an empty
// dsn means dataDir/siyu.db). Migrations are not applied here; call Migrate.
func Open(ctx context.Context, dsn, dataDir string) (*DB, error) {
	if strings.HasPrefix(dsn, "postgres://") || strings.HasPrefix(dsn, "postgresql://") {
		return openPostgres(ctx, dsn)
	}
	path := strings.TrimPrefix(dsn, "sqlite://")
	if path == "" {
		if dataDir == "" {
			return nil, errors.New("db: neither a database URL nor a data directory was given")
		}
		path = filepath.Join(dataDir, "siyu.db")
	}
	return openSQLite(ctx, path)
}

func openSQLite(ctx context.Context, path string) (*DB, error) {
	if dir := filepath.Dir(path); dir != "" {
		if err := os.MkdirAll(dir, 0o750); err != nil {
			return nil, fmt.Errorf("db: create data directory %s: %w", dir, err)
		}
	}
	pragmas := "_pragma=busy_timeout(10000)&_pragma=journal_mode(WAL)&_pragma=foreign_keys(1)" +
		"&_pragma=synchronous(NORMAL)&_pragma=temp_store(MEMORY)&_pragma=cache_size(-16000)"
	base := "file:" + (&url.URL{Path: path}).EscapedPath()
	write, err := sqlx.Open("sqlite", base+"?"+pragmas+"&_txlock=immediate")
	if err != nil {
		return nil, fmt.Errorf("db: open sqlite %s: %w", path, err)
	}
	write.SetMaxOpenConns(1)
	write.SetMaxIdleConns(1)
	write.SetConnMaxIdleTime(0)
	write.SetConnMaxLifetime(0)
	if err := write.PingContext(ctx); err != nil {
		write.Close()
		return nil, fmt.Errorf("db: open sqlite %s: %w", path, err)
	}
	read, err := sqlx.Open("sqlite", base+"?"+pragmas+"&_pragma=query_only(1)")
	if err != nil {
		write.Close()
		return nil, fmt.Errorf("db: open sqlite %s: %w", path, err)
	}
	n := max(4, runtime.NumCPU()*2)
	read.SetMaxOpenConns(n)
	read.SetMaxIdleConns(n)
	return &DB{write: write, read: read, dialect: SQLite, path: path}, nil
}

func openSQLiteConn(path string) (*sqlx.DB, error) {
	c, err := sqlx.Open("sqlite", "file:"+(&url.URL{Path: path}).EscapedPath()+"?_pragma=busy_timeout(10000)")
	if err != nil {
		return nil, fmt.Errorf("db: open sqlite %s: %w", path, err)
	}
	c.SetMaxOpenConns(1)
	return c, nil
}

func openPostgres(ctx context.Context, dsn string) (*DB, error) {
	pool, err := sqlx.Open("pgx", dsn)
	if err != nil {
		return nil, fmt.Errorf("db: open postgres: %w", err)
	}
	pool.SetMaxOpenConns(32)
	pool.SetMaxIdleConns(16)
	pool.SetConnMaxIdleTime(5 * time.Minute)
	pctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	if err := pool.PingContext(pctx); err != nil {
		pool.Close()
		return nil, fmt.Errorf("db: connect to postgres %s: %w", redact(dsn), err)
	}
	return &DB{write: pool, read: pool, dialect: Postgres}, nil
}

// redact hides a password in a DSN so it never reaches a log line.
func redact(dsn string) string {
	u, err := url.Parse(dsn)
	if err != nil {
		return "(unparseable url)"
	}
	return u.Redacted()
}

// Dialect reports the engine, so the few queries that differ can branch on it.
func (db *DB) Dialect() Dialect { return db.dialect }

// Path is the SQLite file path ("" on PostgreSQL); backups need it.
func (db *DB) Path() string { return db.path }

// Close closes both pools.
func (db *DB) Close() error {
	err := db.write.Close()
	if db.read != db.write {
		err = errors.Join(err, db.read.Close())
	}
	return err
}

func (db *DB) rebind(q string) string {
	if db.dialect == Postgres {
		return sqlx.Rebind(sqlx.DOLLAR, q)
	}
	return q
}

// ExecContext runs a write with "?" placeholders on the writer pool.
func (db *DB) ExecContext(ctx context.Context, q string, args ...any) (sql.Result, error) {
	return db.write.ExecContext(ctx, db.rebind(q), args...)
}

// GetContext scans one row from the read pool into dest; sql.ErrNoRows when none.
func (db *DB) GetContext(ctx context.Context, dest any, q string, args ...any) error {
	return db.read.GetContext(ctx, dest, db.rebind(q), args...)
}

// SelectContext scans all rows from the read pool into the slice dest.
func (db *DB) SelectContext(ctx context.Context, dest any, q string, args ...any) error {
	return db.read.SelectContext(ctx, dest, db.rebind(q), args...)
}

// QueryContext runs a read on the read pool.
func (db *DB) QueryContext(ctx context.Context, q string, args ...any) (*sql.Rows, error) {
	return db.read.QueryContext(ctx, db.rebind(q), args...)
}

// QueryRowContext runs a single-row read on the read pool.
func (db *DB) QueryRowContext(ctx context.Context, q string, args ...any) *sql.Row {
	return db.read.QueryRowContext(ctx, db.rebind(q), args...)
}

// WriteGetContext runs a RETURNING write on the writer pool and scans its row.
func (db *DB) WriteGetContext(ctx context.Context, dest any, q string, args ...any) error {
	return db.write.GetContext(ctx, dest, db.rebind(q), args...)
}

// Tx is a write transaction; reads inside it see its own writes.
type Tx struct {
	tx      *sqlx.Tx
	dialect Dialect
	after   []func()
}

// Tx runs fn in one write transaction, committing when fn returns nil and rolling back
// otherwise, so a failed request never leaves half its writes behind.
func (db *DB) Tx(ctx context.Context, fn func(tx *Tx) error) error {
	sqltx, err := db.write.BeginTxx(ctx, nil)
	if err != nil {
		return fmt.Errorf("db: begin: %w", err)
	}
	tx := &Tx{tx: sqltx, dialect: db.dialect}
	if err := fn(tx); err != nil {
		_ = sqltx.Rollback()
		return err
	}
	if err := sqltx.Commit(); err != nil {
		return fmt.Errorf("db: commit: %w", err)
	}
	for _, f := range tx.after {
		f()
	}
	return nil
}

// AfterCommit registers f to run once the transaction has committed, e.g. to publish an
// event or wake a worker only for writes that really happened.
func (tx *Tx) AfterCommit(f func()) { tx.after = append(tx.after, f) }

func (tx *Tx) rebind(q string) string {
	if tx.dialect == Postgres {
		return sqlx.Rebind(sqlx.DOLLAR, q)
	}
	return q
}

// Dialect reports the engine.
func (tx *Tx) Dialect() Dialect { return tx.dialect }

// ExecContext runs a statement inside the transaction.
func (tx *Tx) ExecContext(ctx context.Context, q string, args ...any) (sql.Result, error) {
	return tx.tx.ExecContext(ctx, tx.rebind(q), args...)
}

// GetContext scans one row inside the transaction.
func (tx *Tx) GetContext(ctx context.Context, dest any, q string, args ...any) error {
	return tx.tx.GetContext(ctx, dest, tx.rebind(q), args...)
}

// SelectContext scans rows inside the transaction.
func (tx *Tx) SelectContext(ctx context.Context, dest any, q string, args ...any) error {
	return tx.tx.SelectContext(ctx, dest, tx.rebind(q), args...)
}

// QueryContext queries inside the transaction.
func (tx *Tx) QueryContext(ctx context.Context, q string, args ...any) (*sql.Rows, error) {
	return tx.tx.QueryContext(ctx, tx.rebind(q), args...)
}

// WriteGetContext runs a RETURNING write inside the transaction and scans its row.
func (tx *Tx) WriteGetContext(ctx context.Context, dest any, q string, args ...any) error {
	return tx.tx.GetContext(ctx, dest, tx.rebind(q), args...)
}

// QueryRowContext queries one row inside the transaction.
func (tx *Tx) QueryRowContext(ctx context.Context, q string, args ...any) *sql.Row {
	return tx.tx.QueryRowContext(ctx, tx.rebind(q), args...)
}

// Insert runs an INSERT … RETURNING id and returns the new id; both engines support
// RETURNING, so this is the one way every domain creates rows.
func Insert(ctx context.Context, q Querier, query string, args ...any) (int64, error) {
	var id int64
	if err := q.WriteGetContext(ctx, &id, query+" RETURNING id", args...); err != nil {
		return 0, err
	}
	return id, nil
}

// IsNoRows reports whether err means "no such row", so stores can turn it into not_found.
func IsNoRows(err error) bool { return errors.Is(err, sql.ErrNoRows) }

// IsUniqueViolation reports whether err is a unique-constraint failure on either engine,
// so stores can answer conflict instead of internal.
func IsUniqueViolation(err error) bool {
	if err == nil {
		return false
	}
	s := err.Error()
	return strings.Contains(s, "UNIQUE constraint failed") || strings.Contains(s, "SQLSTATE 23505")
}
