package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"text/tabwriter"

	"github.com/aldyn-kg/aldyn"
	"github.com/aldyn-kg/aldyn/internal/auth"
	"github.com/aldyn-kg/aldyn/internal/i18n"
	"github.com/aldyn-kg/aldyn/internal/store"
)

const userUsage = `Usage:
  aldyn user list [flags]
  aldyn user create --login LOGIN --name NAME --role ROLE --body BODY_ID [flags]
  aldyn user disable LOGIN [flags]
  aldyn user enable LOGIN [flags]
  aldyn user reset-password LOGIN [flags]
  aldyn user token LOGIN [--token-name NAME] [--renew] [flags]
  aldyn user tokens LOGIN [flags]

Roles: reporter, coordinator, analyst, administrator.
create and reset-password print a one-time password, which the user must
replace at the first sign-in; reset-password and disable also end the
user's sessions and revoke the user's API tokens. token prints a new API
token on stdout (its expiry on stderr), sent as "Authorization: Bearer
<token>"; tokens are valid for 90 days, and token --renew makes the user's
tokens named NAME valid for 90 days from now without changing them. tokens
lists a user's tokens with their expiry.`

func runUser(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	var cfg config
	var login, name, role, tokenName string
	var bodyID int64
	var renew bool
	fs := newFlags("user", userUsage, stderr, &cfg)
	fs.Usage = func() {
		fmt.Fprintln(stderr, userUsage+"\n\nFlags:")
		fs.PrintDefaults()
	}
	fs.StringVar(&login, "login", "", "login of the new user (create)")
	fs.StringVar(&name, "name", "", "full name of the new user (create)")
	fs.StringVar(&role, "role", "", "role of the new user (create)")
	fs.Int64Var(&bodyID, "body", 0, "id of the new user's body (create)")
	fs.StringVar(&tokenName, "token-name", "cli", "name of the new API token, or of the tokens to renew (token)")
	fs.BoolVar(&renew, "renew", false, "renew the user's tokens named --token-name instead of issuing one (token)")
	if err := parse(fs, args); err != nil {
		return err
	}
	pos := fs.Args()
	if len(pos) == 0 {
		fs.Usage()
		return errors.New("missing subcommand")
	}
	db, err := store.Open(ctx, cfg.dsn())
	if err != nil {
		return err
	}
	defer db.Close()
	db.Log = cfg.logger(io.Discard)
	if err := db.SeedReference(ctx); err != nil {
		return err
	}
	svc := auth.NewService(db, auth.Options{})
	target := func() (*aldyn.User, error) {
		if len(pos) < 2 {
			return nil, fmt.Errorf("%s needs a LOGIN", pos[0])
		}
		u, err := db.FindUserByLogin(ctx, pos[1])
		if err != nil {
			return nil, fmt.Errorf("%s: %w", pos[1], describe(err))
		}
		return u, nil
	}
	switch pos[0] {
	case "list":
		us, _, err := db.FindUsers(ctx, aldyn.UserFilter{Page: aldyn.Page{Limit: aldyn.MaxLimit}})
		if err != nil {
			return err
		}
		tw := tabwriter.NewWriter(stdout, 2, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "LOGIN\tNAME\tROLE\tBODY\tTERRITORY\tDISABLED")
		for _, u := range us {
			fmt.Fprintf(tw, "%s\t%s\t%s\t%d\t%s\t%v\n", u.Login, u.Name, u.Role, u.BodyID, u.TerritoryCode, u.Disabled)
		}
		return tw.Flush()
	case "create":
		pw := auth.RandomPassword()
		u := &aldyn.User{Login: login, Name: name, Role: role, BodyID: bodyID, MustChangePassword: true}
		if err := svc.CreateUser(ctx, aldyn.System, u, pw); err != nil {
			return describe(err)
		}
		fmt.Fprintf(stdout, "created %s; one-time password %s\n", u.Login, pw)
	case "disable", "enable":
		u, err := target()
		if err != nil {
			return err
		}
		disabled := pos[0] == "disable"
		if _, err := db.UpdateUser(ctx, aldyn.System, u.ID, store.UserUpdate{Disabled: &disabled}); err != nil {
			return describe(err)
		}
		fmt.Fprintf(stdout, "%sd %s\n", pos[0], u.Login)
		if disabled {
			fmt.Fprintln(stdout, "sessions ended, API tokens revoked")
		}
	case "reset-password":
		u, err := target()
		if err != nil {
			return err
		}
		pw, err := svc.ResetPassword(ctx, aldyn.System, u.ID)
		if err != nil {
			return describe(err)
		}
		fmt.Fprintf(stdout, "one-time password for %s: %s\nsessions ended, API tokens revoked\n", u.Login, pw)
	case "token":
		u, err := target()
		if err != nil {
			return err
		}
		if renew {
			return renewTokens(ctx, db, svc, u, tokenName, stdout)
		}
		tok, err := svc.IssueAPIToken(ctx, aldyn.System, u.ID, tokenName)
		if err != nil {
			return describe(err)
		}
		toks, err := db.FindAPITokens(ctx, u.ID)
		if err != nil {
			return err
		}
		// stdout has the token alone, for scripts; the expiry goes to stderr.
		fmt.Fprintln(stdout, tok)
		fmt.Fprintf(stderr, "token %q of %s valid until %s; renew with: aldyn user token %s --renew --token-name %q\n",
			tokenName, u.Login, toks[len(toks)-1].ExpiresAt.Format(timeLayout), u.Login, tokenName)
	case "tokens":
		u, err := target()
		if err != nil {
			return err
		}
		toks, err := db.FindAPITokens(ctx, u.ID)
		if err != nil {
			return err
		}
		now := db.Now()
		tw := tabwriter.NewWriter(stdout, 2, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "ID\tNAME\tCREATED\tVALID UNTIL\tSTATUS")
		for _, t := range toks {
			status := "active"
			switch {
			case t.RevokedAt != nil:
				status = "revoked"
			case t.Expired(now):
				status = "expired"
			}
			fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%s\n", t.ID, t.Name, t.CreatedAt.Format(timeLayout), t.ExpiresAt.Format(timeLayout), status)
		}
		return tw.Flush()
	default:
		fs.Usage()
		return fmt.Errorf("unknown subcommand %q", pos[0])
	}
	return nil
}

// timeLayout is how the CLI shows token times, in UTC.
const timeLayout = "2006-01-02 15:04 UTC"

// renewTokens renews u's unrevoked tokens named name, expired or not.
func renewTokens(ctx context.Context, db *store.DB, svc *auth.Service, u *aldyn.User, name string, stdout io.Writer) error {
	toks, err := db.FindAPITokens(ctx, u.ID)
	if err != nil {
		return err
	}
	n := 0
	for _, t := range toks {
		if t.Name != name || t.RevokedAt != nil {
			continue
		}
		t, err := svc.RenewAPIToken(ctx, aldyn.System, t.ID)
		if err != nil {
			return describe(err)
		}
		fmt.Fprintf(stdout, "renewed token %q (id %d) of %s: valid until %s\n", t.Name, t.ID, u.Login, t.ExpiresAt.UTC().Format(timeLayout))
		n++
	}
	if n == 0 {
		return fmt.Errorf("%s has no unrevoked token named %q (see aldyn user tokens %s)", u.Login, name, u.Login)
	}
	return nil
}

// describe spells out an error for the terminal, in English, with the
// fields a validation error lists.
func describe(err error) error {
	var e *aldyn.Error
	if !errors.As(err, &e) {
		return err
	}
	loc := i18n.For("en")
	msg := loc.T(e.Message, e.Args)
	if len(e.Fields) == 0 {
		return errors.New(msg)
	}
	fields := make([]string, 0, len(e.Fields))
	for f, k := range e.Fields {
		fields = append(fields, f+": "+loc.T(k))
	}
	slices.Sort(fields)
	return fmt.Errorf("%s: %s", msg, strings.Join(fields, "; "))
}
