package db_test

import (
	"context"
	"path/filepath"
	"sync"
	"testing"

	"github.com/siyu-live/siyu/internal/db"
	"github.com/siyu-live/siyu/internal/db/dbtest"
)

func TestStoreBasics(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, store *db.DB) {
		ctx := context.Background()
		id, err := db.Insert(ctx, store, `INSERT INTO tenants (name, created_at) VALUES (?, ?)`, "品牌A", 1)
		if err != nil {
			t.Fatal(err)
		}
		var name string
		if err := store.GetContext(ctx, &name, `SELECT name FROM tenants WHERE id = ?`, id); err != nil {
			t.Fatal(err)
		}
		if name != "品牌A" {
			t.Fatalf("name = %q, want 品牌A", name)
		}

		// A failed transaction leaves nothing behind.
		err = store.Tx(ctx, func(tx *db.Tx) error {
			if _, err := tx.ExecContext(ctx, `INSERT INTO tenants (name, created_at) VALUES (?, ?)`, "half", 2); err != nil {
				return err
			}
			_, err := tx.ExecContext(ctx, `INSERT INTO no_such_table VALUES (1)`)
			return err
		})
		if err == nil {
			t.Fatal("transaction with a bad statement succeeded")
		}
		var n int
		if err := store.GetContext(ctx, &n, `SELECT COUNT(*) FROM tenants WHERE name = ?`, "half"); err != nil {
			t.Fatal(err)
		}
		if n != 0 {
			t.Fatalf("rolled-back row is visible: %d", n)
		}

		// AfterCommit runs only for committed work.
		ran := false
		if err := store.Tx(ctx, func(tx *db.Tx) error {
			tx.AfterCommit(func() { ran = true })
			_, err := tx.ExecContext(ctx, `UPDATE tenants SET name = ? WHERE id = ?`, "品牌B", id)
			return err
		}); err != nil {
			t.Fatal(err)
		}
		if !ran {
			t.Fatal("AfterCommit hook did not run")
		}

		// Unique violations are recognisable on both engines.
		uid, err := db.Insert(ctx, store, `INSERT INTO users (tenant_id, email, password_hash, role, created_at) VALUES (?, ?, ?, ?, ?)`, id, "a@x.io", "h", "owner", 1)
		if err != nil || uid == 0 {
			t.Fatal(err)
		}
		_, err = db.Insert(ctx, store, `INSERT INTO users (tenant_id, email, password_hash, role, created_at) VALUES (?, ?, ?, ?, ?)`, id, "a@x.io", "h", "owner", 1)
		if !db.IsUniqueViolation(err) {
			t.Fatalf("duplicate email: err = %v, want a unique violation", err)
		}
		// Foreign keys are enforced.
		if _, err := db.Insert(ctx, store, `INSERT INTO users (tenant_id, email, password_hash, role, created_at) VALUES (?, ?, ?, ?, ?)`, 999999, "b@x.io", "h", "owner", 1); err == nil {
			t.Fatal("insert with a missing tenant succeeded; foreign keys are off")
		}
		// Migrating twice is a no-op.
		if n, err := store.Migrate(ctx); err != nil || n != 0 {
			t.Fatalf("second migrate applied %d, err %v", n, err)
		}
	})
}

func TestSQLiteConcurrentWritersDoNotFail(t *testing.T) {
	store := dbtest.SQLite(t)
	ctx := context.Background()
	var wg sync.WaitGroup
	errs := make(chan error, 200)
	for i := range 200 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, err := db.Insert(ctx, store, `INSERT INTO tenants (name, created_at) VALUES (?, ?)`, "t", i)
			errs <- err
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	var n int
	if err := store.GetContext(ctx, &n, `SELECT COUNT(*) FROM tenants`); err != nil || n != 200 {
		t.Fatalf("count = %d (%v), want 200", n, err)
	}
}

func TestOpenNeedsALocation(t *testing.T) {
	if _, err := db.Open(context.Background(), "", ""); err == nil {
		t.Fatal("Open with no dsn and no data dir succeeded")
	}
	store, err := db.Open(context.Background(), filepath.Join(t.TempDir(), "x", "y.db"), "")
	if err != nil {
		t.Fatal(err)
	}
	store.Close()
}

func TestBackupIsAConsistentCopy(t *testing.T) {
	store := dbtest.SQLite(t)
	ctx := context.Background()
	for i := range 50 {
		if _, err := db.Insert(ctx, store, `INSERT INTO tenants (name, created_at) VALUES (?, ?)`, "t", i); err != nil {
			t.Fatal(err)
		}
	}
	file := filepath.Join(t.TempDir(), "backup.db")
	if err := store.Backup(ctx, file); err != nil {
		t.Fatal(err)
	}
	if err := store.Backup(ctx, file); err == nil {
		t.Fatal("backup overwrote an existing file")
	}
	copyDB, err := db.Open(ctx, file, "")
	if err != nil {
		t.Fatal(err)
	}
	defer copyDB.Close()
	var n int
	if err := copyDB.GetContext(ctx, &n, `SELECT COUNT(*) FROM tenants`); err != nil || n != 50 {
		t.Fatalf("backup has %d tenants (%v), want 50", n, err)
	}
}
