package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/aldyn-kg/aldyn"
	"github.com/aldyn-kg/aldyn/internal/store"
)

const open311Usage = `Usage:
  aldyn open311 key create NAME [flags]
  aldyn open311 key list [flags]
  aldyn open311 key revoke ID [flags]

Keys let third-party Open311 GeoReport v2 clients post requests to
/open311/v2/requests.json (or .xml) as api_key. create prints the new key
once, on stdout; only its hash is kept. revoke stops a key at once. Each key
may post 600 requests an hour.`

func runOpen311(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	var cfg config
	fs := newFlags("open311", open311Usage, stderr, &cfg)
	fs.Usage = func() {
		fmt.Fprintln(stderr, open311Usage+"\n\nFlags:")
		fs.PrintDefaults()
	}
	if err := parse(fs, args); err != nil {
		return err
	}
	pos := fs.Args()
	if len(pos) < 2 || pos[0] != "key" {
		fs.Usage()
		return errors.New("missing subcommand: open311 key create|list|revoke")
	}
	db, err := store.Open(ctx, cfg.dsn())
	if err != nil {
		return err
	}
	defer db.Close()
	db.Log = cfg.logger(io.Discard)
	switch pos[1] {
	case "create":
		if len(pos) < 3 {
			return errors.New("open311 key create needs a NAME")
		}
		k, key, err := db.CreateOpen311Key(ctx, aldyn.System, strings.Join(pos[2:], " "))
		if err != nil {
			return describe(err)
		}
		fmt.Fprintln(stdout, key)
		fmt.Fprintf(stderr, "key %d %q created; it is shown only now\n", k.ID, k.Name)
	case "list":
		ks, err := db.FindOpen311Keys(ctx)
		if err != nil {
			return err
		}
		tw := tabwriter.NewWriter(stdout, 2, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "ID\tNAME\tCREATED\tLAST USED\tREVOKED")
		at := func(t *time.Time) string {
			if t == nil {
				return "-"
			}
			return t.UTC().Format(time.RFC3339)
		}
		for _, k := range ks {
			fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%s\n", k.ID, k.Name, k.CreatedAt.UTC().Format(time.RFC3339), at(k.LastUsedAt), at(k.RevokedAt))
		}
		return tw.Flush()
	case "revoke":
		if len(pos) < 3 {
			return errors.New("open311 key revoke needs an ID")
		}
		id, err := strconv.ParseInt(pos[2], 10, 64)
		if err != nil {
			return fmt.Errorf("%q is not a key id", pos[2])
		}
		if err := db.RevokeOpen311Key(ctx, aldyn.System, id); err != nil {
			return describe(err)
		}
		fmt.Fprintf(stdout, "key %d revoked\n", id)
	default:
		return fmt.Errorf("unknown subcommand %q: open311 key create|list|revoke", pos[1])
	}
	return nil
}
