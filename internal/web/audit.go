package web

import (
	"context"
	"encoding/json"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/aldyn-kg/aldyn"
	"github.com/aldyn-kg/aldyn/internal/export"
	"github.com/aldyn-kg/aldyn/internal/i18n"
)

// auditFilter reads the audit log filter: entity, action, actor, from/to
// dates (inclusive, YYYY-MM-DD), always within the administrator's territory.
func auditFilter(r *http.Request) (aldyn.AuditFilter, error) {
	q := r.URL.Query()
	p, err := pageFromQuery(q)
	if err != nil {
		return aldyn.AuditFilter{}, err
	}
	f := aldyn.AuditFilter{Under: actor(r).ScopeUnder(), Page: p}
	for name, dst := range map[string]**string{"entity": &f.Entity, "entity_id": &f.EntityID, "actor": &f.Actor} {
		if v := q.Get(name); v != "" {
			*dst = ptr(v)
		}
	}
	if v := q.Get("action"); v != "" {
		if !slices.Contains(aldyn.AuditActions, v) {
			return f, badParam("action")
		}
		f.Action = &v
	}
	for name, dst := range map[string]**time.Time{"from": &f.From, "to": &f.To} {
		if v := q.Get(name); v != "" {
			t, err := time.Parse("2006-01-02", v)
			if err != nil {
				return f, badParam(name)
			}
			if name == "to" {
				t = t.AddDate(0, 0, 1)
			}
			*dst = &t
		}
	}
	return f, nil
}

// auditRow is an audit entry as the reader reads it: who by name, what
// in the reader's language, and the change field by field.
type auditRow struct {
	*aldyn.AuditEntry
	Who     string
	What    string
	Changes []auditChange
}

// auditChange is one field of an entry, labelled and with values in the
// reader's language.
type auditChange struct {
	Label, Before, After string
	HadBefore, Has       bool
}

// auditPageData is the audit log page.
type auditPageData struct {
	Rows     []auditRow
	Actions  []string
	Entities []auditEntity
	Pager    pager
}

// auditEntity is an entity kind of the filter.
type auditEntity struct{ Key, Name string }

// auditEntities are the kinds of things the log records, for the filter.
var auditEntities = []string{"api_token", "body", "boundary", "cycle", "decision", "indicator", "indicator_values", "measure", "meeting",
	"notification", "plan", "population", "question", "report", "report_evidence", "risk", "session", "territory", "user"}

// auditRows turns entries into what the page and the exports show.
func (s *Server) auditRows(r *http.Request, es []*aldyn.AuditEntry) []auditRow {
	loc := info(r).loc
	users := map[int64]string{}
	bodies := s.newBodyNames(r)
	// Ids of bodies and users read as their names.
	named := func(field, v string) string {
		id, err := strconv.ParseInt(v, 10, 64)
		if err != nil || id <= 0 {
			return v
		}
		last := field[strings.LastIndexByte(field, '.')+1:]
		switch {
		case strings.HasSuffix(last, "body_id"):
			return bodies.Name(id)
		case last == "user_id" || last == "submitted_by" || last == "decided_by":
			return s.userName(r.Context(), users, id)
		}
		return v
	}
	out := make([]auditRow, len(es))
	for i, e := range es {
		row := auditRow{AuditEntry: e, Who: e.Actor, What: auditEntityName(loc, e.Entity)}
		if e.UserID != nil {
			row.Who = s.userName(r.Context(), users, *e.UserID)
		} else if e.Actor == "system" {
			row.Who = loc.T("audit.system")
		}
		if e.EntityID != "" {
			row.What += " " + e.EntityID
		}
		if e.Entity == "notification" {
			// A notification reads as the message its recipients read.
			var n struct {
				TextKey string         `json:"text_key"`
				Args    map[string]any `json:"args"`
			}
			if json.Unmarshal(e.After, &n) == nil && i18n.Has(n.TextKey) {
				row.Changes = append(row.Changes, auditChange{Label: loc.T("audit.field.text"), After: loc.T(n.TextKey, n.Args), Has: true})
			}
		}
		for _, c := range e.Changes() {
			if e.Entity == "notification" && notificationInternal(c.Field) {
				continue
			}
			row.Changes = append(row.Changes, auditChange{Label: auditFieldLabel(loc, c.Field),
				Before: auditValue(loc, c.Field, named(c.Field, c.Before)), After: auditValue(loc, c.Field, named(c.Field, c.After)),
				HadBefore: c.HadBefore, Has: c.Has})
		}
		out[i] = row
	}
	return out
}

// notificationInternal are the fields of a notification its message
// says in words.
func notificationInternal(field string) bool {
	return field == "text_key" || field == "kind" || field == "link" || field == "id" || strings.HasPrefix(field, "args.")
}

// auditEntityName names an entity kind in the reader's language; kinds
// without a name show as stored.
func auditEntityName(loc *i18n.Localizer, entity string) string {
	if k := "audit.entity." + entity; i18n.Has(k) {
		return loc.T(k)
	}
	return entity
}

// auditFieldLabel labels a (dotted) field: each part by its translation
// where one exists, language codes by the language's name.
func auditFieldLabel(loc *i18n.Localizer, field string) string {
	parts := strings.Split(field, ".")
	for i, p := range parts {
		switch {
		case i18n.Has("audit.field." + p):
			parts[i] = loc.T("audit.field." + p)
		case i > 0 && slices.Contains(aldyn.Languages, p):
			parts[i] = i18n.LanguageName(p)
		}
	}
	if len(parts) == 1 {
		return parts[0]
	}
	return parts[0] + " (" + strings.Join(parts[1:], ", ") + ")"
}

// auditValue shows a value in the reader's language: yes/no, roles,
// statuses and results by name.
func auditValue(loc *i18n.Localizer, field, v string) string {
	switch v {
	case "true":
		return loc.T("common.yes")
	case "false":
		return loc.T("common.no")
	}
	last := field[strings.LastIndexByte(field, '.')+1:]
	for _, k := range []string{"audit.value." + last + "." + v, "audit.value." + v} {
		if i18n.Has(k) {
			return loc.T(k)
		}
	}
	if last == "type" && i18n.Has("body.type."+v) {
		return loc.T("body.type." + v)
	}
	if last == "role" && i18n.Has("user.role."+v) {
		return loc.T("user.role." + v)
	}
	if last == "lang" && slices.Contains(aldyn.Languages, v) {
		return i18n.LanguageName(v)
	}
	if t, err := time.Parse(time.RFC3339Nano, v); err == nil {
		if t.Equal(t.Truncate(24 * time.Hour)) {
			return loc.Date(t) // a day
		}
		return loc.DateTime(t)
	}
	return v
}

// changesText writes the changes of a row on one line, for exports.
func changesText(cs []auditChange) string {
	parts := make([]string, len(cs))
	for i, c := range cs {
		switch {
		case c.HadBefore && c.Has:
			parts[i] = c.Label + ": " + c.Before + " → " + c.After
		case c.Has:
			parts[i] = c.Label + ": " + c.After
		default:
			parts[i] = c.Label + ": " + c.Before + " → —"
		}
	}
	return strings.Join(parts, "; ")
}

func (s *Server) auditPage(w http.ResponseWriter, r *http.Request) error {
	f, err := listFilter(r, requireAdmin, auditFilter)
	if err != nil {
		return err
	}
	loc := info(r).loc
	if format := r.URL.Query().Get("format"); format != "" {
		t := export.Table{Title: loc.T("audit.title"), Columns: []export.Column{{Key: "id", Label: "ID", Kind: export.Int},
			{Key: "at", Label: loc.T("audit.at"), Kind: export.Date}, {Key: "actor", Label: loc.T("audit.actor")}, {Key: "action", Label: loc.T("audit.action")},
			{Key: "entity", Label: loc.T("audit.entity")}, {Key: "territory", Label: loc.T("common.territory")},
			{Key: "changes", Label: loc.T("audit.changes")}}}
		return exportList(r, w, format, "audit", t, f.Page, func(ctx context.Context, p aldyn.Page) ([]auditRow, int, error) {
			f.Page = p
			es, total, err := s.db.FindAuditEntries(ctx, f)
			return s.auditRows(r, es), total, err
		}, func(e auditRow) []any {
			return []any{e.ID, e.At, e.Who, loc.T("audit.action." + e.Action), e.What, e.TerritoryCode, changesText(e.Changes)}
		})
	}
	es, total, err := s.db.FindAuditEntries(r.Context(), f)
	if err != nil {
		return err
	}
	ents := make([]auditEntity, len(auditEntities))
	for i, k := range auditEntities {
		ents[i] = auditEntity{Key: k, Name: auditEntityName(loc, k)}
	}
	slices.SortFunc(ents, func(a, b auditEntity) int { return strings.Compare(a.Name, b.Name) })
	return s.render(w, r, http.StatusOK, "audit", &page{Title: loc.T("audit.title"), Form: r.URL.Query(),
		Data: &auditPageData{Rows: s.auditRows(r, es), Actions: aldyn.AuditActions, Entities: ents, Pager: newPager(f.Page, total)}})
}

func (s *Server) apiAudit(w http.ResponseWriter, r *http.Request) error {
	return writeList(w, r, requireAdmin, auditFilter, func(f aldyn.AuditFilter) aldyn.Page { return f.Page }, s.db.FindAuditEntries)
}
