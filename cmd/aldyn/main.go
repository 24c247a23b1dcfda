// Command aldyn runs the Aldyn offense-prevention platform: the web server
// and the operator's tools (migrations, demo data, users, backups). main
// only parses flags and wires packages together.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"path/filepath"
	"sort"
	"strings"
	"syscall"

	"github.com/aldyn-kg/aldyn/internal/store"
)

// version is set at build time with -ldflags "-X main.version=…".
var version = "dev"

type command struct {
	name, summary string
	run           func(ctx context.Context, args []string, stdout, stderr io.Writer) error
}

var commands = []command{
	{"serve", "run the web UI and JSON API", runServe},
	{"migrate", "apply database migrations and exit", runMigrate},
	{"init", "first start without the demo: the national body and its administrator", runInit},
	{"demo", "load the demo dataset into a database", runDemo},
	{"import", "import offense records: import offenses FILE", runImport},
	{"user", "manage users: create, disable, enable, reset-password, list, token, tokens", runUser},
	{"open311", "manage Open311 api_keys: open311 key create NAME, list, revoke ID", runOpen311},
	{"backup", "copy the embedded database to a file (backup) or back (backup restore)", runBackup},
	{"version", "print the version", runVersion},
}

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	os.Exit(run(ctx, os.Args[1:], os.Stdout, os.Stderr))
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		usage(stderr)
		if len(args) == 0 {
			return 2
		}
		return 0
	}
	for _, c := range commands {
		if c.name == args[0] {
			err := c.run(ctx, args[1:], stdout, stderr)
			if errors.Is(err, flag.ErrHelp) {
				return 0
			}
			if err != nil {
				fmt.Fprintf(stderr, "aldyn %s: %v\n", c.name, err)
				return 1
			}
			return 0
		}
	}
	fmt.Fprintf(stderr, "aldyn: unknown command %q\n\n", args[0])
	usage(stderr)
	return 2
}

func usage(w io.Writer) {
	fmt.Fprintln(w, "Usage: aldyn <command> [flags]\n\nCommands:")
	for _, c := range commands {
		fmt.Fprintf(w, "  %-8s %s\n", c.name, c.summary)
	}
	fmt.Fprintln(w, "\nRun 'aldyn <command> --help' for the flags of a command. Every flag can also be set")
	fmt.Fprintln(w, "with an ALDYN_* environment variable: --data is ALDYN_DATA, --tile-url is ALDYN_TILE_URL.")
}

// config holds the flags shared by the commands that open the database.
type config struct {
	data     string
	db       string
	logLevel string
}

// newFlags returns a flag set for a command with the common flags; every
// flag's default comes from its ALDYN_* environment variable.
func newFlags(name, summary string, stderr io.Writer, cfg *config) *flag.FlagSet {
	fs := flag.NewFlagSet("aldyn "+name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprintf(stderr, "Usage: aldyn %s [flags]\n\n%s\n\nFlags:\n", name, summary)
		fs.PrintDefaults()
	}
	fs.StringVar(&cfg.data, "data", "./data", "data directory (embedded database, uploads)")
	fs.StringVar(&cfg.db, "db", "", "database: a postgres:// URL, or empty for the embedded SQLite file in --data")
	fs.StringVar(&cfg.logLevel, "log-level", "info", "log level: debug, info, warn, error")
	return fs
}

// parse parses the arguments, flags before or after the positional ones
// ("import offenses FILE --data DIR" as well as "--data DIR FILE"; after
// "--" everything is positional), leaves the positional arguments in
// fs.Args(), and applies ALDYN_* variables to flags not given.
func parse(fs *flag.FlagSet, args []string) error {
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			return err
		}
		rest := fs.Args()
		if len(rest) == 0 {
			break
		}
		if consumed := len(args) - len(rest); consumed > 0 && args[consumed-1] == "--" {
			pos = append(pos, rest...)
			break
		}
		pos, args = append(pos, rest[0]), rest[1:]
	}
	// Parse stops at "--" and leaves what follows in fs.Args().
	if err := fs.Parse(append([]string{"--"}, pos...)); err != nil {
		return err
	}
	set := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
	var errs []error
	fs.VisitAll(func(f *flag.Flag) {
		if set[f.Name] {
			return
		}
		env := "ALDYN_" + strings.ToUpper(strings.ReplaceAll(f.Name, "-", "_"))
		if v, ok := os.LookupEnv(env); ok {
			if err := fs.Set(f.Name, v); err != nil {
				errs = append(errs, fmt.Errorf("%s: %w", env, err))
			}
		}
	})
	return errors.Join(errs...)
}

// dsn is the database to open: --db, or the SQLite file in --data.
func (c *config) dsn() string {
	if c.db != "" {
		return c.db
	}
	return filepath.Join(c.data, "aldyn.db")
}

// evidenceDir is where the server keeps evidence files, which backups
// carry along with the database.
// openDB opens the configured database, migrated, logging to stderr, with
// the reference data (territories, populations, classification) seeded.
func (c *config) openDB(ctx context.Context, stderr io.Writer) (*store.DB, error) {
	db, err := store.Open(ctx, c.dsn())
	if err != nil {
		return nil, err
	}
	db.Log = c.logger(stderr)
	if err := db.SeedReference(ctx); err != nil {
		db.Close()
		return nil, err
	}
	return db, nil
}

func (c *config) evidenceDir() string { return filepath.Join(c.data, "evidence") }

func (c *config) logger(w io.Writer) *slog.Logger {
	var lvl slog.Level
	if err := lvl.UnmarshalText([]byte(c.logLevel)); err != nil {
		lvl = slog.LevelInfo
	}
	return slog.New(slog.NewJSONHandler(w, &slog.HandlerOptions{Level: lvl}))
}

// logConfig logs the effective configuration, secrets redacted.
func logConfig(log *slog.Logger, fs *flag.FlagSet, secret func(name, value string) string) {
	var attrs []any
	var names []string
	fs.VisitAll(func(f *flag.Flag) { names = append(names, f.Name) })
	sort.Strings(names)
	for _, n := range names {
		attrs = append(attrs, n, secret(n, fs.Lookup(n).Value.String()))
	}
	log.Info("configuration", attrs...)
}

func runVersion(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("aldyn version", flag.ContinueOnError)
	fs.SetOutput(stderr)
	if err := fs.Parse(args); err != nil {
		return err
	}
	fmt.Fprintln(stdout, "aldyn", version)
	return nil
}
