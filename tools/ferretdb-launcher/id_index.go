package main

import (
	"context"
	"database/sql"
	"fmt"
	"log/slog"
	"path/filepath"
	"strings"
	"time"

	_ "modernc.org/sqlite" // the same SQLite driver FerretDB uses
)

// FerretDB 1.24's SQLite backend pushes `{_id: <string>}` filters down as
// `WHERE _ferretdb_sjson->'$._id' = ?`, but the unique index it creates for _id is
// on the expression `_ferretdb_sjson->"_id"`. SQLite only uses an expression index
// for the identical expression, so every lookup by _id scans the whole table
// (tens of ms at 20,000 documents; worse with large documents).
//
// maintainIDIndexes closes that gap: every interval it adds, to each collection
// table of each database file in dir, an index on exactly the expression the
// queries use. The index is ours alone (FerretDB's metadata does not list it);
// dropping the collection drops the table and the index with it.
func maintainIDIndexes(ctx context.Context, dir string, every time.Duration, log *slog.Logger) {
	dbs := map[string]*sql.DB{}
	defer func() {
		for _, db := range dbs {
			_ = db.Close()
		}
	}()
	ticker := time.NewTicker(every)
	defer ticker.Stop()
	for {
		files, _ := filepath.Glob(filepath.Join(dir, "*.sqlite"))
		for _, f := range files {
			db, ok := dbs[f]
			if !ok {
				var err error
				db, err = sql.Open("sqlite", "file:"+f+"?_pragma=busy_timeout(10000)")
				if err != nil {
					log.Debug("id index: open", "file", f, "err", err)
					continue
				}
				db.SetMaxOpenConns(1)
				dbs[f] = db
			}
			if err := addMissingIDIndexes(ctx, db); err != nil {
				log.Debug("id index", "file", f, "err", err)
			}
		}
		select {
		case <-ctx.Done():
			return
		case <-ticker.C:
		}
	}
}

func addMissingIDIndexes(ctx context.Context, db *sql.DB) error {
	rows, err := db.QueryContext(ctx, `
		SELECT t.name FROM sqlite_master t
		WHERE t.type = 'table' AND t.name NOT LIKE '\_ferretdb\_%' ESCAPE '\' AND t.name NOT LIKE 'sqlite\_%' ESCAPE '\'
		  AND EXISTS (SELECT 1 FROM pragma_table_info(t.name) c WHERE c.name = '_ferretdb_sjson')
		  AND NOT EXISTS (SELECT 1 FROM sqlite_master i WHERE i.type = 'index' AND i.name = t.name || '_baton_id_expr')`)
	if err != nil {
		return err
	}
	var tables []string
	for rows.Next() {
		var name string
		if err = rows.Scan(&name); err != nil {
			_ = rows.Close()
			return err
		}
		tables = append(tables, name)
	}
	_ = rows.Close()
	for _, t := range tables {
		q := fmt.Sprintf(`CREATE INDEX IF NOT EXISTS %s ON %s (_ferretdb_sjson->'$._id')`, quote(t+"_baton_id_expr"), quote(t))
		if _, err = db.ExecContext(ctx, q); err != nil {
			return fmt.Errorf("%s: %w", t, err)
		}
	}
	return nil
}

func quote(name string) string {
	return `"` + strings.ReplaceAll(name, `"`, `""`) + `"`
}
