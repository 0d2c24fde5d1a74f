// Command ferretdb-launcher runs an embedded FerretDB 1.24.2 (SQLite backend)
// on a loopback address for Baton's local stack and tests.
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net/url"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"
	"time"

	"github.com/FerretDB/FerretDB/ferretdb"
)

func main() {
	listen := flag.String("listen", "127.0.0.1:27017", "TCP address to listen on (loopback only; port 0 = pick a free one)")
	data := flag.String("data", "", "data directory for the SQLite files (created if absent; required)")
	logLevel := flag.String("log-level", "warn", "log level: debug, info, warn, error")
	sqliteQuery := flag.String("sqlite-query", "_txlock=immediate&_pragma=synchronous(normal)",
		"query string for the SQLite URI; the default makes writers queue on busy_timeout instead of failing with SQLITE_BUSY, "+
			"and commits skip fsync in WAL mode (durable when a process crashes, not on power loss: fine for a dev/CI stand-in)")
	idIndexes := flag.Duration("id-index-interval", 200*time.Millisecond,
		"how often to add the _id expression index that FerretDB's SQLite lookups need (0 = never; see id_index.go)")
	stdinWatch := flag.Bool("exit-on-stdin-close", false, "shut down when stdin reaches EOF (the parent died)")
	pgURL := flag.String("postgresql-url", "",
		"store in this PostgreSQL database instead of SQLite files (FerretDB's postgresql handler; -data is then only a scratch dir)")
	flag.Parse()

	if *data == "" {
		fail("-data is required")
	}
	dir, err := filepath.Abs(*data)
	if err != nil {
		fail("bad -data: %v", err)
	}
	if err = os.MkdirAll(dir, 0o755); err != nil {
		fail("create data dir: %v", err)
	}
	var level slog.Level
	if err = level.UnmarshalText([]byte(*logLevel)); err != nil {
		fail("bad -log-level: %v", err)
	}
	logger := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: level}))

	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	defer stop()
	if *stdinWatch {
		go func() { _, _ = io.Copy(io.Discard, os.Stdin); stop() }()
	}

	// New already binds the listener, so connections made after "ready" queue until Run accepts them.
	cfg := &ferretdb.Config{
		Listener:  ferretdb.ListenerConfig{TCP: *listen},
		Logger:    logger,
		Handler:   "sqlite",
		SQLiteURL: sqliteURL(dir, *sqliteQuery),
	}
	if *pgURL != "" {
		// PostgreSQL has its own _id indexes and many concurrent writers (SQLite has one).
		cfg.Handler, cfg.SQLiteURL, cfg.PostgreSQLURL = "postgresql", "", *pgURL
		*idIndexes = 0
	}
	f, err := ferretdb.New(cfg)
	if err != nil {
		fail("%v", err)
	}
	u, err := url.Parse(f.MongoDBURI())
	if err != nil {
		fail("%v", err)
	}
	if *idIndexes > 0 {
		go maintainIDIndexes(ctx, dir, *idIndexes, logger)
	}
	fmt.Printf("ready %s\n", u.Host) // the line startFerret and scripts wait for
	if err = f.Run(ctx); err != nil {
		fail("%v", err)
	}
	fmt.Println("stopped")
}

func sqliteURL(dir, query string) string {
	u := "file:" + dir + "/"
	if query != "" {
		u += "?" + query
	}
	return u
}

func fail(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "ferretdb-launcher: "+format+"\n", args...)
	os.Exit(1)
}
