package web

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/aldyn-kg/aldyn"
	"github.com/aldyn-kg/aldyn/internal/residents"
	"github.com/aldyn-kg/aldyn/internal/settlements"
	"github.com/aldyn-kg/aldyn/internal/store"
)

// The residents' channel, public side: the report form (/report), the
// tracking page of one report (/reports/track/{code}) and its media files.
// Staff handling is in residents_handle.go.

// residentRequestLimit bounds a submission: five photos or one video, and
// the form's text.
const residentRequestLimit = residents.MaxVideoBytes + 1<<20

// residentsState is what the channel keeps between requests.
type residentsState struct {
	limit   *residents.Limiter // /report, per address and device
	open311 *residents.Limiter // Open311 POST requests, per api_key
	maps    mapCache           // the public map's answers
	// Open311 GET requests' answers, at one version of the data.
	open311Answers mapCache
}

// residentsPerHour is the default number of reports one address or one
// device may send in an hour.
const residentsPerHour = 10

// initResidents sets up the limits on residents' reports and Open311 requests.
func (s *Server) initResidents() {
	n := s.cfg.ResidentsPerHour
	if n == 0 {
		n = residentsPerHour
	}
	s.residents.limit = residents.NewLimiter(n, time.Hour)
	s.residents.open311 = residents.NewLimiter(open311KeyPerHour, time.Hour)
	// Each answer is up to some 500 KB (a thousand requests), twice.
	s.residents.open311Answers.size = 200
}

// Emergency numbers of the Kyrgyz Republic shown beside the form and
// instead of it for the categories it does not take.
var emergencyNumbers = []struct{ Number, Key string }{
	{"112", "residents.emergency.112"},
	{"102", "residents.emergency.102"},
	{"103", "residents.emergency.103"},
	{"111", "residents.emergency.111"},
}

// residentFormPage is what templates/resident_form.html receives.
type residentFormPage struct {
	Categories []*aldyn.ResidentCategory // taken through the form
	Sensitive  []*aldyn.ResidentCategory // not taken: help instead
	Chosen     *aldyn.ResidentCategory   // a sensitive category asked for
	// The victim services shown with a sensitive category: those for the
	// territory chosen (Place), or the national ones.
	Services      []*aldyn.VictimService
	ServicesTotal int
	Place         string
	Territories   []territoryGroup
	Settlements   []settlementGroup
	Emergency     []struct{ Number, Key string }
	MaxFiles      int
	PhotoMB       int64
	VideoMB       int64
	Sent          bool
}

type territoryGroup struct {
	Label string
	Items []*aldyn.Territory
}

type settlementGroup struct {
	Label string
	Items []settlements.Settlement
}

// reportTerritories groups the territories a report may name, districts
// and cities, by region; the cities of republican significance stand as
// their own group and may be chosen themselves.
func (s *Server) reportTerritories(ctx context.Context, lang string) ([]territoryGroup, map[string]string, error) {
	all, err := aldyn.AllPages(aldyn.Page{Sort: "path"}, func(p aldyn.Page) ([]*aldyn.Territory, int, error) {
		f := aldyn.TerritoryFilter{Page: p}
		return s.db.FindTerritories(ctx, f)
	})
	if err != nil {
		return nil, nil, err
	}
	var groups []territoryGroup
	regionName := map[string]string{}
	idx := map[string]int{}
	for _, t := range all {
		if t.Level == aldyn.LevelRegion {
			regionName[t.Code] = t.Name(lang)
			idx[t.Code] = len(groups)
			groups = append(groups, territoryGroup{Label: t.Name(lang)})
			if t.Kind == aldyn.KindCityRepublican {
				groups[idx[t.Code]].Items = append(groups[idx[t.Code]].Items, t)
			}
		}
	}
	for _, t := range all {
		if t.Level != aldyn.LevelDistrict && t.Level != aldyn.LevelCity {
			continue
		}
		if i, ok := idx[t.ParentCode]; ok {
			groups[i].Items = append(groups[i].Items, t)
		}
	}
	groups = slices.DeleteFunc(groups, func(g territoryGroup) bool { return len(g.Items) == 0 })
	return groups, regionName, nil
}

func reportSettlements(regionName map[string]string, lang string) []settlementGroup {
	byRegion := map[string]*settlementGroup{}
	var order []string
	for _, st := range settlements.All() {
		name, ok := regionName[st.RegionCode]
		if !ok {
			continue
		}
		g := byRegion[st.RegionCode]
		if g == nil {
			g = &settlementGroup{Label: name}
			byRegion[st.RegionCode] = g
			order = append(order, st.RegionCode)
		}
		g.Items = append(g.Items, st)
	}
	slices.Sort(order)
	out := make([]settlementGroup, 0, len(order))
	for _, code := range order {
		g := byRegion[code]
		slices.SortFunc(g.Items, func(a, b settlements.Settlement) int { return strings.Compare(a.Label(lang), b.Label(lang)) })
		out = append(out, *g)
	}
	return out
}

func (s *Server) residentFormData(r *http.Request) (*residentFormPage, error) {
	ctx, lang := r.Context(), info(r).lang
	cats, err := s.db.FindResidentCategories(ctx, true)
	if err != nil {
		return nil, err
	}
	d := &residentFormPage{Emergency: emergencyNumbers, MaxFiles: residents.MaxPhotos,
		PhotoMB: residents.MaxPhotoBytes >> 20, VideoMB: residents.MaxVideoBytes >> 20}
	for _, c := range cats {
		if c.Sensitive {
			d.Sensitive = append(d.Sensitive, c)
		} else {
			d.Categories = append(d.Categories, c)
		}
	}
	groups, regions, err := s.reportTerritories(ctx, lang)
	if err != nil {
		return nil, err
	}
	d.Territories, d.Settlements = groups, reportSettlements(regions, lang)
	return d, nil
}

// deviceKey is the visitor's device cookie, set on the form: a random
// value that lets rate limits and "me too" count a phone once without
// knowing who holds it. Only its hash is ever stored.
func deviceKey(w http.ResponseWriter, r *http.Request, secure bool) string {
	if c, err := r.Cookie("aldyn_device"); err == nil && len(c.Value) == 32 {
		if _, err := hex.DecodeString(c.Value); err == nil {
			return hashKey(c.Value)
		}
	}
	var b [16]byte
	_, _ = rand.Read(b[:])
	v := hex.EncodeToString(b[:])
	http.SetCookie(w, &http.Cookie{Name: "aldyn_device", Value: v, Path: "/", HttpOnly: true, Secure: secure,
		SameSite: http.SameSiteLaxMode, MaxAge: 365 * 24 * 3600})
	return hashKey(v)
}

func hashKey(v string) string {
	h := sha256.Sum256([]byte("aldyn-device:" + v))
	return hex.EncodeToString(h[:16])
}

func (s *Server) residentForm(w http.ResponseWriter, r *http.Request) error {
	d, err := s.residentFormData(r)
	if err != nil {
		return err
	}
	deviceKey(w, r, s.cfg.Secure || r.TLS != nil)
	if code := r.URL.Query().Get("category"); code != "" {
		for _, c := range d.Sensitive {
			if c.Code == code {
				d.Chosen = c
			}
		}
	}
	if d.Chosen != nil {
		d.Place = r.URL.Query().Get("territory")
		if d.Services, d.ServicesTotal, err = s.servicesFor(r.Context(), d.Place, 10); err != nil {
			return err
		}
	}
	d.Sent = r.URL.Query().Get("sent") == "1"
	return s.render(w, r, http.StatusOK, "resident_form", &page{Title: info(r).loc.T("residents.form.title"), Data: d})
}

// residentUpload is a checked, cleaned file written under its storage key.
type residentUpload struct {
	store.ResidentMedia
	path string
}

func removeUploads(us []*residentUpload) {
	for _, u := range us {
		os.Remove(u.path)
	}
}

// readResidentFile reads one uploaded file, checks its kind by content and
// its size, strips its metadata and writes it to the evidence directory.
func (s *Server) readResidentFile(name string, body io.Reader) (*residentUpload, error) {
	head, all, err := peek(body, 16)
	if err != nil {
		return nil, err
	}
	kind := residents.Detect(head)
	if kind == "" {
		return nil, fileError("residents.error.file_type", name)
	}
	limit := residents.MaxBytes(kind)
	b, err := io.ReadAll(io.LimitReader(all, limit+1))
	if err != nil {
		return nil, err
	}
	if int64(len(b)) > limit {
		e := fileError("residents.error.file_too_large", name, "limit", byteSize(limit))
		e.Code = aldyn.ETOOLARGE
		return nil, e
	}
	clean, err := residents.Strip(kind, b)
	if err != nil {
		return nil, fileError("residents.error.file_damaged", name)
	}
	w, err := s.writeEvidenceFile(bytes.NewReader(clean))
	if err != nil {
		return nil, err
	}
	return &residentUpload{ResidentMedia: store.ResidentMedia{ContentType: kind, Size: w.size, SHA256: w.sha256,
		StorageKey: w.key}, path: w.path}, nil
}

// readResidentMultipart reads the report form: its values and up to five
// photos or one video, each checked and cleaned as it arrives.
func (s *Server) readResidentMultipart(r *http.Request) (url.Values, []*residentUpload, error) {
	return multipartForm[*residentUpload]{
		fileFields: []string{"files"},
		bad:        badParam("form"),
		add: func(files []*residentUpload, name string, body io.Reader) ([]*residentUpload, error) {
			f, err := s.readResidentFile(name, body)
			if err != nil {
				return files, err
			}
			files = append(files, f)
			videos := 0
			for _, x := range files {
				if x.ContentType == residents.MP4 {
					videos++
				}
			}
			if len(files) > residents.MaxPhotos || videos > 0 && len(files) > 1 {
				return files, &aldyn.Error{Code: aldyn.EINVALID, Message: "residents.error.too_many_files",
					Fields: map[string]string{"files": "residents.error.too_many_files"}}
			}
			return files, nil
		},
		remove: removeUploads,
	}.read(r)
}

// residentFromForm reads the report's fields; a bad number is a field
// error, not a failure.
func residentFromForm(form url.Values, lang string) (*aldyn.ResidentReport, aldyn.Validation) {
	v := aldyn.Validation{}
	rr := &aldyn.ResidentReport{TerritoryCode: strings.TrimSpace(form.Get("territory_code")), Address: form.Get("address"),
		Description: form.Get("description"), ContactName: form.Get("contact_name"), ContactEmail: form.Get("contact_email"),
		ContactPhone: form.Get("contact_phone"), Lang: lang, Source: aldyn.SourceWeb, Attributes: attributeAnswers(form)}
	if c := form.Get("category_id"); c != "" {
		id, err := strconv.ParseInt(c, 10, 64)
		if err != nil {
			v.Add("category_id", "residents.error.category_not_found")
		}
		rr.CategoryID = id
	}
	if st := form.Get("settlement_id"); st != "" {
		id, err := strconv.Atoi(st)
		if err != nil {
			v.Add("settlement_id", "error.reference")
		}
		rr.SettlementID = id
	}
	for _, f := range []struct {
		name string
		p    **float64
	}{{"lat", &rr.Lat}, {"lon", &rr.Lon}} {
		if s := strings.TrimSpace(strings.Replace(form.Get(f.name), ",", ".", 1)); s != "" {
			x, err := strconv.ParseFloat(s, 64)
			if err != nil {
				v.Add(f.name, "residents.error.number")
				continue
			}
			*f.p = &x
		}
	}
	return rr, v
}

func (s *Server) residentSubmit(w http.ResponseWriter, r *http.Request) error {
	lang := info(r).lang
	device := deviceKey(w, r, s.cfg.Secure || r.TLS != nil)
	form, files, err := s.readResidentMultipart(r)
	if err != nil {
		if e, ok := err.(*aldyn.Error); ok && e.Fields != nil {
			return s.renderResidentForm(w, r, http.StatusBadRequest, url.Values{}, e)
		}
		return err
	}
	// The honeypot: a field people never see. A bot that fills it is told
	// its report was sent, and nothing is stored.
	if form.Get("website") != "" {
		removeUploads(files)
		return redirect(w, r, "/report?sent=1", "")
	}
	if !s.residents.limit.Allow("ip:"+clientIP(r), "dev:"+device) {
		removeUploads(files)
		return aldyn.Errorf(aldyn.ETOOMANY, "residents.error.too_many_reports")
	}
	rr, v := residentFromForm(form, lang)
	if err := s.checkAnswers(r.Context(), rr, v); err != nil {
		removeUploads(files)
		return err
	}
	if err := v.Err(); err != nil {
		removeUploads(files)
		return s.renderResidentForm(w, r, http.StatusBadRequest, form, err)
	}
	if err := s.checkSettlement(rr); err != nil {
		removeUploads(files)
		return s.renderResidentForm(w, r, http.StatusBadRequest, form, err)
	}
	if err := s.placeByPrecinct(r.Context(), rr); err != nil {
		removeUploads(files)
		return s.renderResidentForm(w, r, http.StatusBadRequest, form, err)
	}
	media := make([]*store.ResidentMedia, len(files))
	for i, f := range files {
		media[i] = &f.ResidentMedia
	}
	if err := s.db.CreateResidentReport(r.Context(), aldyn.Public, rr, media); err != nil {
		removeUploads(files)
		if aldyn.ErrorCode(err) == aldyn.EINVALID {
			return s.renderResidentForm(w, r, http.StatusBadRequest, form, err)
		}
		return err
	}
	return redirect(w, r, "/reports/track/"+rr.TrackingCode+"?new=1", "residents.form.sent")
}

// checkAnswers adds the problems of the answers to the chosen category's
// questions to v, so that the form shows them with the other fields'
// (the store checks them again when it saves).
func (s *Server) checkAnswers(ctx context.Context, rr *aldyn.ResidentReport, v aldyn.Validation) error {
	if rr.CategoryID == 0 {
		return nil
	}
	c, err := s.db.FindResidentCategoryByID(ctx, rr.CategoryID)
	if aldyn.ErrorCode(err) == aldyn.ENOTFOUND {
		return nil // the store names the bad category
	} else if err != nil {
		return err
	}
	if _, err := c.CheckAnswers(rr.Attributes); err != nil {
		for f, k := range err.(*aldyn.Error).Fields {
			v.Add(f, k)
		}
	}
	return nil
}

// checkSettlement checks a chosen settlement exists and lies in the
// chosen territory's region.
func (s *Server) checkSettlement(rr *aldyn.ResidentReport) error {
	if rr.SettlementID == 0 {
		return nil
	}
	for _, st := range settlements.All() {
		if st.GeonameID == rr.SettlementID {
			if rr.TerritoryCode != "" && st.RegionCode != "" && !strings.HasPrefix(rr.TerritoryCode, st.RegionCode[:5]) {
				return invalid("settlement_id", "residents.error.settlement_region")
			}
			// Without a pin, public maps show the place itself.
			if rr.Lat == nil {
				la, lo := st.Lat, st.Lon
				rr.PublicLat, rr.PublicLon = &la, &lo
			}
			return nil
		}
	}
	return invalid("settlement_id", "error.reference")
}

// placeByPrecinct checks a pin lies in the chosen territory (when its
// boundary is known) and, when it falls in a precinct drawn there, makes
// the precinct the report's territory, so that routing finds the
// precinct's body. It sets the public point: the pin rounded to about
// 100 m without leaving that territory.
func (s *Server) placeByPrecinct(ctx context.Context, rr *aldyn.ResidentReport) error {
	if rr.Lat == nil || rr.Lon == nil || !aldyn.ValidTerritoryCode(rr.TerritoryCode) {
		return nil
	}
	t, err := s.db.FindTerritoryByCode(ctx, rr.TerritoryCode)
	if err != nil {
		return nil // the store names the bad territory
	}
	bs, err := s.db.FindBoundaries(ctx, t.Path)
	if err != nil {
		return err
	}
	lat, lon := *rr.Lat, *rr.Lon
	var own []byte
	var areas []residents.Area
	for _, b := range bs {
		if b.Territory.Code == t.Code {
			if !residents.Contains(b.Geometry, lat, lon) {
				return invalid("lat", "residents.error.pin_outside")
			}
			own = b.Geometry
			continue
		}
		if b.Territory.Level == aldyn.LevelPrecinct {
			areas = append(areas, residents.Area{Code: b.Territory.Code, Path: b.Territory.Path, Geometry: b.Geometry})
		}
	}
	if a, ok := residents.Locate(areas, lat, lon); ok {
		rr.TerritoryCode, own = a.Code, a.Geometry
	}
	var inside func(float64, float64) bool
	if own != nil {
		inside = func(la, lo float64) bool { return residents.Contains(own, la, lo) }
	}
	var centre *[2]float64
	if t.Lat != nil && t.Lon != nil {
		centre = &[2]float64{*t.Lat, *t.Lon}
	}
	pla, plo := aldyn.PublicPoint(lat, lon, inside, centre)
	rr.PublicLat, rr.PublicLon = &pla, &plo
	return nil
}

func invalid(field, key string) error {
	return &aldyn.Error{Code: aldyn.EINVALID, Message: "error.validation", Fields: map[string]string{field: key}}
}

func (s *Server) renderResidentForm(w http.ResponseWriter, r *http.Request, status int, form url.Values, err error) error {
	e, ok := err.(*aldyn.Error)
	if !ok || e.Code != aldyn.EINVALID && e.Code != aldyn.ETOOLARGE {
		return err
	}
	d, derr := s.residentFormData(r)
	if derr != nil {
		return derr
	}
	loc := info(r).loc
	errs := map[string]string{}
	for f, k := range e.Fields {
		errs[f] = loc.T(k)
	}
	p := &page{Title: loc.T("residents.form.title"), Data: d, Form: form, Errors: errs}
	if e.Message != "error.validation" {
		p.Flash = loc.T(e.Message, e.Args)
	}
	if e.Code == aldyn.ETOOLARGE {
		status = http.StatusRequestEntityTooLarge
	}
	return s.render(w, r, status, "resident_form", p)
}

// residentTrackPage is what templates/resident_track.html receives.
type residentTrackPage struct {
	Code     string
	Report   *aldyn.ResidentReport // the resident's report
	Shown    *aldyn.ResidentReport // the one handled: the report, or the one it was merged into
	Category *aldyn.ResidentCategory
	Body     *aldyn.Body
	Place    *aldyn.Territory
	Media    []*store.ResidentMedia // the resident's photos or video
	// AnswerMedia are the photos of the result with the answer of the
	// report handled.
	AnswerMedia []*store.ResidentMedia
	New         bool
	Overdue     bool
}

// handledReport is the report handled for rr: rr itself, or the report
// it was merged into.
func (s *Server) handledReport(ctx context.Context, rr *aldyn.ResidentReport) (*aldyn.ResidentReport, error) {
	if rr.DuplicateOf == nil {
		return rr, nil
	}
	return s.db.FindResidentReportByID(ctx, *rr.DuplicateOf)
}

func (s *Server) residentTrack(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	code := r.PathValue("code")
	rr, err := s.db.FindResidentReportByCode(ctx, code)
	if err != nil {
		return err
	}
	d := &residentTrackPage{Code: code, Report: rr, New: r.URL.Query().Get("new") == "1"}
	if d.Shown, err = s.handledReport(ctx, rr); err != nil {
		return err
	}
	if d.Category, err = s.db.FindResidentCategoryByID(ctx, d.Shown.CategoryID); err != nil {
		return err
	}
	if d.Body, err = s.db.FindBodyByID(ctx, d.Shown.BodyID); err != nil {
		return err
	}
	if d.Place, err = s.db.FindTerritoryByCode(ctx, rr.TerritoryCode); err != nil {
		return err
	}
	if d.Media, err = s.db.FindResidentMedia(ctx, rr.ID); err != nil {
		return err
	}
	shownMedia := d.Media
	if d.Shown != rr {
		if shownMedia, err = s.db.FindResidentMedia(ctx, d.Shown.ID); err != nil {
			return err
		}
	}
	for _, m := range shownMedia {
		if m.Kind == "answer" {
			d.AnswerMedia = append(d.AnswerMedia, m)
		}
	}
	d.Overdue = d.Shown.IsOverdue(s.db.Now())
	// The link is the resident's secret: keep it out of referrers and indexes.
	w.Header().Set("Referrer-Policy", "no-referrer")
	w.Header().Set("X-Robots-Tag", "noindex")
	return s.render(w, r, http.StatusOK, "resident_track", &page{Title: info(r).loc.T("residents.track.title", "id", rr.ID), Data: d})
}

// residentSupport is "me too" from the tracking page of a merged report or
// a public report's page.
func (s *Server) residentSupport(w http.ResponseWriter, r *http.Request) error {
	code := r.PathValue("code")
	rr, err := s.db.FindResidentReportByCode(r.Context(), code)
	if err != nil {
		return err
	}
	return s.supportReport(w, r, rr.ID, "/reports/track/"+code)
}

// supportReport counts "me too" for the report id from the visitor's
// device, once a device, and goes back to the page back.
func (s *Server) supportReport(w http.ResponseWriter, r *http.Request, id int64, back string) error {
	if _, err := s.db.SupportResidentReport(r.Context(), id, deviceKey(w, r, s.cfg.Secure || r.TLS != nil)); err != nil {
		return err
	}
	return redirect(w, r, back, "residents.track.supported")
}

// residentMedia serves a media file to those who may see it: the staff who
// see the report, the holder of its tracking code (?code=), and the public
// once the report is published in a public category.
func (s *Server) residentMedia(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	id, err := routeID(r, "id", "residents.error.not_found")
	if err != nil {
		return err
	}
	m, err := s.db.FindResidentMediaByID(ctx, id)
	if err != nil {
		return err
	}
	rr, err := s.db.FindResidentReportByID(ctx, m.ReportID)
	if err != nil {
		return err
	}
	a := actor(r)
	code := r.URL.Query().Get("code")
	ok := a.CanSeeResident(rr.BodyID, rr.BodyPath, rr.TerritoryPath) ||
		subtle.ConstantTimeCompare([]byte(code), []byte(rr.TrackingCode)) == 1
	if !ok && m.Kind == "answer" && code != "" {
		// The answer's photo is also the residents' whose reports were
		// merged into this one: their codes show its progress.
		if dup, err := s.db.FindResidentReportByCode(ctx, code); err == nil && dup.DuplicateOf != nil && *dup.DuplicateOf == rr.ID {
			ok = true
		}
	}
	if !ok && rr.Published && rr.DuplicateOf == nil {
		c, err := s.db.FindResidentCategoryByID(ctx, rr.CategoryID)
		if err != nil {
			return err
		}
		ok = c.Public
	}
	if !ok {
		return aldyn.Errorf(aldyn.ENOTFOUND, "residents.error.not_found")
	}
	f, err := s.openEvidenceFile(m.StorageKey, "residents.error.not_found")
	if err != nil {
		return fmt.Errorf("resident media %d: %w", m.ID, err)
	}
	defer f.Close()
	h := w.Header()
	h.Set("Content-Type", m.ContentType)
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Cache-Control", "private, max-age=3600")
	h.Set("Referrer-Policy", "no-referrer")
	http.ServeContent(w, r, "", m.CreatedAt, f)
	return nil
}
