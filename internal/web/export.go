package web

import (
	"context"
	"net/http"

	"github.com/aldyn-kg/aldyn"
	"github.com/aldyn-kg/aldyn/internal/export"
)

// exportList writes every page of a filtered list as CSV or XLSX: find
// returns one page of items and the total, row turns an item into the
// table's cells. Every list page's download goes through here.
func exportList[T any](r *http.Request, w http.ResponseWriter, format, filename string, t export.Table, p aldyn.Page,
	find func(context.Context, aldyn.Page) ([]T, int, error), row func(T) []any) error {
	if format != "csv" && format != "xlsx" {
		return badParam("format")
	}
	items, err := aldyn.AllPages(p, func(p aldyn.Page) ([]T, int, error) { return find(r.Context(), p) })
	if err != nil {
		return err
	}
	for _, it := range items {
		t.Rows = append(t.Rows, row(it))
	}
	return serveTable(w, r, format, filename, t)
}

// serveTable sends t as a CSV or XLSX download. CSV takes the dialect
// of the sep parameter: "semicolon" (decimal commas, codes kept as text:
// what Excel in Kyrgyz or Russian settings opens) or "comma" (RFC 4180);
// without it, semicolon in ky and ru and comma in en.
func serveTable(w http.ResponseWriter, r *http.Request, format, filename string, t export.Table) error {
	d, ok := export.CSVDialectFor(r.URL.Query().Get("sep"), info(r).lang)
	if !ok {
		return badParam("sep")
	}
	return export.Serve(w, format, filename, t, d)
}
