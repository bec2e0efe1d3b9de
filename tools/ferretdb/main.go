// Command cartograph-ferretdb runs an embedded FerretDB (MongoDB wire protocol
// on top of PostgreSQL) for local development and CI. See README.md.
package main

import (
	"context"
	"flag"
	"log/slog"
	"os"
	"os/signal"
	"syscall"

	"github.com/FerretDB/FerretDB/ferretdb"
)

// envOr returns the value of the environment variable key, or def when unset/empty.
func envOr(key, def string) string {
	if v := os.Getenv(key); v != "" {
		return v
	}
	return def
}

func main() {
	listenAddr := flag.String("listen-addr", envOr("FERRETDB_LISTEN_ADDR", "127.0.0.1:27017"),
		"TCP address to listen on (env FERRETDB_LISTEN_ADDR)")
	pgURL := flag.String("postgresql-url",
		envOr("FERRETDB_POSTGRESQL_URL", "postgres://ferretdb:ferretdb@127.0.0.1:5432/ferretdb"),
		"PostgreSQL backend URL (env FERRETDB_POSTGRESQL_URL)")
	flag.Parse()

	logger := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelInfo}))
	slog.SetDefault(logger)

	// Cancel the context on SIGTERM/SIGINT: Run then closes the listener,
	// client connections and the PostgreSQL pool before returning.
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM, syscall.SIGINT)
	defer stop()

	f, err := ferretdb.New(&ferretdb.Config{
		Listener:      ferretdb.ListenerConfig{TCP: *listenAddr},
		Logger:        logger,
		Handler:       "postgresql",
		PostgreSQLURL: *pgURL,
	})
	if err != nil {
		logger.Error("failed to create FerretDB", "error", err)
		os.Exit(1)
	}

	logger.Info("starting FerretDB", "listen", *listenAddr)

	done := make(chan struct{})
	go func() {
		defer close(done)
		if err := f.Run(ctx); err != nil {
			logger.Error("FerretDB stopped with error", "error", err)
		}
	}()

	select {
	case <-ctx.Done():
		logger.Info("signal received, shutting down")
		<-done
	case <-done:
		// Run returned on its own (e.g. listener failure).
		if ctx.Err() == nil {
			os.Exit(1)
		}
	}
	logger.Info("stopped")
}
