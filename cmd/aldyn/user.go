package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"text/tabwriter"

	"github.com/aldyn-kg/aldyn"
	"github.com/aldyn-kg/aldyn/internal/auth"
	"github.com/aldyn-kg/aldyn/internal/store"
)

const userUsage = `Usage:
  aldyn user list [flags]
  aldyn user create --login LOGIN --name NAME --role ROLE --body BODY_ID [flags]
  aldyn user disable LOGIN [flags]
  aldyn user enable LOGIN [flags]
  aldyn user reset-password LOGIN [flags]
  aldyn user token LOGIN [--token-name NAME] [flags]

Roles: reporter, coordinator, analyst, administrator.
create and reset-password print a one-time password; token prints a new API
token, sent as "Authorization: Bearer <token>".`

func runUser(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	var cfg config
	var login, name, role, tokenName string
	var bodyID int64
	fs := newFlags("user", userUsage, stderr, &cfg)
	fs.Usage = func() {
		fmt.Fprintln(stderr, userUsage+"\n\nFlags:")
		fs.PrintDefaults()
	}
	fs.StringVar(&login, "login", "", "login of the new user (create)")
	fs.StringVar(&name, "name", "", "full name of the new user (create)")
	fs.StringVar(&role, "role", "", "role of the new user (create)")
	fs.Int64Var(&bodyID, "body", 0, "id of the new user's body (create)")
	fs.StringVar(&tokenName, "token-name", "cli", "name of the new API token (token)")
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
		return db.FindUserByLogin(ctx, pos[1])
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
	case "reset-password":
		u, err := target()
		if err != nil {
			return err
		}
		pw, err := svc.ResetPassword(ctx, aldyn.System, u.ID)
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "one-time password for %s: %s\n", u.Login, pw)
	case "token":
		u, err := target()
		if err != nil {
			return err
		}
		tok, err := svc.IssueAPIToken(ctx, aldyn.System, u.ID, tokenName)
		if err != nil {
			return err
		}
		fmt.Fprintln(stdout, tok)
	default:
		fs.Usage()
		return fmt.Errorf("unknown subcommand %q", pos[0])
	}
	return nil
}

// describe spells out validation errors for the terminal.
func describe(err error) error {
	var e *aldyn.Error
	if errors.As(err, &e) && len(e.Fields) > 0 {
		return fmt.Errorf("%s: %v", e.Message, e.Fields)
	}
	return err
}
