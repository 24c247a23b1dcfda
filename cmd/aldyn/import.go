package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"github.com/aldyn-kg/aldyn"
	"github.com/aldyn-kg/aldyn/internal/i18n"
	"github.com/aldyn-kg/aldyn/internal/importer"
	"github.com/aldyn-kg/aldyn/internal/offenses"
)

func runImport(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) > 0 && args[0] == "profile" {
		return runImportProfile(ctx, args[1:], stdout, stderr)
	}
	if len(args) == 0 || args[0] != "offenses" {
		fmt.Fprintln(stderr, "Usage: aldyn import offenses [flags] FILE\n       aldyn import profile save NAME FILE.json [flags]")
		if len(args) > 0 && (args[0] == "-h" || args[0] == "--help") {
			return flag.ErrHelp
		}
		return errors.New("what to import: offenses")
	}
	var cfg config
	fs := newFlags("import offenses", "Imports offense records (CSV, JSON Lines or XLSX) exported from the crimes or offenses register.\n"+
		"All or nothing unless --skip-bad; every rejected row is listed with its row, column and reason.\n"+
		"Usage: aldyn import offenses [flags] FILE", stderr, &cfg)
	profile := fs.String("profile", "", "saved column profile (default: the canonical headers)")
	format := fs.String("format", "", "csv, jsonl or xlsx (default: from the file name)")
	skipBad := fs.Bool("skip-bad", false, "load the good rows of a file with bad ones")
	errorsOut := fs.String("errors", "", "write the rejected rows to this CSV file")
	lang := fs.String("lang", "en", "language of messages: ky, ru or en")
	if err := parse(fs, args[1:]); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		fs.Usage()
		return errors.New("one FILE is needed")
	}
	name := fs.Arg(0)
	f, err := os.Open(name)
	if err != nil {
		return err
	}
	defer f.Close()
	size := int64(-1)
	if st, err := f.Stat(); err == nil {
		size = st.Size()
	}
	db, err := cfg.openDB(ctx, stderr)
	if err != nil {
		return err
	}
	defer db.Close()
	tr := i18n.For(*lang)
	bar := newProgressBar(stderr, size)
	rep, err := offenses.Import(ctx, db, aldyn.System, f, offenses.Input{
		FileName: filepath.Base(name), Format: importer.Format(*format), Profile: *profile, SkipBad: *skipBad,
		Progress: bar.update,
	})
	bar.finish()
	if len(rep.Errors) > 0 {
		limit := min(len(rep.Errors), 20)
		for _, e := range rep.Errors[:limit] {
			fmt.Fprintf(stderr, "%s %d, %s %q: %s\n", tr.T("import.row"), e.Row, tr.T("import.column"), e.Column, tr.T(e.Reason, e.MessageArgs(tr.Lang())))
		}
		if n := int64(len(rep.Errors)-limit) + rep.ErrorsOmitted; n > 0 {
			fmt.Fprintf(stderr, "… %d more\n", n)
		}
		if *errorsOut != "" {
			if werr := writeRowErrors(*errorsOut, rep.Errors, tr); werr != nil {
				return errors.Join(err, werr)
			}
			fmt.Fprintf(stderr, "rejected rows written to %s\n", *errorsOut)
		}
	}
	if err != nil {
		var ae *aldyn.Error
		if errors.As(err, &ae) {
			return errors.New(tr.T(ae.Message, ae.Args))
		}
		return err
	}
	fmt.Fprintf(stdout, "import %d: %d rows read, %d new, %d already stored, %d duplicates in the file, %d rejected; sha256 %s\n",
		rep.ImportID, rep.Rows, rep.Inserted, rep.Existing, rep.Duplicates, rep.Rejected, rep.SHA256)
	return nil
}

func writeRowErrors(path string, errs []importer.RowError, tr *i18n.Localizer) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	if err := importer.WriteRowErrorsCSV(f, errs, tr.Lang(), func(key string, args map[string]any) string { return tr.T(key, args) }); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// progressBar shows how far an import has read its file: on a terminal, a
// bar redrawn in place; otherwise (a log file, a pipe, a service's
// journal, where carriage returns pile up into one endless line) a plain
// line every logEvery.
type progressBar struct {
	w        io.Writer
	size     int64
	terminal bool
	every    time.Duration
	now      func() time.Time
	last     time.Time
	start    time.Time
	rows     int64
}

// Redraw intervals of the two forms.
const (
	drawEvery = 200 * time.Millisecond
	logEvery  = 10 * time.Second
)

func newProgressBar(w io.Writer, size int64) *progressBar {
	p := &progressBar{w: w, size: size, terminal: isTerminal(w), every: logEvery, now: time.Now}
	if p.terminal {
		p.every = drawEvery
	}
	p.start = p.now()
	p.last = p.start
	return p
}

// isTerminal reports whether w is a character device (a terminal), the
// check that needs no dependency.
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}

func (p *progressBar) update(rows, bytes int64) {
	p.rows = rows
	now := p.now()
	if now.Sub(p.last) < p.every {
		return
	}
	p.last = now
	if !p.terminal {
		if p.size > 0 {
			fmt.Fprintf(p.w, "import: %d%% of %d bytes read, %d rows, %s\n", bytes*100/p.size, p.size, rows, now.Sub(p.start).Round(time.Second))
		} else {
			fmt.Fprintf(p.w, "import: %d rows, %s\n", rows, now.Sub(p.start).Round(time.Second))
		}
		return
	}
	const width = 30
	if p.size > 0 {
		done := min(int(bytes*width/p.size), width)
		bar := make([]byte, width)
		for i := range bar {
			bar[i] = '.'
			if i < done {
				bar[i] = '#'
			}
		}
		fmt.Fprintf(p.w, "\r[%s] %3d%% %d rows", bar, bytes*100/p.size, rows)
		return
	}
	fmt.Fprintf(p.w, "\r%d rows", rows)
}

func (p *progressBar) finish() {
	msg := fmt.Sprintf("%d rows in %s", p.rows, p.now().Sub(p.start).Round(time.Millisecond))
	if p.terminal {
		fmt.Fprintf(p.w, "\r%-60s\n", msg)
		return
	}
	fmt.Fprintf(p.w, "import: %s\n", msg)
}

// runImportProfile saves a column profile written as JSON (the fields of
// importer.Profile; its name is NAME), as the imports page does.
func runImportProfile(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	var cfg config
	fs := newFlags("import profile save", "Saves a column profile for imports from a JSON file (see the README for its fields).\n"+
		"Usage: aldyn import profile save NAME FILE.json [flags]", stderr, &cfg)
	lang := fs.String("lang", "en", "language of messages: ky, ru or en")
	if err := parse(fs, args); err != nil {
		return err
	}
	if fs.NArg() != 3 || fs.Arg(0) != "save" {
		fs.Usage()
		return errors.New("save NAME FILE.json is needed")
	}
	b, err := os.ReadFile(fs.Arg(2))
	if err != nil {
		return err
	}
	var p importer.Profile
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&p); err != nil {
		return fmt.Errorf("%s: %w", fs.Arg(2), err)
	}
	p.Name = fs.Arg(1)
	db, err := cfg.openDB(ctx, stderr)
	if err != nil {
		return err
	}
	defer db.Close()
	if err := offenses.SaveProfile(ctx, db, aldyn.System, p); err != nil {
		return localized(err, i18n.For(*lang))
	}
	fmt.Fprintf(stdout, "profile %s saved\n", p.Name)
	return nil
}
