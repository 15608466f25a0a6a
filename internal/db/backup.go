package db

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
)

// Backup writes a consistent copy of the SQLite database to file while the server keeps
// running (VACUUM INTO reads one snapshot, so concurrent writes neither block nor tear
// the copy). PostgreSQL deployments use pg_dump instead.
func (db *DB) Backup(ctx context.Context, file string) error {
	if db.dialect != SQLite {
		return errors.New("db: backup copies the embedded SQLite store; for PostgreSQL use pg_dump")
	}
	abs, err := filepath.Abs(file)
	if err != nil {
		return fmt.Errorf("db: backup: %w", err)
	}
	if _, err := os.Stat(abs); err == nil {
		return fmt.Errorf("db: backup: %s already exists; choose a new file name", abs)
	}
	if err := os.MkdirAll(filepath.Dir(abs), 0o750); err != nil {
		return fmt.Errorf("db: backup: %w", err)
	}
	// A connection of its own: the read pool is query-only and the writer must stay free.
	conn, err := openSQLiteConn(db.path)
	if err != nil {
		return err
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, `VACUUM INTO ?`, abs); err != nil {
		return fmt.Errorf("db: backup to %s: %w", abs, err)
	}
	return nil
}
