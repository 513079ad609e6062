// Command aethermart-ferretdb runs FerretDB (a MongoDB wire-protocol server) on a
// private SQLite data directory, for the project's tests and `make services`.
//
//	aethermart-ferretdb --listen 127.0.0.1:27017 --data-dir data/services/ferretdb/data
//
// It embeds github.com/FerretDB/FerretDB/ferretdb rather than building FerretDB's own
// cmd/ferretdb: that command panics at start when built from the module proxy, because
// its generated build/version/version.txt is not part of the module.
//
// Once the port is listening it prints one line to stdout:
//
//	ready mongodb://127.0.0.1:27017/
//
// It runs until SIGINT or SIGTERM, then closes the listener, gives open client
// connections up to 3 s to finish and closes the SQLite databases. Logs go to stderr.
package main

import (
	"context"
	"flag"
	"fmt"
	"log/slog"
	"net"
	"os"
	"os/signal"
	"path/filepath"
	"runtime/debug"
	"syscall"

	"github.com/FerretDB/FerretDB/build/version"
	"github.com/FerretDB/FerretDB/ferretdb"
)

const ferretModule = "github.com/FerretDB/FerretDB"

func main() {
	listen := flag.String("listen", "127.0.0.1:27017", "TCP `host:port` to listen on (port 0 picks a free one)")
	dataDir := flag.String("data-dir", "", "`directory` for the SQLite files (created if missing; required)")
	logLevel := flag.String("log-level", "warn", "log level: debug, info, warn or error")
	flag.Parse()

	if err := run(*listen, *dataDir, *logLevel); err != nil {
		fmt.Fprintf(os.Stderr, "aethermart-ferretdb: %s\n", err)
		os.Exit(1)
	}
}

func run(listen, dataDir, logLevel string) error {
	if flag.NArg() > 0 {
		return fmt.Errorf("unexpected arguments: %q", flag.Args())
	}
	if _, _, err := net.SplitHostPort(listen); err != nil {
		return fmt.Errorf("--listen %q: %w", listen, err)
	}
	if dataDir == "" {
		return fmt.Errorf("--data-dir is required")
	}
	var level slog.Level
	if err := level.UnmarshalText([]byte(logLevel)); err != nil {
		return fmt.Errorf("--log-level %q: %w", logLevel, err)
	}

	// The SQLite handler wants an existing directory as an absolute "file:" URI ending in "/".
	dir, err := filepath.Abs(dataDir)
	if err != nil {
		return err
	}
	if err = os.MkdirAll(dir, 0o755); err != nil {
		return err
	}

	// Embedded builds report ferretdbVersion "unknown" in buildInfo; fill in the module
	// version so clients (the exporter) can tell which FerretDB they talk to.
	if bi, ok := debug.ReadBuildInfo(); ok {
		for _, dep := range bi.Deps {
			if dep.Path == ferretModule {
				version.Get().Version = dep.Version
			}
		}
	}

	logger := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: level}))

	// New opens the SQLite backend and binds the TCP port; Run serves until ctx is done.
	f, err := ferretdb.New(&ferretdb.Config{
		Listener:  ferretdb.ListenerConfig{TCP: listen},
		Logger:    logger,
		Handler:   "sqlite",
		SQLiteURL: "file:" + filepath.ToSlash(dir) + "/",
	})
	if err != nil {
		return err
	}

	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	defer stop()

	done := make(chan error, 1)
	go func() { done <- f.Run(ctx) }()

	// MongoDBURI may only be called once Run has started (it waits for the listener).
	fmt.Printf("ready %s\n", f.MongoDBURI())

	err = <-done
	logger.Info("stopped")
	return err
}
