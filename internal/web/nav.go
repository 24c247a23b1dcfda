package web

import (
	"net/http"
	"strings"
)

// navEntry is one entry of the site's navigation. Gate is the access
// rule of the page, the very function its handler calls first, so that
// the menu offers a visitor only the pages the visitor can open.
type navEntry struct {
	Path string
	Key  string // message key of the label, also the page's title
	Gate func(*http.Request) error
}

// open lets everyone in.
func open(*http.Request) error { return nil }

// navigation lists the menu in order.
var navigation = []navEntry{
	{"/territories", "nav.territories", open},
	{"/bodies", "nav.bodies", open},
	{"/plans", "nav.plans", open},
	{"/reports", "nav.reports", open},
	{"/concept", "concept.results.title", open},
	{"/monitoring", "nav.monitoring", requireSignedIn},
	{"/tasks", "nav.tasks", requireSignedIn},
	{"/residents", "residents.staff.title", requireSignedIn},
	{"/meetings", "nav.meetings", requireSignedIn},
	{"/data-sets", "datasets.title", requireSignedIn},
	{"/stats", "nav.statistics", requireSignedIn},
	{"/report-back-meetings", "nav.report_back", open},
	{"/open", "nav.open_data", open},
	{"/surveys", "nav.surveys", open},
	{"/users", "nav.users", requireAdmin},
	{"/audit", "nav.audit", requireAdmin},
}

// NavItem is a menu entry the page shows.
type NavItem struct {
	Path, Label string
	Current     bool
}

// Nav is the menu of the request's visitor: the entries whose page the
// visitor may open, the current one marked.
func (p *page) Nav() []NavItem {
	var out []NavItem
	for _, e := range navigation {
		if e.Gate(p.r) != nil {
			continue
		}
		cur := p.r.URL.Path == e.Path || strings.HasPrefix(p.r.URL.Path, e.Path+"/")
		out = append(out, NavItem{Path: e.Path, Label: p.T(e.Key), Current: cur})
	}
	return out
}
