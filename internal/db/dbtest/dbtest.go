// Package dbtest gives tests a fresh, migrated store on every engine that is available:
// SQLite always, PostgreSQL when SIYU_TEST_POSTGRES names a server. Store suites call
// Each so one test body proves the behaviour on both engines.
package dbtest

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"net/url"
	"os"
	"testing"

	_ "github.com/jackc/pgx/v5/stdlib"

	"github.com/siyu-live/siyu/internal/db"
)

// PostgresEnv names the variable that points store tests at a PostgreSQL server.
const PostgresEnv = "SIYU_TEST_POSTGRES"

// Each runs fn as a subtest on a fresh SQLite store and, when SIYU_TEST_POSTGRES is set,
// on a fresh PostgreSQL schema, so a suite never forgets the second engine.
func Each(t *testing.T, fn func(t *testing.T, store *db.DB)) {
	t.Helper()
	t.Run("sqlite", func(t *testing.T) {
		fn(t, SQLite(t))
	})
	t.Run("postgres", func(t *testing.T) {
		store := Postgres(t)
		fn(t, store)
	})
}

// SQLite opens a migrated SQLite store in a temporary directory removed after the test.
func SQLite(t testing.TB) *db.DB {
	t.Helper()
	store, err := db.Open(context.Background(), "", t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { store.Close() })
	if _, err := store.Migrate(context.Background()); err != nil {
		t.Fatal(err)
	}
	return store
}

// Postgres opens a migrated store in a new, private PostgreSQL schema dropped after the
// test, or skips the test when SIYU_TEST_POSTGRES is unset.
func Postgres(t testing.TB) *db.DB {
	t.Helper()
	dsn := PostgresDSN(t)
	store, err := db.Open(context.Background(), dsn, "")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { store.Close() })
	if _, err := store.Migrate(context.Background()); err != nil {
		t.Fatal(err)
	}
	return store
}

// PostgresDSN creates a fresh schema on the test server and returns a DSN whose
// search_path points at it; it skips the test when no server is configured.
func PostgresDSN(t testing.TB) string {
	t.Helper()
	base := os.Getenv(PostgresEnv)
	if base == "" {
		t.Skip(PostgresEnv + " not set; skipping the PostgreSQL variant")
	}
	admin, err := sql.Open("pgx", base)
	if err != nil {
		t.Fatal(err)
	}
	defer admin.Close()
	if err := admin.Ping(); err != nil {
		t.Skipf("PostgreSQL at %s does not answer: %v", PostgresEnv, err)
	}
	var b [6]byte
	_, _ = rand.Read(b[:])
	schema := "siyu_test_" + hex.EncodeToString(b[:])
	if _, err := admin.Exec("CREATE SCHEMA " + schema); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		cleanup, err := sql.Open("pgx", base)
		if err == nil {
			_, _ = cleanup.Exec("DROP SCHEMA " + schema + " CASCADE")
			cleanup.Close()
		}
	})
	u, err := url.Parse(base)
	if err != nil {
		t.Fatal(err)
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String()
}
