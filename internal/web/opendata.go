package web

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/aldyn-kg/aldyn"
	"github.com/aldyn-kg/aldyn/internal/disclosure"
	"github.com/aldyn-kg/aldyn/internal/importer"
	"github.com/aldyn-kg/aldyn/internal/opendata"
)

// The open-data portal (/open): the catalogue of published datasets with
// search and filters, a page per dataset (preview, chart, downloads, data
// dictionary, licence, how to cite, versions), the disclosure policy, and
// the administrators' page that publishes datasets. The files and the
// machine APIs are in opendata_api.go and opendata_dcat.go.

// openDataState is the open-data part of the server.
type openDataState struct {
	cat   *opendata.Catalogue
	limit *rateLimiter

	pubMu  sync.Mutex
	pub    openPublisher
	pubFor *opendata.Snapshot

	// answers keeps the CKAN and catalogue answers of the current
	// snapshot, so that they are computed once per build, not per request.
	// gz holds each resource's gzipped body (keyed by *Resource; a
	// rebuild makes new resources, and old ones go with their snapshot).
	gz sync.Map

	ansMu   sync.Mutex
	ansFor  *opendata.Snapshot
	answers map[string]openAnswer
}

// openAnswer is a finished machine answer.
type openAnswer struct {
	body, gz    []byte
	etag, ctype string
	status      int
	modified    time.Time
}

// maxOpenAnswers bounds the answers kept per snapshot: searches with
// parameters nobody repeats must not fill memory.
const maxOpenAnswers = 2048

// cachedAnswer returns the answer stored under key for snap, or computes
// it (ok answers only are kept).
func (st *openDataState) cachedAnswer(snap *opendata.Snapshot, key string, compute func() (openAnswer, error)) (openAnswer, error) {
	st.ansMu.Lock()
	if st.ansFor != snap {
		if st.ansFor != nil {
			st.gz.Clear() // the old builds' files are no longer served
		}
		st.ansFor, st.answers = snap, map[string]openAnswer{}
	}
	a, ok := st.answers[key]
	st.ansMu.Unlock()
	if ok {
		return a, nil
	}
	a, err := compute()
	if err != nil || a.status != http.StatusOK {
		return a, err
	}
	st.ansMu.Lock()
	if st.ansFor == snap && len(st.answers) < maxOpenAnswers {
		st.answers[key] = a
	}
	st.ansMu.Unlock()
	return a, nil
}

// openPublisher is the body that publishes the datasets: the national
// Coordination Council.
type openPublisher struct {
	ID             int64
	Name           string // CKAN's organization name
	Title          string // English
	NameKy, NameRu string
	Description    string
	Created        time.Time
}

// initOpenData sets up the open-data catalogue and the rate limit of its
// machine-readable files and API.
func (s *Server) initOpenData() {
	s.open = &openDataState{cat: opendata.NewCatalogue(s.db, s.log), limit: newRateLimiter(openRate, openBurst)}
	if s.cfg.OpenDataRate != 0 {
		s.open.limit = newRateLimiter(s.cfg.OpenDataRate, max(s.cfg.OpenDataRate*4, 1))
	}
}

// openRebuildEvery is how often the running server compares the open
// datasets' sources, so that a dataset is rebuilt soon after an import or
// a plan decision even when nobody is asking for it.
const openRebuildEvery = 30 * time.Second

// keepOpenDataBuilt builds the catalogue at start and keeps it current
// until ctx ends.
func (s *Server) keepOpenDataBuilt(ctx context.Context) {
	t := time.NewTicker(openRebuildEvery)
	defer t.Stop()
	for {
		if _, err := s.open.cat.Current(ctx); err != nil && ctx.Err() == nil {
			s.log.Error("open data rebuild", "err", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

func shortHash(b []byte) string {
	h := sha256.Sum256(b)
	return hex.EncodeToString(h[:12])
}

func notFoundErr() error { return aldyn.Errorf(aldyn.ENOTFOUND, "error.not_found") }

// openPublisher returns the publisher, looked up once per snapshot.
func (s *Server) openPublisher(r *http.Request) openPublisher {
	snap, _ := s.open.cat.Current(r.Context())
	st := s.open
	st.pubMu.Lock()
	defer st.pubMu.Unlock()
	if st.pubFor == snap && st.pub.Name != "" {
		return st.pub
	}
	p := openPublisher{Name: "aldyn", Title: "Aldyn", NameKy: "Aldyn", NameRu: "Aldyn",
		Description: "The offense-prevention platform of the Kyrgyz Republic"}
	typ := "coordination_council"
	if bs, _, err := s.db.FindBodies(r.Context(), aldyn.BodyFilter{Type: &typ, Page: aldyn.Page{Limit: 10}}); err == nil {
		for _, b := range bs {
			if b.TerritoryCode == countryCode {
				p = openPublisher{ID: b.ID, Name: "coordination-council", Title: b.NameEn, NameKy: b.NameKy, NameRu: b.NameRu,
					Description: b.NameEn, Created: b.CreatedAt}
				break
			}
		}
	}
	st.pub, st.pubFor = p, snap
	return p
}

// openBuild returns the snapshot and the build of the route's dataset:
// published ones for everyone, any for national administrators (the
// preview of a release).
func (s *Server) openBuild(r *http.Request) (*opendata.Snapshot, *opendata.Build, error) {
	snap, err := s.open.cat.Current(r.Context())
	if err != nil {
		return nil, nil, err
	}
	b := snap.Builds[r.PathValue("slug")]
	if b == nil || b.Err != nil {
		return nil, nil, notFoundErr()
	}
	if !snap.Settings[b.Dataset.Slug].Published {
		s.resolveSession(r)
		if requireNationalAdmin(r) != nil {
			return nil, nil, notFoundErr()
		}
	}
	return snap, b, nil
}

// openCard is a dataset in the portal's list.
type openCard struct {
	Slug, Title, Description, Theme, Licence string
	Formats                                  []string
	BuiltAt                                  time.Time
	Version                                  int
	Published                                bool
}

// openListPage is what templates/open_list.html receives.
type openListPage struct {
	Cards    []openCard
	Q, Theme string
	Format   string
	Themes   []string
	Formats  []string
	Total    int
	K        int
	Admin    bool
}

var openFormats = []string{"CSV", "XLSX", "JSON", "GeoJSON"}

func (s *Server) openList(w http.ResponseWriter, r *http.Request) error {
	snap, err := s.open.cat.Current(r.Context())
	if err != nil {
		return err
	}
	lang := info(r).lang
	q := strings.ToLower(strings.TrimSpace(r.URL.Query().Get("q")))
	theme, format := r.URL.Query().Get("theme"), r.URL.Query().Get("format")
	if theme != "" && !slices.Contains(opendata.Themes, theme) {
		theme = ""
	}
	if format != "" && !slices.Contains(openFormats, format) {
		format = ""
	}
	d := &openListPage{Q: r.URL.Query().Get("q"), Theme: theme, Format: format, Themes: opendata.Themes, Formats: openFormats, K: snap.K,
		Admin: requireNationalAdmin(r) == nil}
	published := snap.Published()
	d.Total = len(published)
	for _, b := range published {
		ds := b.Dataset
		if theme != "" && ds.Theme != theme {
			continue
		}
		var formats []string
		for _, res := range b.Resources {
			if !slices.Contains(formats, res.Format) {
				formats = append(formats, res.Format)
			}
		}
		if format != "" && !slices.Contains(formats, format) {
			continue
		}
		if q != "" {
			hay := strings.ToLower(ds.Slug + " " + ds.Title.In(lang) + " " + ds.Description.In(lang) + " " + strings.Join(ds.Keywords, " "))
			match := true
			for _, w := range strings.Fields(q) {
				match = match && strings.Contains(hay, w)
			}
			if !match {
				continue
			}
		}
		d.Cards = append(d.Cards, openCard{Slug: ds.Slug, Title: ds.Title.In(lang), Description: ds.Description.In(lang), Theme: ds.Theme,
			Licence: snap.Licence(ds.Slug), Formats: formats, BuiltAt: b.Version.BuiltAt, Version: b.Version.Version, Published: true})
	}
	return s.render(w, r, http.StatusOK, "open_list", &page{Title: info(r).loc.T("opendata.title"), Data: d})
}

// openColumn is a column of the data dictionary.
type openColumn struct {
	Name, Type, Title, Description, Unit string
}

// openTable is a table of a dataset page: its dictionary, a preview and
// its downloads.
type openTable struct {
	Name, Title string
	Columns     []openColumn
	Preview     [][]string
	Withheld    []bool
	Rows        int
	Files       []openFile
}

type openFile struct {
	Name, Format, URL string
	Size              int
}

type openBar struct {
	Label          string
	Value          string
	X, Y, W, H     float64
	LabelX, LabelY float64
}

// openDatasetPage is what templates/open_dataset.html receives.
type openDatasetPage struct {
	Slug, Title, Description, Theme string
	Frequency                       string
	Licence                         opendata.LicenceInfo
	Version                         aldyn.OpenDatasetVersion
	Versions                        []aldyn.OpenDatasetVersion
	From, To                        time.Time
	Tables                          []openTable
	Package                         string
	Published                       bool
	Citation                        string
	Bars                            []openBar
	ChartMax                        string
	K                               int
	Suppressed                      int
	Keywords                        []string
}

const openPreviewRows = 20

func (s *Server) openDataset(w http.ResponseWriter, r *http.Request) error {
	snap, b, err := s.openBuild(r)
	if err != nil {
		return err
	}
	loc, lang := info(r).loc, info(r).lang
	ds := b.Dataset
	versions, err := s.db.OpenDatasetVersions(r.Context(), ds.Slug)
	if err != nil {
		return err
	}
	d := &openDatasetPage{Slug: ds.Slug, Title: ds.Title.In(lang), Description: ds.Description.In(lang), Theme: ds.Theme,
		Frequency: ds.Frequency, Licence: opendata.LicenceInfos[snap.Licence(ds.Slug)], Version: b.Version, Versions: versions,
		From: b.From, To: b.To, Package: "/open/" + ds.Slug + "/datapackage.json", Published: snap.Settings[ds.Slug].Published,
		K: snap.K, Suppressed: b.Suppressed(), Keywords: ds.Keywords}
	if !b.To.IsZero() {
		d.To = b.To.AddDate(0, 0, -1)
	}
	pub := s.openPublisher(r)
	pubName := map[string]string{"ky": pub.NameKy, "ru": pub.NameRu}[lang]
	if pubName == "" {
		pubName = pub.Title
	}
	d.Citation = fmt.Sprintf("%s (%d). %s. %s %d. %s/open/%s (%s)", pubName, b.Version.CreatedAt.Year(), ds.Title.In(lang),
		loc.T("opendata.version"), b.Version.Version, baseURL(r), ds.Slug, b.Version.CreatedAt.Format(time.DateOnly))
	for _, t := range b.Tables {
		ot := openTable{Name: t.Name, Title: t.Title.In(lang), Rows: len(t.Rows)}
		for _, f := range t.Fields {
			ot.Columns = append(ot.Columns, openColumn{Name: f.Name, Type: f.Type, Title: f.Title.In(lang), Description: f.Description.In(lang), Unit: f.Unit})
		}
		for i, row := range t.Rows[:min(openPreviewRows, len(t.Rows))] {
			cells := make([]string, len(row))
			for j, v := range row {
				if t.Fields[j].Type == "year" && v != nil {
					cells[j] = fmt.Sprint(v) // 2025, not 2 025
					continue
				}
				cells[j] = openCell(loc, v)
			}
			ot.Preview = append(ot.Preview, cells)
			ot.Withheld = append(ot.Withheld, t.Flags != nil && t.Flags[i].Suppressed())
		}
		for _, res := range b.Resources {
			if res.Table == t {
				ot.Files = append(ot.Files, openFile{Name: res.Name, Format: res.Format, URL: "/open/" + ds.Slug + "/" + res.Name, Size: len(res.Body)})
			}
		}
		d.Tables = append(d.Tables, ot)
	}
	d.Bars, d.ChartMax = openBars(loc, b.Chart)
	return s.render(w, r, http.StatusOK, "open_dataset", &page{Title: d.Title, Data: d})
}

// openCell is a value as the preview shows it; a withheld count is "…".
func openCell(loc interface {
	Number(int64) string
	Date(time.Time) string
}, v any) string {
	switch x := v.(type) {
	case nil:
		return "—"
	case int64:
		return loc.Number(x)
	case float64:
		return strconv.FormatFloat(x, 'f', -1, 64)
	case bool:
		if x {
			return "✓"
		}
		return ""
	case time.Time:
		return loc.Date(x)
	}
	return fmt.Sprint(v)
}

// openBars lays out a bar chart in a 640 × 240 SVG box.
func openBars(loc interface{ Number(int64) string }, pts []opendata.ChartPoint) ([]openBar, string) {
	if len(pts) == 0 {
		return nil, ""
	}
	top := 0.0
	for _, p := range pts {
		top = max(top, p.Value)
	}
	if top <= 0 {
		top = 1
	}
	const w, h, left, bottom = 640.0, 200.0, 8.0, 40.0
	step := (w - left) / float64(len(pts))
	var out []openBar
	for i, p := range pts {
		bh := p.Value / top * h
		x := left + float64(i)*step
		out = append(out, openBar{Label: p.Label, Value: loc.Number(int64(p.Value)), X: x + step*0.1, W: step * 0.8, Y: h - bh + 8, H: bh,
			LabelX: x + step/2, LabelY: h + 8 + 14})
	}
	return out, loc.Number(int64(top))
}

func (s *Server) openPolicy(w http.ResponseWriter, r *http.Request) error {
	k, err := disclosure.MinCellCount(r.Context(), s.db)
	if err != nil {
		return err
	}
	return s.render(w, r, http.StatusOK, "open_policy", &page{Title: info(r).loc.T("opendata.policy.title"), Data: map[string]any{"K": k, "KMinus": k - 1}})
}

// openAdminRow is a dataset on the administrators' page.
type openAdminRow struct {
	Slug, Title, Licence string
	Published            bool
	Rows, Suppressed     int
	Version              int
	BuiltAt              time.Time
	Err                  string
}

func (s *Server) openAdmin(w http.ResponseWriter, r *http.Request) error {
	if err := requireNationalAdmin(r); err != nil {
		return err
	}
	snap, err := s.open.cat.Current(r.Context())
	if err != nil {
		return err
	}
	lang := info(r).lang
	var rows []openAdminRow
	for _, d := range opendata.Datasets() {
		b := snap.Builds[d.Slug]
		row := openAdminRow{Slug: d.Slug, Title: d.Title.In(lang), Licence: snap.Licence(d.Slug), Published: snap.Settings[d.Slug].Published}
		if b != nil {
			row.Rows, row.Suppressed, row.Version, row.BuiltAt = b.Version.Rows, b.Version.Suppressed, b.Version.Version, b.Version.BuiltAt
			if b.Err != nil {
				row.Err = b.Err.Error()
			}
		}
		rows = append(rows, row)
	}
	marked, err := disclosure.MarkedSensitive(r.Context(), s.db)
	if err != nil {
		return err
	}
	type category struct {
		Code, Name     string
		Marked, Always bool
	}
	var cats []category
	for _, c := range importer.Categories {
		cats = append(cats, category{Code: c.Code, Name: c.Name(lang), Marked: slices.Contains(marked, c.Code),
			Always: c.Sensitive || aldyn.IsSensitive(c.Code, "")})
	}
	return s.render(w, r, http.StatusOK, "open_admin", &page{Title: info(r).loc.T("opendata.admin.title"),
		Data: map[string]any{"Rows": rows, "Licences": aldyn.Licences, "K": snap.K, "Categories": cats}})
}

// openAdminSensitive sets the categories published only by region and
// quarter (audited); the datasets are rebuilt.
func (s *Server) openAdminSensitive(w http.ResponseWriter, r *http.Request) error {
	if err := requireNationalAdmin(r); err != nil {
		return err
	}
	if err := r.ParseForm(); err != nil {
		return aldyn.Errorf(aldyn.EINVALID, "error.bad_param", "param", "sensitive")
	}
	if err := disclosure.SetMarkedSensitive(r.Context(), s.db, actor(r), r.PostForm["sensitive"]); err != nil {
		return err
	}
	s.open.cat.Invalidate()
	return redirect(w, r, "/open/admin", "common.saved")
}

func (s *Server) openAdminSave(w http.ResponseWriter, r *http.Request) error {
	if err := requireNationalAdmin(r); err != nil {
		return err
	}
	slug := r.PathValue("slug")
	if opendata.Lookup(slug) == nil {
		return notFoundErr()
	}
	set := &aldyn.OpenDatasetSettings{Slug: slug, Published: r.FormValue("published") == "on", Licence: r.FormValue("licence")}
	if err := s.db.SaveOpenDatasetSettings(r.Context(), actor(r), set); err != nil {
		return err
	}
	s.open.cat.Invalidate()
	return redirect(w, r, "/open/admin", "common.saved")
}

// openSuppressedRow is a withheld cell on the administrators' page.
type openSuppressedRow struct {
	Table, Key string
	Reason     string
}

// openAdminDataset shows what the disclosure control withheld in a
// dataset and why, a page at a time (a grid withholds thousands of
// cells), optionally of one table and one reason.
func (s *Server) openAdminDataset(w http.ResponseWriter, r *http.Request) error {
	if err := requireNationalAdmin(r); err != nil {
		return err
	}
	snap, b, err := s.openBuild(r)
	if err != nil {
		return err
	}
	q := r.URL.Query()
	pg, err := pageFromQuery(q)
	if err != nil {
		return err
	}
	table, reason := q.Get("table"), q.Get("reason")
	if table != "" && !slices.ContainsFunc(b.Tables, func(t *opendata.Table) bool { return t.Name == table }) {
		return badParam("table")
	}
	if reason != "" && reason != "primary" && reason != "secondary" {
		return badParam("reason")
	}
	loc, lang := info(r).loc, info(r).lang
	var rows []openSuppressedRow
	counts := map[string]int{}
	total := 0
	var tables []string
	for _, t := range b.Tables {
		if t.Flags != nil {
			tables = append(tables, t.Name)
		}
		cnt := slices.IndexFunc(t.Fields, func(f opendata.Field) bool { return f.Count })
		for i, f := range t.Flags {
			if !f.Suppressed() {
				continue
			}
			counts[f.String()]++
			if (table != "" && t.Name != table) || (reason != "" && f.String() != reason) {
				continue
			}
			total++
			if total <= pg.Offset || len(rows) >= pg.Limit {
				continue
			}
			var key []string
			for _, v := range t.Rows[i][:cnt] {
				key = append(key, fmt.Sprint(v))
			}
			rows = append(rows, openSuppressedRow{Table: t.Name, Key: strings.Join(key, " · "), Reason: loc.T("opendata.reason." + f.String())})
		}
	}
	return s.render(w, r, http.StatusOK, "open_admin_dataset", &page{Title: b.Dataset.Title.In(lang), Form: q, Data: map[string]any{
		"Slug": b.Dataset.Slug, "Rows": rows, "Primary": counts["primary"], "Secondary": counts["secondary"],
		"Pager": newPager(pg, total), "K": snap.K, "Published": snap.Settings[b.Dataset.Slug].Published,
		"Tables": tables, "Table": table, "Reason": reason,
	}})
}
