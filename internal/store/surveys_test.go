package store_test

import (
	"context"
	"testing"

	"github.com/aldyn-kg/aldyn"
	"github.com/aldyn-kg/aldyn/internal/store"
	"github.com/aldyn-kg/aldyn/internal/store/storetest"
)

func testSurvey(code string) *aldyn.Survey {
	yesNo := []aldyn.SurveyChoice{{Name: "yes", Label: aldyn.Text{KY: "Ооба", RU: "Да", EN: "Yes"}}, {Name: "no", Label: aldyn.Text{KY: "Жок", RU: "Нет", EN: "No"}}}
	return &aldyn.Survey{Slug: "safety", Title: aldyn.Text{EN: "Safety"}, TerritoryCode: code, Questions: []aldyn.SurveyQuestion{
		{Name: "safe", Type: aldyn.QuestionSingle, Label: aldyn.Text{EN: "Safe?"}, Choices: yesNo, Required: true},
	}}
}

func mustPath(tb testing.TB, db *store.DB, code string) string {
	tb.Helper()
	t, err := db.FindTerritoryByCode(context.Background(), code)
	if err != nil {
		tb.Fatal(err)
	}
	return t.Path
}

// MustSurveyDB opens a database holding the test survey of the whole
// country, as a draft.
func MustSurveyDB(tb testing.TB) (*store.DB, *aldyn.Survey) {
	tb.Helper()
	db := storetest.MustOpenDB(tb)
	sv := testSurvey(kyrgyzstan)
	if err := db.CreateSurvey(context.Background(), aldyn.System, sv); err != nil {
		tb.Fatal(err)
	}
	return db, sv
}

func TestSurveyVersions(t *testing.T) {
	db, sv := MustSurveyDB(t)
	ctx := context.Background()
	// A draft changes in place.
	sv.Questions[0].Label.RU = "Безопасно?"
	if err := db.UpdateSurvey(ctx, aldyn.System, sv.ID, sv); err != nil {
		t.Fatal(err)
	}
	if got, _ := db.FindSurveyByID(ctx, sv.ID); got.Version != 1 || got.Questions[0].Label.RU != "Безопасно?" {
		t.Fatalf("draft edit: got version %d, label %+v", got.Version, got.Questions[0].Label)
	}
	sv.Status = aldyn.SurveyRunning
	if err := db.UpdateSurvey(ctx, aldyn.System, sv.ID, sv); err != nil {
		t.Fatal(err)
	}
	if _, err := db.AddResponses(ctx, aldyn.Public, sv.ID, []*aldyn.SurveyResponse{{Wave: "2026", Answers: map[string]string{"safe": "yes"}, Source: aldyn.ResponseWeb, RespondentKey: "k1"}}); err != nil {
		t.Fatal(err)
	}
	// Running: a change of the questions makes version 2; the response keeps version 1.
	sv.Questions = append(sv.Questions, aldyn.SurveyQuestion{Name: "age", Type: aldyn.QuestionInteger, Label: aldyn.Text{EN: "Age"}})
	if err := db.UpdateSurvey(ctx, aldyn.System, sv.ID, sv); err != nil {
		t.Fatal(err)
	}
	got, err := db.FindSurveyByID(ctx, sv.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.Version != 2 || len(got.Questions) != 2 {
		t.Fatalf("got version %d with %d questions, want version 2 with 2", got.Version, len(got.Questions))
	}
	v1, err := db.FindSurveyVersion(ctx, sv.ID, 1)
	if err != nil || len(v1.Questions) != 1 {
		t.Fatalf("version 1: got %v, %v; want its one question", v1, err)
	}
	rs, _, err := db.FindResponses(ctx, aldyn.ResponseFilter{SurveyID: sv.ID})
	if err != nil || len(rs) != 1 || rs[0].Version != 1 || rs[0].Answers["safe"] != "yes" || rs[0].TerritoryCode != kyrgyzstan {
		t.Fatalf("got responses %+v, %v; want the one of version 1", rs, err)
	}
	// Status only: no new version.
	sv.Status = aldyn.SurveyClosed
	if err := db.UpdateSurvey(ctx, aldyn.System, sv.ID, sv); err != nil {
		t.Fatal(err)
	}
	if got, _ := db.FindSurveyByID(ctx, sv.ID); got.Version != 2 {
		t.Errorf("closing: got version %d, want 2", got.Version)
	}
	sv.Status = aldyn.SurveyDraft
	if err := db.UpdateSurvey(ctx, aldyn.System, sv.ID, sv); aldyn.ErrorCode(err) != aldyn.ECONFLICT {
		t.Errorf("back to draft: got %v, want ECONFLICT", err)
	}
	other := testSurvey(kyrgyzstan)
	if err := db.CreateSurvey(ctx, aldyn.System, other); aldyn.ErrorCode(err) != aldyn.EINVALID {
		t.Errorf("slug taken: got %v, want EINVALID", err)
	}
}

func TestSurveyResponses(t *testing.T) {
	db, sv := MustSurveyDB(t)
	ctx := context.Background()
	resp := func(code, ext, key string) *aldyn.SurveyResponse {
		return &aldyn.SurveyResponse{Wave: "2026", TerritoryCode: code, Answers: map[string]string{"safe": "no"}, Source: aldyn.ResponseImport, ExternalID: ext, RespondentKey: key}
	}
	if _, err := db.AddResponses(ctx, aldyn.Public, sv.ID, []*aldyn.SurveyResponse{resp(alamudun, "", "k")}); aldyn.ErrorCode(err) != aldyn.EFORBIDDEN {
		t.Errorf("public response to a draft: got %v, want EFORBIDDEN", err)
	}
	n, err := db.AddResponses(ctx, aldyn.System, sv.ID, []*aldyn.SurveyResponse{resp(alamudun, "a", ""), resp(suzak, "b", ""), resp(suzak, "c", "")})
	if err != nil || n != 3 {
		t.Fatalf("import: got %d, %v; want 3 added", n, err)
	}
	// Re-importing the same file adds nothing.
	if n, err := db.AddResponses(ctx, aldyn.System, sv.ID, []*aldyn.SurveyResponse{resp(alamudun, "a", ""), resp(suzak, "b", "")}); err != nil || n != 0 {
		t.Errorf("re-import: got %d, %v; want 0 added", n, err)
	}
	// All or nothing: an unknown territory in the last row leaves nothing.
	if _, err := db.AddResponses(ctx, aldyn.System, sv.ID, []*aldyn.SurveyResponse{resp(alamudun, "d", ""), resp("99999999999999", "e", "")}); err == nil {
		t.Error("unknown territory: got no error")
	}
	if _, total, _ := db.FindResponses(ctx, aldyn.ResponseFilter{SurveyID: sv.ID}); total != 3 {
		t.Errorf("after a failed import: got %d responses, want 3", total)
	}
	// A district coordinator sees its district's responses only, and may
	// not add responses of another district.
	coordA := &aldyn.Actor{UserID: 9, Login: "a", Role: aldyn.RoleCoordinator, TerritoryCode: alamudun, TerritoryPath: mustPath(t, db, alamudun)}
	rs, total, err := db.FindResponses(ctx, aldyn.ResponseFilter{SurveyID: sv.ID, Under: coordA.ScopeUnder()})
	if err != nil || total != 1 || rs[0].TerritoryCode != alamudun {
		t.Errorf("Alamüdün coordinator: got %d responses (%v), want Alamüdün's 1", total, err)
	}
	if _, err := db.AddResponses(ctx, coordA, sv.ID, []*aldyn.SurveyResponse{resp(suzak, "f", "")}); aldyn.ErrorCode(err) != aldyn.EFORBIDDEN {
		t.Errorf("Alamüdün coordinator adding a Suzak response: got %v, want EFORBIDDEN", err)
	}
	if err := db.UpdateSurvey(ctx, coordA, sv.ID, sv); aldyn.ErrorCode(err) != aldyn.EFORBIDDEN {
		t.Errorf("district coordinator changing a national survey: got %v, want EFORBIDDEN", err)
	}
	// One response per invitation.
	sv.Status = aldyn.SurveyRunning
	if err := db.UpdateSurvey(ctx, aldyn.System, sv.ID, sv); err != nil {
		t.Fatal(err)
	}
	web := func() []*aldyn.SurveyResponse {
		return []*aldyn.SurveyResponse{{Wave: "2026", Answers: map[string]string{"safe": "yes"}, Source: aldyn.ResponseWeb, RespondentKey: "inv-1"}}
	}
	if _, err := db.AddResponses(ctx, aldyn.Public, sv.ID, web()); err != nil {
		t.Fatal(err)
	}
	if _, err := db.AddResponses(ctx, aldyn.Public, sv.ID, web()); aldyn.ErrorCode(err) != aldyn.ECONFLICT {
		t.Errorf("the same invitation twice: got %v, want ECONFLICT", err)
	}
	waves, err := db.SurveyWaves(ctx, sv.ID)
	if err != nil || len(waves) != 1 || waves[0] != "2026" {
		t.Errorf("got waves %v, %v", waves, err)
	}
	count := 0
	if err := db.EachResponse(ctx, aldyn.ResponseFilter{SurveyID: sv.ID}, func(*aldyn.SurveyResponse) error { count++; return nil }); err != nil || count != 4 {
		t.Errorf("EachResponse: got %d, %v; want 4", count, err)
	}
}

func TestAddPublicResponses(t *testing.T) {
	db := storetest.MustOpenDB(t)
	ctx := context.Background()
	running, draft := testSurvey(kyrgyzstan), testSurvey(kyrgyzstan)
	draft.Slug = "draft"
	for _, sv := range []*aldyn.Survey{running, draft} {
		if err := db.CreateSurvey(ctx, aldyn.System, sv); err != nil {
			t.Fatal(err)
		}
	}
	running.Status = aldyn.SurveyRunning
	if err := db.UpdateSurvey(ctx, aldyn.System, running.ID, running); err != nil {
		t.Fatal(err)
	}
	resp := func(sv *aldyn.Survey, key string) *aldyn.SurveyResponse {
		return &aldyn.SurveyResponse{SurveyID: sv.ID, Wave: "2026", Answers: map[string]string{"safe": "yes"}, Source: aldyn.ResponseWeb, RespondentKey: key}
	}
	errs, err := db.AddPublicResponses(ctx, []*aldyn.SurveyResponse{resp(running, "a"), resp(running, "a"), resp(draft, "b"), resp(running, "")})
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"", aldyn.ECONFLICT, aldyn.EFORBIDDEN, ""}
	for i, e := range errs {
		if got := aldyn.ErrorCode(e); e != nil && got != want[i] || e == nil && want[i] != "" {
			t.Errorf("response %d: got %v, want %q", i, e, want[i])
		}
	}
	if _, total, _ := db.FindResponses(ctx, aldyn.ResponseFilter{SurveyID: running.ID}); total != 2 {
		t.Errorf("got %d stored, want 2", total)
	}
	if errs, _ := db.AddPublicResponses(ctx, []*aldyn.SurveyResponse{resp(running, "a")}); aldyn.ErrorCode(errs[0]) != aldyn.ECONFLICT {
		t.Errorf("a key used in an earlier batch: got %v, want ECONFLICT", errs[0])
	}
}

// A survey's strata and clusters are kept with its version: a running
// survey's change of them makes a new version, the old one keeps its own.
func TestSurveyDesignKept(t *testing.T) {
	db := storetest.MustOpenDB(t)
	ctx := context.Background()
	sv := testSurvey(kyrgyzstan)
	sv.Strata, sv.Clusters = aldyn.ByTerritory, sv.Questions[0].Name
	sv.Status = aldyn.SurveyRunning
	if err := db.CreateSurvey(ctx, aldyn.System, sv); err != nil {
		t.Fatal(err)
	}
	got, err := db.FindSurveyByID(ctx, sv.ID)
	if err != nil || got.Strata != aldyn.ByTerritory || got.Clusters != sv.Questions[0].Name {
		t.Fatalf("got strata %q clusters %q (%v), want %q %q", got.Strata, got.Clusters, err, aldyn.ByTerritory, sv.Questions[0].Name)
	}
	sv.Clusters = ""
	if err := db.UpdateSurvey(ctx, aldyn.System, sv.ID, sv); err != nil {
		t.Fatal(err)
	}
	if got, _ := db.FindSurveyByID(ctx, sv.ID); got.Version != 2 || got.Clusters != "" {
		t.Errorf("running survey without clusters: got version %d clusters %q, want version 2 without", got.Version, got.Clusters)
	}
	if v1, err := db.FindSurveyVersion(ctx, sv.ID, 1); err != nil || v1.Clusters != sv.Questions[0].Name {
		t.Errorf("version 1: got %+v (%v), want its clusters kept", v1, err)
	}
}
