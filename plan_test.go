package aldyn_test

import (
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/aldyn-kg/aldyn"
)

const (
	batken     = "41705000000000"
	batkenPath = "/41700000000000/41705000000000/"
)

func date(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }

func ptr[T any](v T) *T { return &v }

// MustErrCode fails unless err is an *aldyn.Error with code and message key.
func MustErrCode(tb testing.TB, err error, code, key string) {
	tb.Helper()
	if got := aldyn.ErrorCode(err); got != code {
		tb.Fatalf("error code: got %q (%v), want %q", got, err, code)
	}
	if key != "" {
		if got := aldyn.ErrorMessage(err); got != key {
			tb.Fatalf("error key: got %q, want %q", got, key)
		}
	}
}

// MustField fails unless err is a validation error on field.
func MustField(tb testing.TB, err error, field string) {
	tb.Helper()
	e, ok := err.(*aldyn.Error)
	if !ok || e.Code != aldyn.EINVALID {
		tb.Fatalf("got %v, want a validation error on %s", err, field)
	}
	if _, ok := e.Fields[field]; !ok {
		tb.Fatalf("got fields %v, want %s", e.Fields, field)
	}
}

// MustValidation checks err, what Validate returned for a case: nil when
// field is empty, else a validation error on field.
func MustValidation(tb testing.TB, err error, field string) {
	tb.Helper()
	if field == "" {
		if err != nil {
			tb.Fatalf("got %v, want nil", err)
		}
		return
	}
	MustField(tb, err, field)
}

func validPlan() *aldyn.Plan {
	return &aldyn.Plan{
		ID: 1, Kind: aldyn.PlanJoint, Title: aldyn.Text{RU: "Совместный план"}, TerritoryCode: batken,
		OwnerBodyID: 5, StartYear: 2025, EndYear: 2027, Status: aldyn.PlanDraft, Version: 1,
		Evidence:           []aldyn.PlanEvidence{{Kind: aldyn.EvidenceSurvey, Note: "resident survey, March 2025"}},
		RequiredSignatures: []int64{10, 20},
	}
}

func officer(userID, bodyID int64, role string) *aldyn.Actor {
	return &aldyn.Actor{UserID: userID, BodyID: bodyID, Role: role, TerritoryCode: batken, TerritoryPath: batkenPath}
}

func TestPlanValidate(t *testing.T) {
	for _, tc := range []struct {
		name  string
		edit  func(p *aldyn.Plan)
		field string // "" when valid
	}{
		{"valid joint", func(p *aldyn.Plan) {}, ""},
		{"joint of one year", func(p *aldyn.Plan) { p.EndYear = p.StartYear }, ""},
		{"national of three years", func(p *aldyn.Plan) { p.Kind, p.StartYear, p.EndYear = aldyn.PlanNational, 2023, 2025 }, ""},
		{"national of two years", func(p *aldyn.Plan) { p.Kind, p.StartYear, p.EndYear = aldyn.PlanNational, 2023, 2024 }, "end_year"},
		{"national of four years", func(p *aldyn.Plan) { p.Kind, p.StartYear, p.EndYear = aldyn.PlanNational, 2023, 2026 }, "end_year"},
		{"end before start", func(p *aldyn.Plan) { p.EndYear = 2024 }, "end_year"},
		{"before the Concept", func(p *aldyn.Plan) { p.StartYear = 2021 }, "start_year"},
		{"after the Concept", func(p *aldyn.Plan) { p.EndYear = 2029 }, "end_year"},
		{"unknown kind", func(p *aldyn.Plan) { p.Kind = "regional" }, "kind"},
		{"no title", func(p *aldyn.Plan) { p.Title = aldyn.Text{KY: "  "} }, "title"},
		{"bad territory", func(p *aldyn.Plan) { p.TerritoryCode = "batken" }, "territory_code"},
		{"no owner", func(p *aldyn.Plan) { p.OwnerBodyID = 0 }, "owner_body_id"},
		{"bad status", func(p *aldyn.Plan) { p.Status = "amended" }, "status"},
		{"bad evidence kind", func(p *aldyn.Plan) { p.Evidence[0].Kind = "rumour" }, "evidence"},
		{"evidence without note", func(p *aldyn.Plan) { p.Evidence[0].Note = "" }, "evidence"},
		{"duplicate signatory", func(p *aldyn.Plan) { p.RequiredSignatures = []int64{10, 10} }, "required_signatures"},
		{"parent is itself", func(p *aldyn.Plan) { p.ParentID = ptr(p.ID) }, "parent_id"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := validPlan()
			tc.edit(p)
			MustValidation(t, p.Validate(), tc.field)
		})
	}
}

func signedPlan(status aldyn.PlanStatus) *aldyn.Plan {
	p := validPlan()
	p.Status = status
	for _, id := range p.RequiredSignatures {
		p.Signatures = append(p.Signatures, aldyn.PlanSignature{BodyID: id, UserID: id * 10})
	}
	return p
}

func TestPlanTransitions(t *testing.T) {
	legal := map[[2]aldyn.PlanStatus]bool{
		{aldyn.PlanDraft, aldyn.PlanApproved}:      true,
		{aldyn.PlanApproved, aldyn.PlanSuperseded}: true,
		{aldyn.PlanApproved, aldyn.PlanClosed}:     true,
	}
	for _, from := range aldyn.PlanStatuses {
		for _, to := range aldyn.PlanStatuses {
			t.Run(fmt.Sprintf("%s→%s", from, to), func(t *testing.T) {
				p := signedPlan(from)
				err := p.Transition(to)
				if legal[[2]aldyn.PlanStatus{from, to}] {
					if err != nil {
						t.Fatalf("got %v, want nil", err)
					}
					if p.Status != to {
						t.Fatalf("got status %s, want %s", p.Status, to)
					}
					return
				}
				MustErrCode(t, err, aldyn.ECONFLICT, "plan.error.illegal_transition")
				if p.Status != from {
					t.Fatalf("got status %s after refusal, want %s", p.Status, from)
				}
			})
		}
	}
	t.Run("unknown status", func(t *testing.T) {
		MustErrCode(t, signedPlan(aldyn.PlanDraft).Transition("amended"), aldyn.EINVALID, "plan.error.status")
	})
}

func TestPlanSignatures(t *testing.T) {
	now := date(2025, 3, 1)
	p := validPlan()
	MustErrCode(t, p.Transition(aldyn.PlanApproved), aldyn.ECONFLICT, "plan.error.signatures_missing")

	MustErrCode(t, p.Sign(officer(1, 30, aldyn.RoleCoordinator), 10, now), aldyn.EFORBIDDEN, "plan.error.sign_forbidden")
	MustErrCode(t, p.Sign(officer(1, 10, aldyn.RoleAnalyst), 10, now), aldyn.EFORBIDDEN, "plan.error.sign_forbidden")
	MustErrCode(t, p.Sign(aldyn.Public, 0, now), aldyn.EFORBIDDEN, "plan.error.sign_forbidden")
	MustErrCode(t, p.Sign(officer(1, 30, aldyn.RoleReporter), 30, now), aldyn.EINVALID, "plan.error.signatory_not_required")

	if err := p.Sign(officer(1, 10, aldyn.RoleReporter), 10, now); err != nil {
		t.Fatal(err)
	}
	MustErrCode(t, p.Sign(officer(2, 10, aldyn.RoleCoordinator), 10, now), aldyn.ECONFLICT, "plan.error.already_signed")
	if got := p.MissingSignatures(); !slices.Equal(got, []int64{20}) {
		t.Fatalf("missing: got %v, want [20]", got)
	}
	err := p.Transition(aldyn.PlanApproved)
	MustErrCode(t, err, aldyn.ECONFLICT, "plan.error.signatures_missing")
	if p.Status != aldyn.PlanDraft {
		t.Fatalf("got status %s, want draft", p.Status)
	}

	if err := p.Sign(officer(3, 20, aldyn.RoleCoordinator), 20, now); err != nil {
		t.Fatal(err)
	}
	if got := p.Signatures[1]; got.BodyID != 20 || got.UserID != 3 || !got.At.Equal(now) {
		t.Fatalf("signature: got %+v", got)
	}
	if err := p.Approve(nil, now); err != nil {
		t.Fatal(err)
	}
	if p.Status != aldyn.PlanApproved || p.CanEdit() {
		t.Fatalf("got status %s, CanEdit %v; want approved and locked", p.Status, p.CanEdit())
	}
	MustErrCode(t, p.CheckEditable(), aldyn.ECONFLICT, "plan.error.locked")
	MustErrCode(t, p.Sign(officer(3, 20, aldyn.RoleCoordinator), 20, now), aldyn.ECONFLICT, "plan.error.locked")

	t.Run("no signatories", func(t *testing.T) {
		p := validPlan()
		p.RequiredSignatures = nil
		MustErrCode(t, p.Transition(aldyn.PlanApproved), aldyn.ECONFLICT, "plan.error.no_signatories")
	})
	t.Run("edit voids signatures", func(t *testing.T) {
		p := signedPlan(aldyn.PlanDraft)
		p.ClearSignatures()
		MustErrCode(t, p.Transition(aldyn.PlanApproved), aldyn.ECONFLICT, "plan.error.signatures_missing")
	})
}

func TestPlanAmend(t *testing.T) {
	now := date(2026, 2, 1)
	old := signedPlan(aldyn.PlanApproved)

	if _, err := signedPlan(aldyn.PlanDraft).Amend(now); err == nil {
		t.Fatal("amending a draft: got nil error")
	} else {
		MustErrCode(t, err, aldyn.ECONFLICT, "plan.error.amend_not_approved")
	}

	n, err := old.Amend(now)
	if err != nil {
		t.Fatal(err)
	}
	if n.ID != 0 || n.Status != aldyn.PlanDraft || n.Version != 2 || n.ParentID == nil || *n.ParentID != old.ID || len(n.Signatures) != 0 {
		t.Fatalf("amendment: got %+v", n)
	}
	if !slices.Equal(n.RequiredSignatures, old.RequiredSignatures) {
		t.Fatalf("required signatures: got %v, want %v", n.RequiredSignatures, old.RequiredSignatures)
	}
	n.RequiredSignatures[0] = 99
	if old.RequiredSignatures[0] == 99 {
		t.Fatal("amendment shares RequiredSignatures with the old version")
	}
	n.RequiredSignatures[0] = 10
	n.ID = 2
	for _, id := range n.RequiredSignatures {
		if err := n.Sign(officer(id, id, aldyn.RoleReporter), id, now); err != nil {
			t.Fatal(err)
		}
	}

	MustErrCode(t, n.Approve(nil, now), aldyn.EINVALID, "plan.error.parent_mismatch")
	other := signedPlan(aldyn.PlanApproved)
	other.ID = 7
	MustErrCode(t, n.Approve(other, now), aldyn.EINVALID, "plan.error.parent_mismatch")
	closed := signedPlan(aldyn.PlanClosed)
	MustErrCode(t, n.Approve(closed, now), aldyn.ECONFLICT, "plan.error.illegal_transition")
	if n.Status != aldyn.PlanDraft || closed.Status != aldyn.PlanClosed {
		t.Fatalf("refused approval changed statuses: %s, %s", n.Status, closed.Status)
	}
	MustErrCode(t, old.Approve(nil, now), aldyn.ECONFLICT, "plan.error.illegal_transition")

	if err := n.Approve(old, now); err != nil {
		t.Fatal(err)
	}
	if n.Status != aldyn.PlanApproved || old.Status != aldyn.PlanSuperseded || !old.UpdatedAt.Equal(now) {
		t.Fatalf("got new %s, old %s; want approved, superseded", n.Status, old.Status)
	}
	if _, err := old.Amend(now); err == nil {
		t.Fatal("amending a superseded plan: got nil error")
	}
}

func TestPlanScope(t *testing.T) {
	if !officer(1, 5, aldyn.RoleCoordinator).CanManagePlan(batkenPath) {
		t.Error("coordinator of the territory: got false")
	}
	if officer(1, 5, aldyn.RoleCoordinator).CanManagePlan("/41700000000000/41708000000000/") {
		t.Error("coordinator of another territory: got true")
	}
	if officer(1, 5, aldyn.RoleReporter).CanManagePlan(batkenPath) || aldyn.Public.CanManagePlan(batkenPath) {
		t.Error("reporter or public: got true")
	}
}
