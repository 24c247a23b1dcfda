package web

import (
	"context"
	"net/http"
	"time"

	"github.com/aldyn-kg/aldyn"
	"github.com/aldyn-kg/aldyn/internal/export"
)

func (s *Server) registerAudit() {
	s.handle("GET", "/audit", s.auditPage)
	s.handle("GET", "/api/v1/audit", s.apiAudit)
}

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
		if v != aldyn.AuditCreate && v != aldyn.AuditUpdate && v != aldyn.AuditDelete {
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

func (s *Server) auditPage(w http.ResponseWriter, r *http.Request) error {
	if err := requireAdmin(r); err != nil {
		return err
	}
	f, err := auditFilter(r)
	if err != nil {
		return err
	}
	loc := info(r).loc
	if format := r.URL.Query().Get("format"); format != "" {
		t := export.Table{Title: loc.T("audit.title"), Columns: []export.Column{{Key: "id", Label: "ID", Kind: export.Int},
			{Key: "at", Label: loc.T("audit.at"), Kind: export.Date}, {Key: "actor", Label: loc.T("audit.actor")}, {Key: "action", Label: loc.T("common.actions")},
			{Key: "entity", Label: loc.T("audit.entity")}, {Key: "entity_id", Label: "ID"}, {Key: "territory", Label: loc.T("common.territory")},
			{Key: "before", Label: loc.T("audit.before")}, {Key: "after", Label: loc.T("audit.after")}}}
		return exportList(r, w, format, "audit", t, f.Page, func(ctx context.Context, p aldyn.Page) ([]*aldyn.AuditEntry, int, error) {
			f.Page = p
			return s.db.FindAuditEntries(ctx, f)
		}, func(e *aldyn.AuditEntry) []any {
			return []any{e.ID, e.At, e.Actor, loc.T("audit.action." + e.Action), e.Entity, e.EntityID, e.TerritoryCode, string(e.Before), string(e.After)}
		})
	}
	es, total, err := s.db.FindAuditEntries(r.Context(), f)
	if err != nil {
		return err
	}
	return s.render(w, r, http.StatusOK, "audit", &page{Title: loc.T("audit.title"), Form: r.URL.Query(),
		Data: map[string]any{"Entries": es, "Pager": newPager(f.Page, total)}})
}

func (s *Server) apiAudit(w http.ResponseWriter, r *http.Request) error {
	if err := requireAdmin(r); err != nil {
		return err
	}
	f, err := auditFilter(r)
	if err != nil {
		return err
	}
	es, total, err := s.db.FindAuditEntries(r.Context(), f)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, newList(es, total, f.Page))
}
