// Package offenses runs offense imports end to end: it keeps the
// installation's secret for pseudonymous record IDs and the saved column
// profiles, runs the importer over one store transaction, and commits only a
// file that is acceptable as a whole (or, when asked, its good rows). The
// command line and the upload page both import through Import.
package offenses

import (
	"cmp"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/aldyn-kg/aldyn"
	"github.com/aldyn-kg/aldyn/internal/importer"
	"github.com/aldyn-kg/aldyn/internal/store"
)

// Setting keys.
const (
	keySetting     = "offense.id_key"
	profilePrefix  = "offense.profile."
	defaultProfile = "default"
)

// Key returns the installation's secret for record IDs, making it on first
// use. It must never change: re-imports deduplicate by the IDs it keys.
func Key(ctx context.Context, db *store.DB) ([]byte, error) {
	v, err := db.EnsureSetting(ctx, keySetting, func() string {
		b := make([]byte, 32)
		rand.Read(b)
		return hex.EncodeToString(b)
	})
	if err != nil {
		return nil, fmt.Errorf("offense id key: %w", err)
	}
	return hex.DecodeString(v)
}

// Profiles returns the column profiles by name: the saved ones, and the
// built-in default (the canonical headers) and registers' layouts
// (importer.BuiltinProfiles) unless a saved one has their name.
func Profiles(ctx context.Context, db *store.DB) ([]importer.Profile, error) {
	m, err := db.SettingsWithPrefix(ctx, profilePrefix)
	if err != nil {
		return nil, err
	}
	out := []importer.Profile{}
	saved := map[string]bool{}
	for k, v := range m {
		var p importer.Profile
		if err := json.Unmarshal([]byte(v), &p); err != nil {
			return nil, fmt.Errorf("profile %s: %w", k, err)
		}
		p.Name = strings.TrimPrefix(k, profilePrefix)
		saved[p.Name] = true
		out = append(out, p)
	}
	for _, p := range append([]importer.Profile{importer.DefaultProfile()}, importer.BuiltinProfiles...) {
		if !saved[p.Name] {
			out = append(out, p)
		}
	}
	slices.SortFunc(out, func(a, b importer.Profile) int { return cmp.Compare(a.Name, b.Name) })
	return out, nil
}

// Profile returns one profile by name ("" is the default).
func Profile(ctx context.Context, db *store.DB, name string) (importer.Profile, error) {
	if name == "" {
		name = defaultProfile
	}
	ps, err := Profiles(ctx, db)
	if err != nil {
		return importer.Profile{}, err
	}
	for _, p := range ps {
		if p.Name == name {
			return p, nil
		}
	}
	return importer.Profile{}, aldyn.Errorf(aldyn.ENOTFOUND, "import.error.profile_unknown", "name", name)
}

// SaveProfile validates and stores a profile under its name (audited).
func SaveProfile(ctx context.Context, db *store.DB, actor *aldyn.Actor, p importer.Profile) error {
	p.Name = strings.TrimSpace(p.Name)
	if err := p.Validate(); err != nil {
		return err
	}
	b, err := json.Marshal(p)
	if err != nil {
		return err
	}
	return db.Update(ctx, actor, func(tx *store.Tx) error {
		return tx.SetSetting(ctx, profilePrefix+p.Name, string(b))
	})
}

// Input describes one import.
type Input struct {
	FileName string
	Format   importer.Format // from the file name when empty
	Profile  string          // saved profile name; "" is the default
	SkipBad  bool
	// Progress is called now and then with the rows and bytes read.
	Progress func(rows, bytes int64)
	Now      func() time.Time
}

// Report is what an import did.
type Report struct {
	ImportID int64  `json:"import_id"`
	FileName string `json:"file_name"`
	importer.Result
	// Suggested is a profile proposed from the file's headers when no
	// profile fits them (import.error.no_column), for the user to check
	// and save; SuggestedMissing are the required fields it lacks.
	Suggested        *importer.Profile `json:"suggested,omitempty"`
	SuggestedMissing []string          `json:"suggested_missing,omitempty"`
	Inserted         int64             `json:"inserted"` // new to the database
	Existing         int64             `json:"existing"` // stored by an earlier import: left as they were
	// Committed says whether anything was written; false when the file
	// was refused or rejected as a whole.
	Committed bool `json:"committed"`
}

// Import reads one file into the database: all or nothing unless
// in.SkipBad. The returned report is filled in even when the error is not
// nil, so callers can show the rejected rows (Report.Errors) and, for a
// personal-data refusal, the column (the error is an *importer.Refusal).
func Import(ctx context.Context, db *store.DB, actor *aldyn.Actor, src io.Reader, in Input) (*Report, error) {
	rep := &Report{FileName: in.FileName}
	format := in.Format
	if format == "" {
		f, ok := importer.FormatOf(in.FileName)
		if !ok {
			return rep, aldyn.Errorf(aldyn.EINVALID, "import.error.format", "format", in.FileName)
		}
		format = f
	}
	profile, err := Profile(ctx, db, in.Profile)
	if err != nil {
		return rep, err
	}
	var alternatives []importer.Profile
	if in.Profile == "" {
		// No profile chosen: any known layout that fits the file.
		if alternatives, err = Profiles(ctx, db); err != nil {
			return rep, err
		}
	}
	sgs, err := Classification(ctx, db)
	if err != nil {
		return rep, err
	}
	key, err := Key(ctx, db)
	if err != nil {
		return rep, err
	}
	terr, err := db.TerritoryNames(ctx)
	if err != nil {
		return rep, err
	}
	imp, err := db.BeginOffenseImport(ctx, actor, store.OffenseImportMeta{FileName: in.FileName, Format: string(format)})
	if err != nil {
		return rep, err
	}
	rep.ImportID = imp.ID
	s := newSink(ctx, imp, newArticleIndex(sgs))
	res, err := importer.Run(ctx, src, format, profile, importer.Options{
		Key: key, SkipBad: in.SkipBad, Progress: in.Progress, Now: in.Now, Subgroups: sgs, Alternatives: alternatives,
		BatchSize: batchRows,
	}, s, importer.NewCodeSet(terr))
	if serr := s.wait(); err == nil && serr != nil {
		err = fmt.Errorf("import: store batch: %w", serr)
	}
	rep.Result = res
	if aldyn.ErrorMessage(err) == "import.error.no_column" && len(res.Header) > 0 {
		p, missing := importer.Suggest(res.Header)
		rep.Suggested, rep.SuggestedMissing = &p, missing
	}
	if err != nil {
		return rep, errors.Join(err, imp.Fail(ctx, store.OffenseImportCounts{
			SHA256: res.SHA256, RowsRead: res.Rows, Accepted: res.Accepted, Rejected: res.Rejected, Duplicates: res.Duplicates,
		}, err))
	}
	err = imp.Commit(ctx, store.OffenseImportCounts{
		SHA256: res.SHA256, RowsRead: res.Rows, Accepted: res.Accepted, Rejected: res.Rejected, Duplicates: res.Duplicates,
	})
	if err != nil {
		return rep, err
	}
	rep.Inserted, rep.Existing = imp.Inserted()
	rep.Committed = true
	return rep, nil
}

// sink hands the importer's records to the store's import as domain
// records. It stores them in a goroutine of its own, so that the file is
// read and checked while the previous batches are written: Add converts a
// batch and queues it, at most storeAhead batches ahead of the store, which
// bounds the memory they take (a batch is batchRows records). An error of
// the store is returned by the next Add, and by wait.
type sink struct {
	imp      *store.OffenseImport
	articles articleIndex
	todo     chan []aldyn.Offense // to the storing goroutine
	free     chan []aldyn.Offense // batches stored, for reuse
	done     chan struct{}        // closed when the storing goroutine ends
	err      error                // why it ended early; read after done
}

// storeAhead is how many converted batches may wait for the store.
const storeAhead = 2

// batchRows are the records of a batch: the store writes each batch in
// long transactions (store.OffenseImport.Add), which write an index page
// changed by many of its records once. A batch takes some 0.5 KB a record
// in the importer's and the domain's form, so the batches the sink holds
// (storeAhead waiting, one being stored, one being converted, one being
// filled by the importer) take about 40 MB.
const batchRows = 16384

func newSink(ctx context.Context, imp *store.OffenseImport, articles articleIndex) *sink {
	s := &sink{imp: imp, articles: articles, todo: make(chan []aldyn.Offense, storeAhead),
		free: make(chan []aldyn.Offense, storeAhead+1), done: make(chan struct{})}
	for range storeAhead + 1 {
		s.free <- nil
	}
	go func() {
		defer close(s.done)
		for b := range s.todo {
			if err := s.imp.Add(ctx, b); err != nil {
				s.err = err
				return
			}
			clear(b)
			s.free <- b[:0]
		}
	}()
	return s
}

func (s *sink) Add(ctx context.Context, batch []importer.Offense) error {
	var b []aldyn.Offense
	select {
	case b = <-s.free:
	case <-s.done:
		return s.err
	}
	for i := range batch {
		b = append(b, record(&batch[i], s.articles))
	}
	select {
	case s.todo <- b:
		return nil
	case <-s.done:
		return s.err
	}
}

// wait lets the store finish the batches queued and returns its error, if
// any. Call it once, after the last Add.
func (s *sink) wait() error {
	close(s.todo)
	<-s.done
	return s.err
}

// record turns an imported record into the domain's: the subgroup of its
// article in the classification, the time of day as a minute, damage in
// whole som.
func record(o *importer.Offense, articles articleIndex) aldyn.Offense {
	r := aldyn.Offense{
		ID: o.ID, Source: o.Source, Category: o.Category, Article: o.Article,
		RegisteredOn: o.RegisteredOn, OccurredOn: o.OccurredAt.Date, OccurredMinute: aldyn.UnknownMinute,
		TerritoryCode: o.TerritoryCode, PrecinctCode: o.PrecinctCode, Lat: o.Lat, Lon: o.Lon,
		PlaceType: o.PlaceType, Solved: o.Solved,
	}
	if sg := articles[[2]string{o.Source, importer.NormalizeArticle(o.Article)}]; sg != nil {
		r.Subgroup = sg.Code
	}
	if o.OccurredAt.HasTime && !o.OccurredAt.Date.IsZero() {
		r.OccurredMinute = int(o.OccurredAt.TimeOfDay / time.Minute)
	}
	if o.DamageKGS != nil {
		d := int64(math.Round(*o.DamageKGS))
		r.DamageKGS = &d
	}
	return r
}

// RecoverInterrupted cleans up after a process killed mid-import: imports
// still logged as running are marked failed, and the uploads they were
// reading (offense-import-* in uploadDir) are deleted. Call it at start,
// before any import runs.
func RecoverInterrupted(ctx context.Context, db *store.DB, uploadDir string) (int64, error) {
	n, err := db.FailInterruptedImports(ctx)
	if err != nil {
		return 0, err
	}
	if uploadDir != "" {
		files, _ := filepath.Glob(filepath.Join(uploadDir, UploadPattern))
		for _, f := range files {
			if rerr := os.Remove(f); rerr != nil && !errors.Is(rerr, os.ErrNotExist) {
				err = errors.Join(err, rerr)
			}
		}
	}
	return n, err
}

// UploadPattern names the temporary files uploads are imported from.
const UploadPattern = "offense-import-*"
