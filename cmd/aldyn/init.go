package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"maps"
	"slices"

	"github.com/aldyn-kg/aldyn"
	"github.com/aldyn-kg/aldyn/internal/auth"
	"github.com/aldyn-kg/aldyn/internal/i18n"
)

const initUsage = `Usage: aldyn init --admin LOGIN [--name NAME] [--data DIR | --db URL]

Starts a production instance without the demo: migrates the database, loads
the reference data, and creates the national body (the Coordination Council
under the Cabinet of Ministers) and its first administrator, whose one-time
password it prints. It refuses a database that already has bodies or users.`

// nationalBody is the body of the first administrator, at the country level.
var nationalBody = aldyn.Body{
	TerritoryCode: "41700000000000",
	Type:          "coordination_council",
	NameKy:        "Кыргыз Республикасынын Министрлер Кабинетине караштуу укук бузуулардын алдын алуу боюнча координациялык кеңеш",
	NameRu:        "Координационный совет по профилактике правонарушений при Кабинете Министров Кыргызской Республики",
	NameEn:        "Coordination Council for Offense Prevention under the Cabinet of Ministers of the Kyrgyz Republic",
}

func runInit(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	var cfg config
	fs := newFlags("init", initUsage, stderr, &cfg)
	fs.Usage = func() {
		fmt.Fprintln(stderr, initUsage+"\n\nFlags:")
		fs.PrintDefaults()
	}
	login := fs.String("admin", "", "login of the first administrator (required)")
	name := fs.String("name", "", "full name of the first administrator (default: the login)")
	lang := fs.String("lang", "en", "language of messages: ky, ru or en")
	if err := parse(fs, args); err != nil {
		return err
	}
	if *login == "" || fs.NArg() > 0 {
		fs.Usage()
		return errors.New("--admin LOGIN is needed, and nothing else")
	}
	if *name == "" {
		*name = *login
	}
	db, err := cfg.openDB(ctx, stderr)
	if err != nil {
		return err
	}
	defer db.Close()
	pw := auth.RandomPassword()
	hash, err := auth.HashPassword(pw)
	if err != nil {
		return err
	}
	body := nationalBody
	admin := &aldyn.User{Login: *login, Name: *name, Role: aldyn.RoleAdministrator, PasswordHash: hash, MustChangePassword: true}
	if err := db.Initialize(ctx, &body, admin); err != nil {
		return localized(err, i18n.For(*lang))
	}
	fmt.Fprintf(stdout, "created the national body %q (id %d) and its administrator %s; one-time password %s\n", body.NameEn, body.ID, admin.Login, pw)
	return nil
}

// localized spells out an error in the operator's language, with the
// fields of a validation error.
func localized(err error, tr *i18n.Localizer) error {
	var e *aldyn.Error
	if !errors.As(err, &e) || e.Code == aldyn.EINTERNAL {
		return err
	}
	msg := tr.T(e.Message, e.Args)
	for _, f := range slices.Sorted(maps.Keys(e.Fields)) {
		msg += fmt.Sprintf("; %s: %s", f, tr.T(e.Fields[f]))
	}
	return errors.New(msg)
}
