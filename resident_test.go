package aldyn

import (
	"strings"
	"testing"
	"time"
)

func validResidentReport() *ResidentReport {
	return &ResidentReport{CategoryID: 1, TerritoryCode: "41702000000000", Description: "The street light is broken for a month", Lang: "ky"}
}

func TestResidentReportValidate(t *testing.T) {
	lat, lon, far := 42.87, 74.59, 10.0
	cases := []struct {
		name, field string
		edit        func(r *ResidentReport)
	}{
		{"no category", "category_id", func(r *ResidentReport) { r.CategoryID = 0 }},
		{"no territory", "territory_code", func(r *ResidentReport) { r.TerritoryCode = "" }},
		{"bad territory", "territory_code", func(r *ResidentReport) { r.TerritoryCode = "Bishkek" }},
		{"short description", "description", func(r *ResidentReport) { r.Description = " short " }},
		{"long description", "description", func(r *ResidentReport) { r.Description = strings.Repeat("ы", MaxResidentDescription+1) }},
		{"half a point", "lat", func(r *ResidentReport) { r.Lat = &lat }},
		{"point abroad", "lat", func(r *ResidentReport) { r.Lat, r.Lon = &far, &lon }},
		{"bad e-mail", "contact_email", func(r *ResidentReport) { r.ContactEmail = "me at home" }},
		{"bad phone", "contact_phone", func(r *ResidentReport) { r.ContactPhone = "call me" }},
		{"bad status", "status", func(r *ResidentReport) { r.Status = "lost" }},
		{"negative settlement", "settlement_id", func(r *ResidentReport) { r.SettlementID = -1 }},
	}
	if err := validResidentReport().Validate(); err != nil {
		t.Fatalf("valid report: %v", err)
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := validResidentReport()
			c.edit(r)
			e, ok := r.Validate().(*Error)
			if !ok || e.Fields[c.field] == "" {
				t.Fatalf("got %v, want an error on %s", e, c.field)
			}
		})
	}
	r := validResidentReport()
	r.Lat, r.Lon = &lat, &lon
	r.ContactEmail, r.ContactPhone = "a@b.kg", "+996 555 123 456"
	if err := r.Validate(); err != nil || r.Status != ResidentReceived || r.Source != SourceWeb {
		t.Fatalf("got %v status %q source %q", err, r.Status, r.Source)
	}
}

func TestResidentCategoryValidate(t *testing.T) {
	ok := ResidentCategory{Code: "unlit_street", Name: Text{KY: "a", RU: "b", EN: "c"}, BodyTypes: []string{"local_government"}, DeadlineDays: 10}
	if err := ok.Validate(); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name, field string
		edit        func(c *ResidentCategory)
	}{
		{"code", "code", func(c *ResidentCategory) { c.Code = "Unlit street" }},
		{"name", "name_ru", func(c *ResidentCategory) { c.Name.RU = "" }},
		{"no body type", "body_types", func(c *ResidentCategory) { c.BodyTypes = nil }},
		{"unknown body type", "body_types", func(c *ResidentCategory) { c.BodyTypes = []string{"army"} }},
		{"commission", "body_types", func(c *ResidentCategory) { c.BodyTypes = []string{"coordination_commission"} }},
		{"deadline", "deadline_days", func(c *ResidentCategory) { c.DeadlineDays = 0 }},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c := ok
			tc.edit(&c)
			e, _ := c.Validate().(*Error)
			if e == nil || e.Fields[tc.field] == "" {
				t.Fatalf("got %v, want an error on %s", e, tc.field)
			}
		})
	}
	sens := ResidentCategory{Code: "violence_home", Name: ok.Name, Sensitive: true}
	if err := sens.Validate(); err != nil {
		t.Fatalf("a sensitive category needs no body or deadline: %v", err)
	}
}

func TestResidentTransitions(t *testing.T) {
	now := time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC)
	r := validResidentReport()
	r.Status = ResidentReceived
	if err := r.Transition(ResidentAnswered, "  ", now); ErrorCode(err) != EINVALID {
		t.Fatalf("answer without text: got %v", err)
	}
	if err := r.Transition(ResidentInProgress, "", now); err != nil {
		t.Fatal(err)
	}
	if err := r.Transition(ResidentReceived, "", now); ErrorCode(err) != ECONFLICT {
		t.Fatalf("back to received: got %v", err)
	}
	if err := r.Transition(ResidentRejected, "", now); ErrorCode(err) != EINVALID {
		t.Fatalf("reject without reason: got %v", err)
	}
	if err := r.Transition(ResidentAnswered, "Lamp replaced", now); err != nil || r.Answer != "Lamp replaced" || r.AnsweredAt == nil {
		t.Fatalf("got %v %+v", err, r)
	}
	for _, to := range ResidentStatuses {
		if r.Status.CanTransition(to) {
			t.Errorf("a closed report moved to %s", to)
		}
	}
}

func TestResidentDeadline(t *testing.T) {
	fri := time.Date(2026, 3, 6, 15, 0, 0, 0, time.UTC)
	if got := AddWorkingDays(fri, 1); got.Weekday() != time.Monday || got.Day() != 9 {
		t.Fatalf("got %v, want Monday 9 March", got)
	}
	// 8 March is a Sunday (not moved), 20 March is Orozo Ait.
	if got := AddWorkingDays(fri, 10); got.Format(time.DateOnly) != "2026-03-23" {
		t.Fatalf("got %v, want 2026-03-23", got)
	}
	r := validResidentReport()
	r.Status, r.DueOn = ResidentReceived, AddWorkingDays(fri, 1)
	if r.IsOverdue(time.Date(2026, 3, 9, 23, 59, 0, 0, time.UTC)) {
		t.Error("overdue on its due day")
	}
	if !r.IsOverdue(time.Date(2026, 3, 10, 0, 0, 0, 0, time.UTC)) {
		t.Error("not overdue the day after")
	}
	r.Status = ResidentAnswered
	if r.IsOverdue(time.Date(2026, 4, 1, 0, 0, 0, 0, time.UTC)) {
		t.Error("an answered report is overdue")
	}
}

func TestRedactPersonalData(t *testing.T) {
	in := "Айбек Асанов (ПИН 21203199012345) звонит с 0555 123 456 и +996 (312) 62-45-67, пишите aibek.a@mail.kg. Дом 12, 2025 год."
	got := RedactPersonalData(in)
	for _, leak := range []string{"21203199012345", "0555 123 456", "62-45-67", "aibek.a@mail.kg", "555"} {
		if strings.Contains(got, leak) {
			t.Errorf("%q left in %q", leak, got)
		}
	}
	for _, keep := range []string{"Дом 12", "2025 год", "Айбек"} {
		if !strings.Contains(got, keep) {
			t.Errorf("%q lost from %q", keep, got)
		}
	}
	r := &ResidentReport{Description: in, Redactions: []string{"айбек асанов"}}
	if p := r.PublicText(); strings.Contains(p, "Айбек") || strings.Contains(p, "Асанов") {
		t.Errorf("a redacted name is public: %q", p)
	}
}

func TestPublicPoint(t *testing.T) {
	lat, lon := 42.874321, 74.612345
	la, lo := PublicPoint(lat, lon, nil, nil)
	if la != 42.874 || lo != 74.612 {
		t.Fatalf("got %v,%v", la, lo)
	}
	// A boundary at lon 74.6123: the rounded point is outside, a corner inside is taken.
	inside := func(_, lon float64) bool { return lon >= 74.6123 }
	la, lo = PublicPoint(lat, lon, inside, nil)
	if !inside(la, lo) || lo != 74.613 {
		t.Fatalf("got %v,%v, want a point inside", la, lo)
	}
	centre := [2]float64{42.9, 74.7}
	la, lo = PublicPoint(lat, lon, func(float64, float64) bool { return false }, &centre)
	if la != 42.9 || lo != 74.7 {
		t.Fatalf("got %v,%v, want the centre", la, lo)
	}
}

func TestCanMerge(t *testing.T) {
	a := &ResidentReport{ID: 1, BodyID: 5}
	b := &ResidentReport{ID: 2, BodyID: 5}
	if err := CanMerge(a, b); err != nil {
		t.Fatal(err)
	}
	if CanMerge(a, a) == nil {
		t.Error("merged into itself")
	}
	c := &ResidentReport{ID: 3, BodyID: 6}
	if CanMerge(a, c) == nil {
		t.Error("merged across bodies")
	}
	one := int64(1)
	b.DuplicateOf = &one
	if CanMerge(c, b) == nil {
		t.Error("merged into a merged report")
	}
}

func TestResidentScope(t *testing.T) {
	rep := &Actor{UserID: 1, Role: RoleReporter, BodyID: 7, TerritoryPath: "/k/a/"}
	coord := &Actor{UserID: 2, Role: RoleCoordinator, TerritoryPath: "/k/a/"}
	other := &Actor{UserID: 3, Role: RoleCoordinator, TerritoryPath: "/k/b/"}
	if !rep.CanHandleResident(7, "/k/a/x/") || rep.CanHandleResident(8, "/k/a/x/") {
		t.Error("a reporter handles its body's reports only")
	}
	if !coord.CanHandleResident(8, "/k/a/x/") || other.CanHandleResident(8, "/k/a/x/") {
		t.Error("a coordinator handles its territory's reports only")
	}
	if Public.CanSeeResident(7, "/k/a/", "/k/a/") || Public.CanModerateResidents("/k/a/") {
		t.Error("the public sees internals")
	}
	if coord.CanEditResidentCategories() || !(&Actor{Role: RoleAdministrator, UserID: 4, TerritoryPath: "/41700000000000/"}).CanEditResidentCategories() ||
		(&Actor{Role: RoleAdministrator, UserID: 5, TerritoryPath: "/41700000000000/41708000000000/"}).CanEditResidentCategories() {
		t.Error("categories are national administrators'")
	}
}

func TestRouteResident(t *testing.T) {
	bodies := []BodyCandidate{
		{ID: 1, Type: "police", TerritoryPath: "/kg/"},
		{ID: 2, Type: "police", TerritoryPath: "/kg/chui/"},
		{ID: 3, Type: "local_government", TerritoryPath: "/kg/chui/alamudun/"},
		{ID: 4, Type: "police", TerritoryPath: "/kg/chui/alamudun/"},
		{ID: 5, Type: "police", TerritoryPath: "/kg/osh/"},
		{ID: 6, Type: "police", TerritoryPath: "/kg/chui/alamudun/p1/"},
	}
	cases := []struct {
		path  string
		types []string
		want  int64
	}{
		{"/kg/chui/alamudun/", []string{"police"}, 4},
		{"/kg/chui/alamudun/p1/", []string{"police"}, 6},
		{"/kg/chui/sokuluk/", []string{"police"}, 2}, // none in Sokuluk: the oblast's
		{"/kg/chui/alamudun/", []string{"local_government", "police"}, 3},
		{"/kg/chui/alamudun/", []string{"police", "local_government"}, 4},
		{"/kg/chui/sokuluk/", []string{"local_government", "police"}, 2},
		{"/kg/naryn/", []string{"police"}, 1},
	}
	for _, c := range cases {
		if got, ok := RouteResident(c.path, c.types, bodies); !ok || got != c.want {
			t.Errorf("%s %v: got %d %v, want %d", c.path, c.types, got, ok, c.want)
		}
	}
	if _, ok := RouteResident("/kg/naryn/", []string{"prosecutor"}, bodies); ok {
		t.Error("routed to a body of another type")
	}
}

func TestResidentTimeliness(t *testing.T) {
	due := time.Date(2026, 3, 9, 0, 0, 0, 0, time.UTC)
	at := func(d, h int) *time.Time { t := time.Date(2026, 3, d, h, 0, 0, 0, time.UTC); return &t }
	now := *at(20, 12)
	one := int64(1)
	for _, c := range []struct {
		name            string
		r               ResidentReport
		counted, onTime bool
	}{
		{"answered on the due day", ResidentReport{Status: ResidentAnswered, DueOn: due, AnsweredAt: at(9, 23)}, true, true},
		{"answered the day after", ResidentReport{Status: ResidentAnswered, DueOn: due, AnsweredAt: at(10, 0)}, true, false},
		{"rejected in time", ResidentReport{Status: ResidentRejected, DueOn: due, AnsweredAt: at(5, 10)}, true, true},
		{"open past its due day", ResidentReport{Status: ResidentInProgress, DueOn: due}, true, false},
		{"open, not yet due", ResidentReport{Status: ResidentReceived, DueOn: time.Date(2026, 3, 25, 0, 0, 0, 0, time.UTC)}, false, false},
		{"merged", ResidentReport{Status: ResidentAnswered, DueOn: due, AnsweredAt: at(5, 10), DuplicateOf: &one}, false, false},
	} {
		if counted, onTime := c.r.Timeliness(now); counted != c.counted || onTime != c.onTime {
			t.Errorf("%s: got counted %v on time %v, want %v %v", c.name, counted, onTime, c.counted, c.onTime)
		}
	}
}
