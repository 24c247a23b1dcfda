package aldyn

import (
	"testing"
	"time"
)

func TestParsePeriod(t *testing.T) {
	for _, c := range []struct {
		in, start, end, next, label string
	}{
		{"202403", "2024-03-01", "2024-03-31", "202404", "2024-03"},
		{"202412", "2024-12-01", "2024-12-31", "202501", "2024-12"},
		{"202402", "2024-02-01", "2024-02-29", "202403", "2024-02"},
		{"2024Q1", "2024-01-01", "2024-03-31", "2024Q2", "2024 Q1"},
		{"2024Q4", "2024-10-01", "2024-12-31", "2025Q1", "2024 Q4"},
		{"2024S2", "2024-07-01", "2024-12-31", "2025S1", "2024 H2"},
		{"2024", "2024-01-01", "2024-12-31", "2025", "2024"},
	} {
		p, err := ParsePeriod(c.in)
		if err != nil {
			t.Fatalf("%s: %v", c.in, err)
		}
		if p.String() != c.in || p.Start().Format(time.DateOnly) != c.start || p.End().Format(time.DateOnly) != c.end ||
			p.Next().String() != c.next || p.Label() != c.label {
			t.Errorf("%s: got %s %s..%s next %s label %s", c.in, p, p.Start().Format(time.DateOnly), p.End().Format(time.DateOnly), p.Next(), p.Label())
		}
		if got := PeriodOf(p.Type, p.End()); got != p {
			t.Errorf("%s: PeriodOf(end) = %s", c.in, got)
		}
	}
	for _, bad := range []string{"", "24", "202413", "202400", "2024Q5", "2024Q0", "2024S3", "2024-03", "1800", "2024Q01", "abcd"} {
		if _, err := ParsePeriod(bad); ErrorCode(err) != EINVALID {
			t.Errorf("%q: got %v, want EINVALID", bad, err)
		}
	}
}

func testDataSet() *DataSet {
	sex := &Disaggregation{ID: 1, Code: "sex_age", Name: Text{"Жынысы", "Пол", "Sex"}, Categories: []Category{
		{Code: "sex", Name: Text{"Жынысы", "Пол", "Sex"}, Options: []CategoryOption{
			{"female", Text{"аял", "женщины", "female"}}, {"male", Text{"эркек", "мужчины", "male"}}}},
		{Code: "age", Name: Text{"Жашы", "Возраст", "Age"}, Options: []CategoryOption{
			{"age_0_17", Text{"0–17", "0–17", "0–17"}}, {"age_18", Text{"18+", "18+", "18+"}}}},
	}}
	return &DataSet{ID: 7, Code: "protection", Version: 1, Name: Text{"Коргоо", "Защита", "Protection"}, PeriodType: PeriodQuarter,
		BodyTypes: []string{"police"}, Level: LevelDistrict, DeadlineDays: 15, Status: DataSetActive, ElementIDs: []int64{1, 2, 3}, Sensitive: true,
		Elements: []*DataElement{
			{ID: 1, Code: "issued", ValueType: ValueInteger, Aggregation: AggregateSum, DisaggregationID: 1, Disaggregation: sex},
			{ID: 2, Code: "breached", ValueType: ValueInteger, Aggregation: AggregateSum},
			{ID: 3, Code: "note", ValueType: ValueText},
		}}
}

func TestDataSetValidate(t *testing.T) {
	s := testDataSet()
	if err := s.Validate(); err != nil {
		t.Fatal(err)
	}
	for name, c := range map[string]struct {
		change func(*DataSet)
		field  string
	}{
		"code":        {func(s *DataSet) { s.Code = "Bad code" }, "code"},
		"name":        {func(s *DataSet) { s.Name.RU = "" }, "name_ru"},
		"period type": {func(s *DataSet) { s.PeriodType = "week" }, "period_type"},
		"body types":  {func(s *DataSet) { s.BodyTypes = nil }, "body_types"},
		"body type":   {func(s *DataSet) { s.BodyTypes = []string{"bank"} }, "body_types"},
		"level":       {func(s *DataSet) { s.Level = LevelPrecinct }, "level"},
		"deadline":    {func(s *DataSet) { s.DeadlineDays = -1 }, "deadline_days"},
		"status":      {func(s *DataSet) { s.Status = "live" }, "status"},
		"no elements": {func(s *DataSet) { s.ElementIDs = nil }, "element_ids"},
		"dup element": {func(s *DataSet) { s.ElementIDs = []int64{1, 1} }, "element_ids"},
	} {
		t.Run(name, func(t *testing.T) {
			s := testDataSet()
			c.change(s)
			err := s.Validate()
			var e *Error
			if !asError(err, &e) || e.Fields[c.field] == "" {
				t.Errorf("got %v, want an error on %s", err, c.field)
			}
		})
	}
}

func asError(err error, e **Error) bool {
	x, ok := err.(*Error)
	*e = x
	return ok
}

func TestDataSetSchedule(t *testing.T) {
	s := testDataSet()
	s.OpenDays, s.CloseDays = 10, 30
	p, _ := ParsePeriod("2024Q1")
	if got := s.Opens(p).Format(time.DateOnly); got != "2024-03-22" {
		t.Errorf("opens %s, want 2024-03-22", got)
	}
	if got := s.Deadline(p).Format(time.DateOnly); got != "2024-04-15" {
		t.Errorf("deadline %s, want 2024-04-15", got)
	}
	for _, c := range []struct {
		day  string
		code string
	}{
		{"2024-03-21", ECONFLICT}, {"2024-03-22", ""}, {"2024-05-15", ""}, {"2024-05-16", ECONFLICT},
	} {
		d, _ := time.Parse(time.DateOnly, c.day)
		if got := ErrorCode(s.CheckPeriod(p, d.Add(13*time.Hour))); got != c.code {
			t.Errorf("%s: got %q, want %q", c.day, got, c.code)
		}
	}
	m, _ := ParsePeriod("202403")
	if ErrorCode(s.CheckPeriod(m, time.Date(2024, 4, 2, 0, 0, 0, 0, time.UTC))) != EINVALID {
		t.Error("a monthly period accepted for a quarterly data set")
	}
}

func TestDisaggregation(t *testing.T) {
	d := testDataSet().Elements[0].Disaggregation
	if err := d.Validate(); err != nil {
		t.Fatal(err)
	}
	var keys []string
	for _, c := range d.Combos() {
		keys = append(keys, c.Key)
	}
	want := []string{"female,age_0_17", "female,age_18", "male,age_0_17", "male,age_18"}
	if len(keys) != len(want) {
		t.Fatalf("got %v, want %v", keys, want)
	}
	for i := range want {
		if keys[i] != want[i] {
			t.Errorf("combo %d: got %s, want %s", i, keys[i], want[i])
		}
	}
	if got := d.Combos()[1].Name("ru"); got != "женщины, 18+" {
		t.Errorf("name %q", got)
	}
	d.Categories[1].Options[0].Code = "female"
	if err := d.Validate(); err == nil {
		t.Error("an option code used twice was accepted")
	}
	var none *Disaggregation
	if c := none.Combos(); len(c) != 1 || c[0].Key != "" {
		t.Errorf("no disaggregation: got %v", c)
	}
}
