package plantemplate_test

import (
	"bytes"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding/charmap"

	"github.com/aldyn-kg/aldyn"
	"github.com/aldyn-kg/aldyn/internal/concept"
	"github.com/aldyn-kg/aldyn/internal/plantemplate"
	wt "github.com/aldyn-kg/aldyn/internal/workbook/workbooktest"
)

func MustConcept(tb testing.TB) *aldyn.Concept {
	tb.Helper()
	c, err := concept.Load()
	if err != nil {
		tb.Fatalf("concept.Load: %v", err)
	}
	return c
}

func testPlan() *aldyn.Plan {
	return &aldyn.Plan{ID: 7, Kind: aldyn.PlanJoint, TerritoryCode: "41721000000000", StartYear: 2025, EndYear: 2027, Status: aldyn.PlanDraft}
}

var testBodies = []aldyn.Body{
	{ID: 11, NameKy: "Ош шаардык ички иштер башкармалыгы", NameRu: "УВД города Ош", NameEn: "Osh City Police Department"},
	{ID: 12, NameKy: "Кара-Суу айыл өкмөтү", NameRu: "Айыл окмоту Кара-Суу", NameEn: "Kara-Suu ayil okmotu"},
	{ID: 13, NameKy: "Ош шаардык билим берүү башкармалыгы", NameRu: "Управление образования г. Ош", NameEn: "Osh City Education Department"},
}

func bodyNameKy(id int64) string {
	for _, b := range testBodies {
		if b.ID == id {
			return b.NameKy
		}
	}
	return ""
}

func day(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }

// MustSample returns validated measures and indicators as a store would
// hold them.
func MustSample(tb testing.TB) ([]aldyn.Measure, []aldyn.Indicator) {
	tb.Helper()
	inds := []aldyn.Indicator{
		{
			ID: 101, PlanID: 7, Code: "1",
			Name: aldyn.Text{
				KY: "Үй-бүлөлүк зомбулук боюнча катталган кайрылуулардын үлүшү",
				RU: "Доля зарегистрированных обращений о семейном насилии",
				EN: "Share of registered domestic-violence complaints",
			},
			Unit: "%", Kind: aldyn.IndicatorPercent, HigherIsBetter: true, Source: aldyn.IndicatorManual,
			Disaggregation: aldyn.DisaggregationNone, Frequency: aldyn.FrequencyQuarterly,
			Verification:  aldyn.Text{KY: "Аймактык ИИБдин отчёту; «Жаңы муун» сурамжылоосу", RU: "Отчёт территориального ОВД, опрос «Жаңы муун»"},
			BaselineValue: 12.5, BaselineYear: 2023,
			Targets: []aldyn.IndicatorTarget{{Year: 2025, Value: 20}, {Year: 2026, Value: 25.5}, {Year: 2027, Value: 30}},
		},
		{
			ID: 102, PlanID: 7, Code: "2",
			Name: aldyn.Text{KY: "100 000 тургунга уурулук", RU: "Кражи на 100 000 жителей", EN: "Thefts per 100,000 residents"},
			Unit: "на 100 000", Kind: aldyn.IndicatorRate, Source: aldyn.IndicatorOffenses, OffenseCategory: aldyn.CategoryTheft,
			Disaggregation: aldyn.DisaggregationTerritory, Frequency: aldyn.FrequencyAnnual,
			Verification:  aldyn.Text{EN: "Offense register", RU: "Реестр правонарушений"},
			BaselineValue: 310.2, BaselineYear: 2024,
			Targets: []aldyn.IndicatorTarget{{Year: 2026, Value: 280}, {Year: 2027, Value: 250.75}},
		},
	}
	ms := []aldyn.Measure{
		{
			PlanID: 7, Code: "1.1", ComponentCode: "4.3", TaskCode: "4.3.1",
			Title: aldyn.Text{
				KY: "Жергиликтүү коомдоштуктар менен биргелешкен түнкү кезүүлөрдү уюштуруу",
				RU: "Организация совместных ночных дежурств с местным сообществом",
				EN: "Joint night patrols with the local community",
			},
			Description:       aldyn.Text{RU: "Патрули в микрорайонах; графики, \"маршруты\", связь\nвторая строка", KY: "Кезүүлөр; графиктер, \"маршруттар\"\nэкинчи сап"},
			ResponsibleBodyID: 11, CoExecutorIDs: []int64{12, 13},
			Start: day(2025, 2, 1), Due: day(2025, 12, 31),
			Budget: []aldyn.BudgetLine{
				{Source: aldyn.BudgetLocal, AmountKGS: 150000},
				{Source: aldyn.BudgetPartners, Funder: "ПРООН", AmountKGS: 300000},
				{Source: aldyn.BudgetPartners, Funder: "ОсОО «Жаңы муун»", AmountKGS: 50000},
				{Source: aldyn.BudgetOther, AmountKGS: 0},
			},
			ExpectedResult: aldyn.Text{KY: "Түнкү укук бузуулар азаят", RU: "Снижение числа ночных правонарушений", EN: "Fewer night-time offenses"},
			IndicatorIDs:   []int64{101, 102},
		},
		{
			PlanID: 7, Code: "1.10", ComponentCode: "5.1",
			Title:             aldyn.Text{RU: "Профилактика в школах", KY: "Мектептердеги алдын алуу"},
			ResponsibleBodyID: 13,
			Start:             day(2026, 1, 15), Due: day(2027, 6, 30),
			Budget:         []aldyn.BudgetLine{{Source: aldyn.BudgetRepublican, AmountKGS: 1000000}},
			ExpectedResult: aldyn.Text{RU: "Охвачено 40 школ"},
			IndicatorIDs:   []int64{102},
			Cancelled:      true,
		},
		{
			PlanID: 7, Code: "2",
			Title:             aldyn.Text{KY: "Көчө жарыгын калыбына келтирүү (ңөү)", EN: "=HYPERLINK(\"http://evil.example\")"},
			ExpectedResult:    aldyn.Text{RU: "- освещено 20 улиц"},
			ResponsibleBodyID: 12,
			Start:             day(2027, 3, 1), Due: day(2027, 3, 1),
		},
	}
	c, p := MustConcept(tb), testPlan()
	for i := range inds {
		if err := inds[i].Validate(); err != nil {
			tb.Fatalf("indicator %s: %v", inds[i].Code, err)
		}
	}
	for i := range ms {
		if err := ms[i].Validate(p, c); err != nil {
			tb.Fatalf("measure %s: %v", ms[i].Code, err)
		}
	}
	return ms, inds
}

// renumber gives indicators the numbers Read gives them, 1…n.
func renumber(ms []aldyn.Measure, inds []aldyn.Indicator) {
	ids := map[int64]int64{}
	for i := range inds {
		ids[inds[i].ID] = int64(i + 1)
		inds[i].ID = int64(i + 1)
	}
	for i := range ms {
		for j, id := range ms[i].IndicatorIDs {
			ms[i].IndicatorIDs[j] = ids[id]
		}
	}
}

func TestRoundTrip(t *testing.T) {
	for _, tc := range []struct {
		name     string
		format   string
		bodyName func(int64) string
		bodies   plantemplate.BodyResolver
	}{
		{"xlsx names", plantemplate.XLSX, bodyNameKy, plantemplate.ResolveBodies(testBodies)},
		{"xlsx ids", plantemplate.XLSX, nil, nil},
		{"csv names", plantemplate.CSV, bodyNameKy, plantemplate.ResolveBodies(testBodies)},
		{"csv ids", plantemplate.CSV, nil, plantemplate.ResolveBodies(testBodies)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ms, inds := MustSample(t)
			var buf bytes.Buffer
			if err := plantemplate.Write(&buf, tc.format, ms, inds, tc.bodyName); err != nil {
				t.Fatalf("Write: %v", err)
			}
			// A CSV neutralises texts a spreadsheet would run as formulas,
			// and reading it back restores them.
			if csv := buf.String(); tc.format == plantemplate.CSV && (!strings.Contains(csv, `"'=HYPERLINK(""http://evil.example"")"`) || !strings.Contains(csv, "'- освещено")) {
				t.Errorf("formula-like texts not neutralised in\n%s", csv)
			}
			gotMs, gotInds, errs, err := plantemplate.Read(&buf, tc.format, testPlan(), MustConcept(t), tc.bodies)
			if err != nil || len(errs) > 0 {
				t.Fatalf("Read: err %v, row errors %+v", err, errs)
			}
			renumber(ms, inds)
			if !reflect.DeepEqual(gotInds, inds) {
				t.Errorf("indicators:\ngot  %+v\nwant %+v", gotInds, inds)
			}
			if !reflect.DeepEqual(gotMs, ms) {
				t.Errorf("measures:\ngot  %+v\nwant %+v", gotMs, ms)
			}
		})
	}
}

func TestWriteUnknownIndicator(t *testing.T) {
	ms, inds := MustSample(t)
	var buf bytes.Buffer
	if err := plantemplate.Write(&buf, plantemplate.CSV, ms, inds[:1], nil); err == nil {
		t.Error("Write of a measure whose indicator is missing: got no error")
	}
}

// MustXLSX builds a workbook whose sheets hold the given rows as text.
func MustXLSX(tb testing.TB, sheets map[string][][]string) []byte {
	tb.Helper()
	f := excelize.NewFile()
	defer f.Close()
	first := true
	for _, name := range []string{plantemplate.SheetMeasures, plantemplate.SheetIndicators, "Notes"} {
		rows, ok := sheets[name]
		if !ok {
			continue
		}
		if first {
			if err := f.SetSheetName("Sheet1", name); err != nil {
				tb.Fatal(err)
			}
			first = false
		} else if _, err := f.NewSheet(name); err != nil {
			tb.Fatal(err)
		}
		for r, row := range rows {
			for c, v := range row {
				if v == "" {
					continue
				}
				cell, _ := excelize.CoordinatesToCellName(c+1, r+1)
				if err := f.SetCellStr(name, cell, v); err != nil {
					tb.Fatal(err)
				}
			}
		}
	}
	var buf bytes.Buffer
	if err := f.Write(&buf); err != nil {
		tb.Fatal(err)
	}
	return buf.Bytes()
}

// rowOf lays out cells by column name.
func rowOf(cols []string, cells map[string]string) []string {
	out := make([]string, len(cols))
	for i, c := range cols {
		out[i] = cells[c]
	}
	return out
}

func with(base map[string]string, kv ...string) map[string]string {
	m := make(map[string]string, len(base))
	for k, v := range base {
		m[k] = v
	}
	for i := 0; i+1 < len(kv); i += 2 {
		m[kv[i]] = kv[i+1]
	}
	return m
}

var goodMeasure = map[string]string{
	"code": "1.1", "component": "4.3", "task": "4.3.1",
	"title_ky": "Түнкү кезүүлөр", "title_ru": "Ночные дежурства",
	"responsible_body": "УВД города Ош", "co_executors": "Кара-Суу айыл өкмөтү",
	"start": "01.02.2025", "due": "2025-12-31", "indicators": "1",
}

var goodIndicator = map[string]string{
	"code": "1", "name_ru": "Доля обращений", "unit": "%", "kind": "percent", "higher_is_better": "ооба",
	"source": "manual", "frequency": "annual", "verification_ky": "Отчёт", "baseline_value": "12,5",
	"baseline_year": "2023", "targets": "2025:20;2026:25",
}

type place struct {
	Sheet  string
	Row    int
	Column string
	Reason string
}

func places(errs []plantemplate.RowError) []place {
	out := make([]place, len(errs))
	for i, e := range errs {
		out[i] = place{e.Sheet, e.Row, e.Column, e.Reason}
	}
	return out
}

func TestReadBadRows(t *testing.T) {
	mc, ic := plantemplate.MeasureColumns, plantemplate.IndicatorColumns
	data := MustXLSX(t, map[string][][]string{
		plantemplate.SheetMeasures: {
			mc,
			rowOf(mc, goodMeasure),
			rowOf(mc, with(goodMeasure, "task", "4.1.1")),
			rowOf(mc, with(goodMeasure, "code", "1.2", "responsible_body", "Неизвестный орган", "start", "31.02.2025",
				"budget_local", "-5", "budget_partners", "1000", "indicators", "1;9")),
			nil, // a blank row keeps the numbering of the sheet
			rowOf(mc, with(goodMeasure, "code", "x.1", "title_ky", "", "title_ru", " ", "start", "2025-06-01", "due", "2025-01-01")),
			rowOf(mc, with(goodMeasure, "code", "1.3", "start", "2024-12-31", "co_executors", "11;УВД города Ош")),
		},
		plantemplate.SheetIndicators: {
			ic,
			rowOf(ic, goodIndicator),
			rowOf(ic, goodIndicator),
			rowOf(ic, with(goodIndicator, "code", "2", "kind", "ratio", "higher_is_better", "maybe", "baseline_value", "abc", "targets", "2025-10")),
			rowOf(ic, with(goodIndicator, "code", "3", "source", "offenses", "offense_category", "theft", "verification_ky", "")),
		},
	})
	ms, inds, errs, err := plantemplate.Read(bytes.NewReader(data), plantemplate.XLSX, testPlan(), MustConcept(t), plantemplate.ResolveBodies(testBodies))
	if err != nil {
		t.Fatalf("Read: %v", err)
	}
	if ms != nil || inds != nil {
		t.Errorf("got %d measures and %d indicators with errors, want none", len(ms), len(inds))
	}
	const m, i = plantemplate.SheetMeasures, plantemplate.SheetIndicators
	want := []place{
		{m, 3, "code", "plantemplate.error.duplicate_code"},
		{m, 3, "task", "plan.error.task_component"},
		{m, 4, "responsible_body", "plantemplate.error.body"},
		{m, 4, "start", "import.error.date"},
		{m, 4, "budget_local", "plantemplate.error.amount"},
		{m, 4, "partners_funder", "plan.error.budget_funder"},
		{m, 4, "indicators", "plantemplate.error.indicator_unknown"},
		{m, 6, "code", "plan.error.code"},
		{m, 6, "title_ky", "error.required"},
		{m, 6, "due", "plan.error.due_before_start"},
		{m, 7, "co_executors", "error.invalid"},
		{m, 7, "start", "plan.error.outside_plan"},
		{i, 3, "code", "plantemplate.error.duplicate_code"},
		{i, 4, "kind", "indicator.error.kind"},
		{i, 4, "higher_is_better", "import.error.solved"},
		{i, 4, "baseline_value", "import.error.number"},
		{i, 4, "targets", "plantemplate.error.targets"},
		{i, 5, "kind", "indicator.error.computed_kind"},
		{i, 5, "verification_ky", "error.required"},
	}
	if got := places(errs); !reflect.DeepEqual(got, want) {
		t.Errorf("errors:\ngot  %v\nwant %v", got, want)
	}
	values := map[place]string{}
	for _, e := range errs {
		values[place{e.Sheet, e.Row, e.Column, e.Reason}] = e.Value
	}
	for p, v := range map[place]string{
		{m, 4, "indicators", "plantemplate.error.indicator_unknown"}: "9",
		{m, 4, "budget_local", "plantemplate.error.amount"}:          "-5",
		{m, 4, "responsible_body", "plantemplate.error.body"}:        "Неизвестный орган",
		{i, 4, "kind", "indicator.error.kind"}:                       "ratio",
	} {
		if values[p] != v {
			t.Errorf("value of %v: got %q, want %q", p, values[p], v)
		}
	}
}

func TestReadHeader(t *testing.T) {
	mc, ic := plantemplate.MeasureColumns, plantemplate.IndicatorColumns
	without := func(cols []string, drop string) []string {
		var out []string
		for _, c := range cols {
			if c != drop {
				out = append(out, c)
			}
		}
		return out
	}
	const m, i = plantemplate.SheetMeasures, plantemplate.SheetIndicators
	for _, tc := range []struct {
		name   string
		format string
		data   []byte
		want   []place
	}{
		{"missing column", plantemplate.XLSX, MustXLSX(t, map[string][][]string{m: {without(mc, "due")}, i: {ic}}),
			[]place{{m, 1, "due", "import.error.missing_column"}}},
		{"missing texts", plantemplate.XLSX, MustXLSX(t, map[string][][]string{m: {mc}, i: {without(without(without(ic, "name_ky"), "name_ru"), "name_en")}}),
			[]place{{i, 1, "name_ky", "import.error.missing_column"}}},
		{"unknown and repeated columns", plantemplate.XLSX, MustXLSX(t, map[string][][]string{m: {append(clone(mc), "titel_ru", "Code")}, i: {ic}}),
			[]place{{m, 1, "titel_ru", "plantemplate.error.unknown_column"}, {m, 1, "code", "import.error.duplicate_column"}}},
		{"missing sheet", plantemplate.XLSX, MustXLSX(t, map[string][][]string{m: {mc}, "Notes": {{"x"}}}),
			[]place{{i, 0, "", "plantemplate.error.missing_sheet"}}},
		{"csv without sheet column", plantemplate.CSV, []byte(strings.Join(mc, ",") + "\n"),
			[]place{
				{"", 1, "sheet", "import.error.missing_column"}, // in the order of the layout
				{"", 1, "name_ky", "import.error.missing_column"},
				{"", 1, "kind", "import.error.missing_column"},
				{"", 1, "higher_is_better", "import.error.missing_column"},
				{"", 1, "source", "import.error.missing_column"},
				{"", 1, "frequency", "import.error.missing_column"},
				{"", 1, "verification_ky", "import.error.missing_column"},
				{"", 1, "baseline_value", "import.error.missing_column"},
				{"", 1, "baseline_year", "import.error.missing_column"},
				{"", 1, "targets", "import.error.missing_column"},
			}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, _, errs, err := plantemplate.Read(bytes.NewReader(tc.data), tc.format, nil, nil, nil)
			if err != nil {
				t.Fatalf("Read: %v", err)
			}
			if got := places(errs); !reflect.DeepEqual(got, tc.want) {
				t.Errorf("errors:\ngot  %v\nwant %v", got, tc.want)
			}
		})
	}
}

func clone(s []string) []string { return append([]string(nil), s...) }

func TestReadEmpty(t *testing.T) {
	header := strings.Join(append([]string{"sheet"}, plantemplate.MeasureColumns...), ",") + "," +
		strings.Join(plantemplate.IndicatorColumns[1:], ",") + "\n"
	for _, tc := range []struct {
		name   string
		format string
		data   []byte
	}{
		{"csv", plantemplate.CSV, nil},
		{"xlsx", plantemplate.XLSX, nil},
		{"csv blank lines", plantemplate.CSV, []byte("\n\r\n  \n")},
		{"csv header only", plantemplate.CSV, []byte("\ufeff" + header)},
		{"xlsx headers only", plantemplate.XLSX, MustXLSX(t, map[string][][]string{
			plantemplate.SheetMeasures: {plantemplate.MeasureColumns}, plantemplate.SheetIndicators: {plantemplate.IndicatorColumns}})},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ms, inds, errs, err := plantemplate.Read(bytes.NewReader(tc.data), tc.format, nil, nil, nil)
			if aldyn.ErrorMessage(err) != "import.error.empty" {
				t.Errorf("err: got %v, want import.error.empty", err)
			}
			if ms != nil || inds != nil || errs != nil {
				t.Errorf("got %v, %v, %v, want nothing", ms, inds, errs)
			}
		})
	}
}

func TestReadFormat(t *testing.T) {
	_, _, _, err := plantemplate.Read(strings.NewReader("x"), "ods", nil, nil, nil)
	if aldyn.ErrorMessage(err) != "plantemplate.error.format" {
		t.Errorf("got %v, want plantemplate.error.format", err)
	}
	_, _, _, err = plantemplate.Read(strings.NewReader("not a zip"), plantemplate.XLSX, nil, nil, nil)
	if aldyn.ErrorMessage(err) != "import.error.xlsx" {
		t.Errorf("got %v, want import.error.xlsx", err)
	}
}

// Russian-locale Excel saves CSV with ";" and in Windows-1251.
func TestReadWindows1251Semicolons(t *testing.T) {
	text := strings.Join([]string{
		"sheet;code;title_ru;responsible_body;start;due;budget_local;indicators;name_ru;kind;higher_is_better;source;frequency;verification_ru;baseline_value;baseline_year;targets",
		"indicators;1;;;;;;;Доля раскрытых краж;percent;да;manual;annual;Отчёт ОВД;12,5;2023;\"2025:20;2026:25,5\"",
		`measures;1.1;"Рейды; профилактика ""на местах""";Управление образования г. Ош;01.02.2025;31.12.2025;1 500 000;1;;;;;;;;;`,
		"",
	}, "\r\n")
	enc, err := charmap.Windows1251.NewEncoder().String(text)
	if err != nil {
		t.Fatal(err)
	}
	ms, inds, errs, err := plantemplate.Read(strings.NewReader(enc), plantemplate.CSV, testPlan(), MustConcept(t), plantemplate.ResolveBodies(testBodies))
	if err != nil || len(errs) > 0 {
		t.Fatalf("Read: err %v, row errors %+v", err, errs)
	}
	if len(ms) != 1 || len(inds) != 1 {
		t.Fatalf("got %d measures and %d indicators, want 1 and 1", len(ms), len(inds))
	}
	m, ind := ms[0], inds[0]
	if want := `Рейды; профилактика "на местах"`; m.Title.RU != want {
		t.Errorf("title: got %q, want %q", m.Title.RU, want)
	}
	if m.ResponsibleBodyID != 13 || !m.Start.Equal(day(2025, 2, 1)) || !m.Due.Equal(day(2025, 12, 31)) {
		t.Errorf("measure: got body %d, %v–%v", m.ResponsibleBodyID, m.Start, m.Due)
	}
	if want := []aldyn.BudgetLine{{Source: aldyn.BudgetLocal, AmountKGS: 1500000}}; !reflect.DeepEqual(m.Budget, want) {
		t.Errorf("budget: got %+v, want %+v", m.Budget, want)
	}
	if want := []int64{1}; !reflect.DeepEqual(m.IndicatorIDs, want) {
		t.Errorf("indicator ids: got %v, want %v", m.IndicatorIDs, want)
	}
	if ind.Name.RU != "Доля раскрытых краж" || !ind.HigherIsBetter || ind.BaselineValue != 12.5 {
		t.Errorf("indicator: got %+v", ind)
	}
	if want := []aldyn.IndicatorTarget{{Year: 2025, Value: 20}, {Year: 2026, Value: 25.5}}; !reflect.DeepEqual(ind.Targets, want) {
		t.Errorf("targets: got %v, want %v", ind.Targets, want)
	}
}

func TestReadCSVRows(t *testing.T) {
	var buf bytes.Buffer
	ms, inds := MustSample(t)
	if err := plantemplate.Write(&buf, plantemplate.CSV, ms, inds, nil); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSuffix(buf.String(), "\n"), "\n")
	// Measure 1.1 spans lines 2–4 (its descriptions have line breaks);
	// give measure 1.10 on line 5 an indicator's column and measure 2 on
	// line 6 an unknown sheet.
	header := strings.Split(strings.TrimPrefix(lines[0], "\ufeff"), ",")
	if !strings.HasPrefix(lines[4], "measures,1.10,") {
		t.Fatalf("line 5: %q", lines[4])
	}
	bad := strings.Split(lines[4], ",")
	for i, h := range header {
		if h == "unit" {
			bad[i] = "шт."
		}
	}
	lines[4] = strings.Join(bad, ",")
	lines[5] = "measure s" + strings.TrimPrefix(lines[5], "measures")
	_, _, errs, err := plantemplate.Read(strings.NewReader(strings.Join(lines, "\n")), plantemplate.CSV, testPlan(), MustConcept(t), nil)
	if err != nil {
		t.Fatal(err)
	}
	want := []place{
		{plantemplate.SheetMeasures, 5, "unit", "plantemplate.error.other_sheet"},
		{"", 6, "sheet", "plantemplate.error.sheet"},
	}
	if got := places(errs); !reflect.DeepEqual(got, want) {
		t.Errorf("errors:\ngot  %v\nwant %v", got, want)
	}
}

func TestResolveBodies(t *testing.T) {
	bodies := append(slicesBodies(testBodies), aldyn.Body{ID: 14, NameRu: "УВД города Ош"})
	r := plantemplate.ResolveBodies(bodies)
	for _, tc := range []struct {
		cell string
		id   int64
		ok   bool
	}{
		{"11", 11, true},
		{"99", 99, false},
		{"  кара-суу   АЙЫЛ өкмөтү ", 12, true},
		{"Osh City Education Department", 13, true},
		{"УВД города Ош", 0, false}, // two bodies have this name
		{"", 0, false},
	} {
		if id, ok := r(tc.cell); ok != tc.ok || (ok && id != tc.id) {
			t.Errorf("%q: got %d, %v, want %d, %v", tc.cell, id, ok, tc.id, tc.ok)
		}
	}
}

func slicesBodies(b []aldyn.Body) []aldyn.Body { return append([]aldyn.Body(nil), b...) }

func FuzzRead(f *testing.F) {
	ms, inds := MustSample(f)
	for _, format := range []string{plantemplate.CSV, plantemplate.XLSX} {
		var buf bytes.Buffer
		if err := plantemplate.Write(&buf, format, ms, inds, nil); err != nil {
			f.Fatal(err)
		}
		f.Add(buf.Bytes(), format == plantemplate.XLSX)
	}
	f.Add([]byte("sheet;code;title_ru\nmeasures;1;\"open"), false)
	f.Add([]byte("sheet,code,targets\nindicators,1,2025:1e308;2026:-0\nmeasures,1,\n"), false)
	f.Add([]byte{}, false)
	c, p := MustConcept(f), testPlan()
	f.Fuzz(func(t *testing.T, data []byte, xlsx bool) {
		format := plantemplate.CSV
		if xlsx {
			format = plantemplate.XLSX
		}
		ms, inds, errs, err := plantemplate.Read(bytes.NewReader(data), format, p, c, nil)
		if (err != nil || len(errs) > 0) && (ms != nil || inds != nil) {
			t.Fatalf("records returned with errors: %v %v", err, errs)
		}
		for _, e := range errs {
			if e.Reason == "" {
				t.Fatalf("error without a reason: %+v", e)
			}
		}
		if err != nil || len(errs) > 0 {
			return
		}
		// What was read writes and reads back the same.
		var buf bytes.Buffer
		if err := plantemplate.Write(&buf, format, ms, inds, nil); err != nil {
			t.Fatalf("Write: %v", err)
		}
		ms2, inds2, errs, err := plantemplate.Read(&buf, format, p, c, nil)
		if err != nil || len(errs) > 0 {
			t.Fatalf("reading back: %v %+v", err, errs)
		}
		if !reflect.DeepEqual(ms, ms2) || !reflect.DeepEqual(inds, inds2) {
			t.Fatalf("read back differently:\n%+v\n%+v\n%+v\n%+v", ms, ms2, inds, inds2)
		}
	})
}

func TestReadRefusesXLSXBombs(t *testing.T) {
	header := []string{"code", "title_ky"}
	for _, tc := range []struct {
		name string
		data []byte
		want string
	}{
		{"a cell of 30 MB", wt.MustHugeCell(t, header, 30<<20, false), "import.error.xlsx_cell_too_long"},
		{"a sheet of 1 GB", wt.MustHugeCell(t, header, 1<<30, true), "import.error.xlsx_unpacked_too_large"},
		{"a sheet that says it holds 4 KB", wt.MustManyCells(t, header, 100_000, 4096), "import.error.xlsx_damaged"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, _, _, err := plantemplate.Read(bytes.NewReader(tc.data), plantemplate.XLSX, testPlan(), MustConcept(t), nil)
			if got := aldyn.ErrorMessage(err); got != tc.want {
				t.Errorf("got %v, want %s", err, tc.want)
			}
		})
	}
}
