package residents

import (
	"context"
	"strings"

	"github.com/aldyn-kg/aldyn"
	"github.com/aldyn-kg/aldyn/internal/opendata"
)

// Report-back meetings of precinct inspectors as open data: per precinct
// and quarter (Bishkek time), how many meetings were held, not held or are
// still planned, and how many residents came to those held. No free text
// (places, issues, reasons) and no names. The meetings are public events,
// each already on the public calendar with its attendance, and a count of
// meetings is not a count of records about people, so the minimum cell
// count does not apply, as for the coordination meetings' dataset.
func init() {
	opendata.Register(opendata.Dataset{
		Slug: "report-back-meetings-quarterly", Theme: opendata.ThemeCoordination, Frequency: opendata.Quarterly,
		Keywords:    []string{"report-back", "meetings", "precinct", "inspectors", "kyrgyzstan"},
		Title:       opendata.Message("reportback.open.title"),
		Description: opendata.Message("reportback.open.description"),
		Source:      opendata.WritesSource, Build: buildReportBackQuarterly,
		Chart: &opendata.ChartSpec{Table: "meetings", X: "quarter_label", Y: "held"},
	})
}

func reportBackField(name, typ string) opendata.Field {
	return opendata.MessageField("reportback.open.field.", name, typ)
}

func buildReportBackQuarterly(ctx context.Context, in opendata.Input) ([]*opendata.Table, error) {
	counts, err := in.DB.CountReportBackMeetings(ctx, aldyn.ReportBackFilter{})
	if err != nil {
		return nil, err
	}
	ts, err := in.DB.TerritoryNames(ctx)
	if err != nil {
		return nil, err
	}
	byCode := map[string]aldyn.Territory{}
	for _, t := range ts {
		byCode[t.Code] = t
	}
	t := &opendata.Table{Name: "meetings", Title: opendata.Message("reportback.open.table"), Fields: []opendata.Field{
		opendata.MessageField("residents.open.field.", "year", "year"),
		reportBackField("quarter", "integer"),
		reportBackField("quarter_label", "string"),
		reportBackField("district_code", "string"),
		reportBackField("precinct_code", "string"),
		reportBackField("precinct_ky", "string"),
		reportBackField("precinct_ru", "string"),
		reportBackField("precinct_en", "string"),
		reportBackField("held", "integer"),
		reportBackField("not_held", "integer"),
		reportBackField("planned", "integer"),
		reportBackField("attendance", "integer"),
	}}
	for _, c := range counts {
		p := byCode[c.PrecinctCode]
		// A precinct's code is its district's code and a suffix.
		district, _, _ := strings.Cut(c.PrecinctCode, "-")
		t.Rows = append(t.Rows, []any{int64(c.Year), int64(c.Quarter), c.Period(), district, c.PrecinctCode, p.NameKy, p.NameRu, p.NameEn,
			int64(c.Held), int64(c.NotHeld), int64(c.Scheduled), int64(c.Attendance)})
	}
	return []*opendata.Table{t}, nil
}
