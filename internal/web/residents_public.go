package web

import (
	"context"
	"encoding/json"
	"math"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/aldyn-kg/aldyn"
	"github.com/aldyn-kg/aldyn/internal/store"
)

// The public side of residents' reports: the moderated reports in a list
// and on a map (/reports), one report's page, and "me too". Only what a
// moderator published in a public category is shown, through PublicText
// and PublicAnswer; contact details, notes and the exact pin never are.

// publicReport is a report as the public may see it.
type publicReport struct {
	ID            int64      `json:"id"`
	Category      string     `json:"category"`
	CategoryCode  string     `json:"category_code"`
	TerritoryCode string     `json:"territory_code"`
	Territory     string     `json:"territory"`
	Status        string     `json:"status"`
	StatusName    string     `json:"status_name"`
	Body          string     `json:"body"`
	Description   string     `json:"description"`
	Answer        string     `json:"answer,omitempty"`
	Supporters    int        `json:"supporters"`
	Lat           *float64   `json:"lat,omitempty"` // the public point, not the pin
	Lon           *float64   `json:"lon,omitempty"`
	CreatedAt     time.Time  `json:"created_at"`
	AnsweredAt    *time.Time `json:"answered_at,omitempty"`
	Overdue       bool       `json:"overdue"`
	// Answers to the category's list questions only (AnswersIn).
	Answers []aldyn.AttributeAnswer `json:"answers,omitempty"`
}

// publicReportFilter reads the public filters: category (code or id),
// territory (code), status, from and to (days).
func (s *Server) publicReportFilter(ctx context.Context, q url.Values) (aldyn.ResidentReportFilter, error) {
	p, err := pageFromQuery(q)
	if err != nil {
		return aldyn.ResidentReportFilter{}, err
	}
	f := aldyn.ResidentReportFilter{Public: true, Page: p}
	if v := q.Get("category"); v != "" {
		id, err := strconv.ParseInt(v, 10, 64)
		if err != nil {
			c, err := s.db.FindResidentCategoryByCode(ctx, v)
			if err != nil {
				return f, badParam("category")
			}
			id = c.ID
		}
		f.CategoryID = &id
	}
	if err := s.territoryParam(ctx, q, &f.Territory); err != nil {
		return f, err
	}
	if err := statusParam(q, &f.Status); err != nil {
		return f, err
	}
	return f, dayRange(q, time.UTC, &f.From, &f.To)
}

func (s *Server) publicReports(ctx context.Context, lang string, rs []*aldyn.ResidentReport) ([]publicReport, error) {
	n, err := s.residentNames(ctx, lang, rs)
	if err != nil {
		return nil, err
	}
	cats, bodies, names := n.cats, n.bodies, n.territories
	now := s.db.Now()
	out := make([]publicReport, len(rs))
	for i, r := range rs {
		p := publicReport{ID: r.ID, TerritoryCode: r.TerritoryCode, Territory: names[r.TerritoryCode], Status: string(r.Status),
			Description: r.PublicText(), Answer: r.PublicAnswer(), Supporters: r.Supporters, Lat: r.PublicLat, Lon: r.PublicLon,
			CreatedAt: r.CreatedAt, AnsweredAt: r.AnsweredAt, Overdue: r.IsOverdue(now)}
		if r.Status == aldyn.ResidentRejected {
			p.Answer = aldyn.RedactPersonalData(r.RejectReason)
		}
		if c := cats[r.CategoryID]; c != nil {
			p.Category, p.CategoryCode = c.Name.In(lang), c.Code
			p.Answers = c.AnswersIn(r.Attributes, lang, true)
		}
		if b := bodies[r.BodyID]; b != nil {
			p.Body = b.Name(lang)
		}
		out[i] = p
	}
	return out, nil
}

// publicReportList is the page of public reports the query q asks for,
// in lang, with their total and the page read.
func (s *Server) publicReportList(ctx context.Context, lang string, q url.Values) ([]publicReport, int, aldyn.Page, error) {
	f, err := s.publicReportFilter(ctx, q)
	if err != nil {
		return nil, 0, f.Page, err
	}
	rs, total, err := s.db.FindResidentReports(ctx, f)
	if err != nil {
		return nil, 0, f.Page, err
	}
	items, err := s.publicReports(ctx, lang, rs)
	return items, total, f.Page, err
}

func (s *Server) publicReportsPage(w http.ResponseWriter, r *http.Request) error {
	ctx, lang := r.Context(), info(r).lang
	items, total, p, err := s.publicReportList(ctx, lang, r.URL.Query())
	if err != nil {
		return err
	}
	cats, err := s.db.FindResidentCategories(ctx, false)
	if err != nil {
		return err
	}
	groups, _, err := s.reportTerritories(ctx, lang)
	if err != nil {
		return err
	}
	q := r.URL.Query()
	q.Del("page")
	return s.render(w, r, http.StatusOK, "residents_public", &page{Title: info(r).loc.T("nav.reports"), Form: r.URL.Query(), Data: map[string]any{
		"Items": items, "Pager": newPager(p, total), "Categories": cats, "Territories": groups, "Statuses": aldyn.ResidentStatuses,
		"MapQuery": q.Encode(),
	}})
}

// publicReportByPath loads a published report in a public category; any
// other is not found.
func (s *Server) publicReportByPath(r *http.Request) (*aldyn.ResidentReport, error) {
	id, err := routeID(r, "id", "residents.error.not_found")
	if err != nil {
		return nil, err
	}
	rs, _, err := s.db.FindResidentReports(r.Context(), aldyn.ResidentReportFilter{ID: &id, Public: true, Page: aldyn.Page{Limit: 1}})
	if err != nil {
		return nil, err
	}
	if len(rs) == 0 || rs[0].DuplicateOf != nil {
		return nil, aldyn.Errorf(aldyn.ENOTFOUND, "residents.error.not_found")
	}
	return rs[0], nil
}

func (s *Server) publicReportPage(w http.ResponseWriter, r *http.Request) error {
	rr, err := s.publicReportByPath(r)
	if err != nil {
		return err
	}
	items, err := s.publicReports(r.Context(), info(r).lang, []*aldyn.ResidentReport{rr})
	if err != nil {
		return err
	}
	media, err := s.db.FindResidentMedia(r.Context(), rr.ID)
	if err != nil {
		return err
	}
	var photos []*store.ResidentMedia
	for _, m := range media {
		if m.Kind == "report" || m.Kind == "answer" {
			photos = append(photos, m)
		}
	}
	return s.render(w, r, http.StatusOK, "resident_public", &page{Title: info(r).loc.T("residents.track.title", "id", rr.ID),
		Data: map[string]any{"R": items[0], "Media": photos}})
}

func (s *Server) publicReportSupport(w http.ResponseWriter, r *http.Request) error {
	rr, err := s.publicReportByPath(r)
	if err != nil {
		return err
	}
	return s.supportReport(w, r, rr.ID, "/reports/public/"+strconv.FormatInt(rr.ID, 10))
}

func (s *Server) apiPublicReports(w http.ResponseWriter, r *http.Request) error {
	items, total, p, err := s.publicReportList(r.Context(), info(r).lang, r.URL.Query())
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, newList(items, total, p))
}

// apiPublicReportsMap answers the public map: the public points of the
// filtered reports in the view (bbox=west,south,east,north), aggregated
// into cells of about 40 screen pixels at the zoom asked for; a cell of
// one report links to its page.
func (s *Server) apiPublicReportsMap(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	key := q.Encode()
	version, err := s.db.ResidentsVersion(r.Context())
	if err != nil {
		return err
	}
	b, ok := s.residents.maps.get(version, key)
	if !ok {
		if b, err = s.publicReportsMap(r.Context(), q); err != nil {
			return err
		}
		s.residents.maps.put(version, key, b)
	}
	w.Header().Set("Content-Type", "application/geo+json")
	w.Header().Set("Cache-Control", "public, max-age=60")
	_, err = w.Write(b)
	return err
}

// publicReportsMap is the public map's answer to the query q, encoded.
func (s *Server) publicReportsMap(ctx context.Context, q url.Values) ([]byte, error) {
	f, err := s.publicReportFilter(ctx, q)
	if err != nil {
		return nil, err
	}
	box := [4]float64{aldyn.MinLon, aldyn.MinLat, aldyn.MaxLon, aldyn.MaxLat}
	if v := q.Get("bbox"); v != "" {
		parts := strings.Split(v, ",")
		if len(parts) != 4 {
			return nil, badParam("bbox")
		}
		for i, p := range parts {
			x, err := strconv.ParseFloat(p, 64)
			if err != nil || math.IsNaN(x) || math.IsInf(x, 0) {
				return nil, badParam("bbox")
			}
			box[i] = x
		}
	}
	zoom, err := mapZoomParam(q.Get("zoom"))
	if err != nil {
		return nil, err
	}
	cells, err := s.db.ResidentMapCells(ctx, f, box, mapCellSize(zoom))
	if err != nil {
		return nil, err
	}
	b, err := json.Marshal(residentCellFeatures(cells, "/reports/public/"))
	return append(b, '\n'), err
}

// mapCache keeps the public map's answers while the residents' data stays
// at one version (store.ResidentsVersion): a map pans over the same cells
// many times, and a moderation or a new report moves the version, so no
// answer outlives the data it was computed from. It holds at most
// mapCacheSize answers, or size when set.
type mapCache struct {
	mu      sync.Mutex
	version string
	entries map[string][]byte
	size    int
}

const mapCacheSize = 2000

func (c *mapCache) get(version, key string) ([]byte, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.version != version {
		return nil, false
	}
	b, ok := c.entries[key]
	return b, ok
}

func (c *mapCache) put(version, key string, body []byte) {
	c.mu.Lock()
	defer c.mu.Unlock()
	size := c.size
	if size == 0 {
		size = mapCacheSize
	}
	if c.version != version || c.entries == nil || len(c.entries) >= size {
		c.version, c.entries = version, map[string][]byte{}
	}
	c.entries[key] = body
}
