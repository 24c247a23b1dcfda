package planreport

import (
	"io"

	"github.com/aldyn-kg/aldyn/internal/export"
)

// WriteXLSX writes the report as one workbook: a cover sheet naming the
// plan, the period and the date of the figures, then a sheet per table.
func (r *Report) WriteXLSX(w io.Writer) error {
	loc := r.loc
	cover := &export.Cover{Sheet: tr(loc, "planreport.cover.sheet"), Title: tr(loc, "planreport.cover.kind")}
	line := func(key, v string) {
		if v != "" {
			cover.Lines = append(cover.Lines, [2]string{tr(loc, key), v})
		}
	}
	line("planreport.cover.issuer", r.Issuer)
	line("planreport.cover.plan", r.Title)
	line("planreport.cover.period_label", r.Period)
	line("planreport.cover.as_of_label", loc.Date(r.AsOfDay))
	line("planreport.cover.date_label", loc.Date(r.Date))
	wb := export.Workbook{Title: r.Title, Creator: r.Issuer, Cover: cover, Tables: r.Tables()}
	return wb.Write(w)
}
