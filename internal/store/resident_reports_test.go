package store_test

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aldyn-kg/aldyn"
	"github.com/aldyn-kg/aldyn/internal/store"
	"github.com/aldyn-kg/aldyn/internal/store/storetest"
)

const (
	chui    = "41708000000000"
	sokuluk = "41708206000000"
)

type residentFixture struct {
	db                       *store.DB
	ctx                      context.Context
	clock                    time.Time
	policeA, policeChui, lgA *aldyn.Body
	commA                    *aldyn.Body
	repA, repChui, coordA    *aldyn.Actor
	coordB                   *aldyn.Actor
	cat                      map[string]*aldyn.ResidentCategory
}

func mustResidentFixture(tb testing.TB) *residentFixture {
	tb.Helper()
	db := storetest.MustOpenDB(tb)
	// Friday 6 March 2026.
	f := &residentFixture{db: db, ctx: context.Background(), clock: time.Date(2026, 3, 6, 9, 0, 0, 0, time.UTC), cat: map[string]*aldyn.ResidentCategory{}}
	db.Now = func() time.Time { return f.clock }
	body := func(code, typ, name string) *aldyn.Body {
		b := &aldyn.Body{TerritoryCode: code, Type: typ, NameKy: name, NameRu: name, NameEn: name}
		if err := db.CreateBody(f.ctx, aldyn.System, b); err != nil {
			tb.Fatal(err)
		}
		return b
	}
	f.policeA = body(alamudun, "police", "Аламүдүн ИИБ")
	f.policeChui = body(chui, "police", "Чүй облустук ИИББ")
	f.lgA = body(alamudun, "local_government", "Аламүдүн айыл өкмөтү")
	f.commA = body(alamudun, "coordination_commission", "Аламүдүн комиссиясы")
	actor := func(id int64, role string, b *aldyn.Body) *aldyn.Actor {
		t, err := db.FindTerritoryByCode(f.ctx, b.TerritoryCode)
		if err != nil {
			tb.Fatal(err)
		}
		return &aldyn.Actor{UserID: id, Login: "u" + string(rune('0'+id)), Role: role, BodyID: b.ID, TerritoryCode: b.TerritoryCode, TerritoryPath: t.Path}
	}
	f.repA = actor(1, aldyn.RoleReporter, f.policeA)
	f.repChui = actor(2, aldyn.RoleReporter, f.policeChui)
	f.coordA = actor(3, aldyn.RoleCoordinator, f.commA)
	sok := body(sokuluk, "coordination_commission", "Сокулук комиссиясы")
	f.coordB = actor(4, aldyn.RoleCoordinator, sok)
	cats, err := db.FindResidentCategories(f.ctx, true)
	if err != nil {
		tb.Fatal(err)
	}
	for _, c := range cats {
		f.cat[c.Code] = c
	}
	return f
}

func (f *residentFixture) report(tb testing.TB, cat, territory string) *aldyn.ResidentReport {
	tb.Helper()
	r := &aldyn.ResidentReport{CategoryID: f.cat[cat].ID, TerritoryCode: territory, Description: "Көчөдө түнкүсүн ызы-чуу, мас адамдар",
		ContactPhone: "+996 555 123 456", ContactEmail: "resident@example.kg", Lang: "ky"}
	if err := f.db.CreateResidentReport(f.ctx, aldyn.Public, r, nil); err != nil {
		tb.Fatal(err)
	}
	return r
}

func TestResidentCategoriesShipped(t *testing.T) {
	f := mustResidentFixture(t)
	for _, code := range []string{"disorder_public", "drug_dealing", "unsafe_place", "abandoned_building", "youth_at_risk", "dangerous_road",
		"traffic_violation", "municipal", "other"} {
		c := f.cat[code]
		if c == nil || c.Sensitive || len(c.BodyTypes) == 0 || c.DeadlineDays == 0 || !c.Name.Complete() {
			t.Errorf("%s: got %+v", code, c)
		} else if err := c.Validate(); err != nil {
			t.Errorf("%s: %v", code, err)
		}
	}
	for _, code := range []string{"violence_home", "violence_child", "sexual_violence"} {
		if c := f.cat[code]; c == nil || !c.Sensitive || c.Public {
			t.Errorf("%s: got %+v, want a sensitive, non-public category", code, c)
		}
	}
	c := *f.cat["other"]
	c.DeadlineDays = 5
	if err := f.db.UpdateResidentCategory(f.ctx, f.coordA, &c); aldyn.ErrorCode(err) != aldyn.EFORBIDDEN {
		t.Fatalf("a coordinator edited a category: %v", err)
	}
	if err := f.db.UpdateResidentCategory(f.ctx, aldyn.System, &c); err != nil {
		t.Fatal(err)
	}
	got, err := f.db.FindResidentCategoryByCode(f.ctx, "other")
	if err != nil || got.DeadlineDays != 5 {
		t.Fatalf("got %+v %v", got, err)
	}
}

func TestResidentRouting(t *testing.T) {
	f := mustResidentFixture(t)
	a := f.report(t, "disorder_public", alamudun)
	if a.BodyID != f.policeA.ID {
		t.Errorf("Alamüdün police report went to body %d, want %d", a.BodyID, f.policeA.ID)
	}
	s := f.report(t, "disorder_public", sokuluk)
	if s.BodyID != f.policeChui.ID {
		t.Errorf("Sokuluk police report went to body %d, want the oblast's %d", s.BodyID, f.policeChui.ID)
	}
	if l := f.report(t, "unsafe_place", alamudun); l.BodyID != f.lgA.ID {
		t.Errorf("an unlit street went to %d, want the local government %d", l.BodyID, f.lgA.ID)
	}
	if want := aldyn.AddWorkingDays(f.clock, 10); !a.DueOn.Equal(want) || a.DueOn.Format(time.DateOnly) != "2026-03-23" { // 20 March is Orozo Ait
		t.Errorf("due %v, want %v", a.DueOn, want)
	}
	if len(a.TrackingCode) != aldyn.TrackingCodeLength || a.TrackingCode == s.TrackingCode {
		t.Errorf("tracking codes %q %q", a.TrackingCode, s.TrackingCode)
	}
	bad := []struct {
		name, cat, territory, field string
	}{
		{"sensitive", "violence_home", alamudun, "category_id"},
		{"oblast", "disorder_public", chui, "territory_code"},
		{"unknown territory", "disorder_public", "41799999999999", "territory_code"},
	}
	for _, c := range bad {
		r := &aldyn.ResidentReport{CategoryID: f.cat[c.cat].ID, TerritoryCode: c.territory, Description: "Something is wrong here"}
		e, _ := f.db.CreateResidentReport(f.ctx, aldyn.Public, r, nil).(*aldyn.Error)
		if e == nil || e.Fields[c.field] == "" {
			t.Errorf("%s: got %v, want an error on %s", c.name, e, c.field)
		}
	}

	// Reassignment: by the receiving body, with a reason, audited.
	if err := f.db.ReassignResidentReport(f.ctx, f.repChui, s.ID, f.policeA.ID, ""); aldyn.ErrorCode(err) != aldyn.EINVALID {
		t.Fatalf("reassigned without a reason: %v", err)
	}
	if err := f.db.ReassignResidentReport(f.ctx, f.repA, s.ID, f.policeA.ID, "ours"); aldyn.ErrorCode(err) != aldyn.EFORBIDDEN {
		t.Fatalf("another body reassigned: %v", err)
	}
	if err := f.db.ReassignResidentReport(f.ctx, f.repChui, s.ID, f.policeA.ID, "Аламүдүндүн аймагы"); err != nil {
		t.Fatal(err)
	}
	got, _ := f.db.FindResidentReportByID(f.ctx, s.ID)
	if got.BodyID != f.policeA.ID {
		t.Fatalf("body %d after reassignment", got.BodyID)
	}
	entity, id := "resident_report", "2"
	es, _, err := f.db.FindAuditEntries(f.ctx, aldyn.AuditFilter{Entity: &entity, EntityID: &id})
	if err != nil || len(es) != 2 {
		t.Fatalf("audit entries %d %v, want create and reassignment", len(es), err)
	}
	for _, e := range es {
		for _, raw := range []string{string(e.Before), string(e.After)} {
			if strings.Contains(raw, "555") || strings.Contains(raw, "resident@") {
				t.Errorf("contact details in the audit log: %s", raw)
			}
		}
	}
	notes, err := f.db.FindResidentNotes(f.ctx, s.ID)
	if err != nil || len(notes) != 1 || !strings.Contains(notes[0].Text, "Аламүдүндүн аймагы") {
		t.Fatalf("notes %+v %v", notes, err)
	}
}

func TestResidentHandlingAndScope(t *testing.T) {
	f := mustResidentFixture(t)
	r := f.report(t, "disorder_public", alamudun)
	if _, err := f.db.TransitionResidentReport(f.ctx, f.repChui, r.ID, aldyn.ResidentInProgress, ""); aldyn.ErrorCode(err) != aldyn.EFORBIDDEN {
		t.Fatalf("another body handled the report: %v", err)
	}
	if _, err := f.db.TransitionResidentReport(f.ctx, f.coordB, r.ID, aldyn.ResidentInProgress, ""); aldyn.ErrorCode(err) != aldyn.EFORBIDDEN {
		t.Fatalf("another territory's coordinator handled the report: %v", err)
	}
	if _, err := f.db.TransitionResidentReport(f.ctx, f.repA, r.ID, aldyn.ResidentInProgress, ""); err != nil {
		t.Fatal(err)
	}
	if err := f.db.AddResidentNote(f.ctx, f.repA, &aldyn.ResidentNote{ReportID: r.ID, Text: "Участковый жөнөтүлдү"}); err != nil {
		t.Fatal(err)
	}
	got, err := f.db.TransitionResidentReport(f.ctx, f.repA, r.ID, aldyn.ResidentAnswered, "Патрулдук кароо күчөтүлдү")
	if err != nil || got.Status != aldyn.ResidentAnswered || got.AnsweredAt == nil {
		t.Fatalf("got %+v %v", got, err)
	}
	mine := f.policeA.ID
	list, total, err := f.db.FindResidentReports(f.ctx, aldyn.ResidentReportFilter{BodyID: &mine})
	if err != nil || total != 1 || list[0].Answer != "Патрулдук кароо күчөтүлдү" || list[0].ContactPhone != "+996 555 123 456" {
		t.Fatalf("got %d %v", total, err)
	}
	_, total, _ = f.db.FindResidentReports(f.ctx, aldyn.ResidentReportFilter{Under: f.coordB.ScopeUnder()})
	if total != 0 {
		t.Errorf("Sokuluk's coordinator sees %d Alamüdün reports", total)
	}
	_, total, _ = f.db.FindResidentReports(f.ctx, aldyn.ResidentReportFilter{Public: true})
	if total != 0 {
		t.Errorf("an unmoderated report is public")
	}
	if err := f.db.ModerateResidentReport(f.ctx, f.coordB, r.ID, true, nil); aldyn.ErrorCode(err) != aldyn.EFORBIDDEN {
		t.Fatalf("another territory moderated: %v", err)
	}
	if err := f.db.ModerateResidentReport(f.ctx, f.coordA, r.ID, true, []string{" Асанов ", ""}); err != nil {
		t.Fatal(err)
	}
	list, total, _ = f.db.FindResidentReports(f.ctx, aldyn.ResidentReportFilter{Public: true})
	if total != 1 || len(list[0].Redactions) != 1 || list[0].Redactions[0] != "Асанов" {
		t.Fatalf("public list %d %+v", total, list)
	}
	// A non-public category stays off the public pages even when published.
	d := f.report(t, "drug_dealing", alamudun)
	if err := f.db.ModerateResidentReport(f.ctx, f.coordA, d.ID, true, nil); err != nil {
		t.Fatal(err)
	}
	if _, total, _ = f.db.FindResidentReports(f.ctx, aldyn.ResidentReportFilter{Public: true}); total != 1 {
		t.Errorf("got %d public reports, want 1", total)
	}
}

func TestResidentMergeKeepsTrackingCodes(t *testing.T) {
	f := mustResidentFixture(t)
	a := f.report(t, "unsafe_place", alamudun)
	b := f.report(t, "unsafe_place", alamudun)
	c := f.report(t, "unsafe_place", alamudun)
	if added, err := f.db.SupportResidentReport(f.ctx, c.ID, "device-1"); err != nil || !added {
		t.Fatal(added, err)
	}
	if added, _ := f.db.SupportResidentReport(f.ctx, c.ID, "device-1"); added {
		t.Error("a device counted twice")
	}
	if err := f.db.MergeResidentReports(f.ctx, f.repA, b.ID, a.ID); aldyn.ErrorCode(err) != aldyn.EFORBIDDEN {
		t.Fatalf("the police merged the local government's reports: %v", err)
	}
	lg := &aldyn.Actor{UserID: 9, Login: "lg", Role: aldyn.RoleReporter, BodyID: f.lgA.ID, TerritoryPath: f.repA.TerritoryPath}
	if err := f.db.MergeResidentReports(f.ctx, lg, b.ID, a.ID); err != nil {
		t.Fatal(err)
	}
	if err := f.db.MergeResidentReports(f.ctx, lg, c.ID, b.ID); aldyn.ErrorCode(err) != aldyn.ECONFLICT {
		t.Fatalf("merged into a merged report: %v", err)
	}
	if err := f.db.MergeResidentReports(f.ctx, lg, c.ID, a.ID); err != nil {
		t.Fatal(err)
	}
	got, _ := f.db.FindResidentReportByID(f.ctx, a.ID)
	if got.Supporters != 3 { // b, c and c's "me too"
		t.Errorf("supporters %d, want 3", got.Supporters)
	}
	for _, r := range []*aldyn.ResidentReport{b, c} {
		byCode, err := f.db.FindResidentReportByCode(f.ctx, r.TrackingCode)
		if err != nil || byCode.DuplicateOf == nil || *byCode.DuplicateOf != a.ID {
			t.Errorf("tracking code of %d: %+v %v", r.ID, byCode, err)
		}
	}
	if _, total, _ := f.db.FindResidentReports(f.ctx, aldyn.ResidentReportFilter{}); total != 1 {
		t.Errorf("lists show %d reports, want the merged one", total)
	}
	if _, err := f.db.TransitionResidentReport(f.ctx, lg, b.ID, aldyn.ResidentAnswered, "x"); aldyn.ErrorCode(err) != aldyn.ECONFLICT {
		t.Errorf("answered a merged duplicate: %v", err)
	}
	if added, _ := f.db.SupportResidentReport(f.ctx, b.ID, "device-2"); !added {
		t.Error("a me-too on a duplicate was lost")
	}
	if got, _ = f.db.FindResidentReportByID(f.ctx, a.ID); got.Supporters != 4 {
		t.Errorf("supporters %d, want 4", got.Supporters)
	}
}

func TestResidentEscalationWithFakeClock(t *testing.T) {
	f := mustResidentFixture(t)
	r := f.report(t, "disorder_public", alamudun) // due 2026-03-23 (20 March is Orozo Ait)
	done := f.report(t, "disorder_public", alamudun)
	if _, err := f.db.TransitionResidentReport(f.ctx, f.repA, done.ID, aldyn.ResidentAnswered, "Done"); err != nil {
		t.Fatal(err)
	}
	f.clock = time.Date(2026, 3, 23, 23, 0, 0, 0, time.UTC)
	if es, err := f.db.EscalateOverdueResidentReports(f.ctx); err != nil || len(es) != 0 {
		t.Fatalf("escalated on the due day: %d %v", len(es), err)
	}
	f.clock = time.Date(2026, 3, 24, 8, 0, 0, 0, time.UTC)
	es, err := f.db.EscalateOverdueResidentReports(f.ctx)
	if err != nil || len(es) != 1 || es[0].ID != r.ID || !es[0].Escalated {
		t.Fatalf("got %d %v", len(es), err)
	}
	if es, _ = f.db.EscalateOverdueResidentReports(f.ctx); len(es) != 0 {
		t.Errorf("escalated twice")
	}
	comm, err := f.db.CoordinationBodyFor(f.ctx, es0Path(t, f, r.ID))
	if err != nil || comm.ID != f.commA.ID {
		t.Fatalf("escalated to %+v %v, want Alamüdün's commission", comm, err)
	}
}

func es0Path(tb testing.TB, f *residentFixture, id int64) string {
	r, err := f.db.FindResidentReportByID(f.ctx, id)
	if err != nil {
		tb.Fatal(err)
	}
	return r.TerritoryPath
}

func TestResidentPoliceReportsForScorecard(t *testing.T) {
	f := mustResidentFixture(t)
	a := f.report(t, "disorder_public", alamudun)
	f.report(t, "unsafe_place", alamudun) // the local government's
	s := f.report(t, "disorder_public", sokuluk)
	path := func(code string) string {
		tr, err := f.db.FindTerritoryByCode(f.ctx, code)
		if err != nil {
			t.Fatal(err)
		}
		return tr.Path
	}
	year := func(y int) (time.Time, time.Time) {
		return time.Date(y, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(y+1, 1, 1, 0, 0, 0, 0, time.UTC)
	}
	from, to := year(2026)
	for _, c := range []struct {
		code string
		want []int64
	}{{alamudun, []int64{a.ID}}, {sokuluk, []int64{s.ID}}} {
		got, err := f.db.PoliceResidentReports(f.ctx, path(c.code), from, to)
		if err != nil {
			t.Fatal(err)
		}
		var ids []int64
		for _, r := range got {
			ids = append(ids, r.ID)
		}
		if !slices.Equal(ids, c.want) {
			t.Errorf("%s: got reports %v, want %v (routed to its police, or made there in a police category)", c.code, ids, c.want)
		}
	}
	from, to = year(2025)
	if got, err := f.db.PoliceResidentReports(f.ctx, path(alamudun), from, to); err != nil || len(got) != 0 {
		t.Errorf("2025: got %d reports, %v; want none", len(got), err)
	}
}
