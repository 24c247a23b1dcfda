package web

import (
	"context"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"sync"
	"time"

	"github.com/aldyn-kg/aldyn"
	"github.com/aldyn-kg/aldyn/internal/concept"
	"github.com/aldyn-kg/aldyn/internal/export"
	"github.com/aldyn-kg/aldyn/internal/store"
)

// This file serves plans: the list, the plan form, the plan page with its
// signatures, lifecycle, measures, indicators and versions, the version
// diff, the public transparency pages and the plan API. Measures and
// indicators are in plans_items.go, the spreadsheet template in
// plans_template.go.

// planActions are the lifecycle moves of a plan, each a POST.
var planActions = []string{"sign", "approve", "amend", "close"}

var (
	conceptOnce sync.Once
	conceptTax  *aldyn.Concept
	conceptErr  error
)

// theConcept returns the Concept's taxonomy, loaded once.
func theConcept() (*aldyn.Concept, error) {
	conceptOnce.Do(func() {
		conceptTax, conceptErr = concept.Load()
		if conceptErr == nil {
			conceptTax.Index()
		}
	})
	return conceptTax, conceptErr
}

// isPublicPlan reports whether anyone may read the plan: approved and
// closed versions are published.
func isPublicPlan(p *aldyn.Plan) bool {
	return slices.Contains(store.PublicPlanStatuses, p.Status)
}

// planInternal reports whether the actor reads the plan as its staff: its
// territory or one above it, or a body required to sign it.
func planInternal(a *aldyn.Actor, p *aldyn.Plan) bool {
	return a.Covers(p.TerritoryPath) || (a.SignedIn() && a.BodyID != 0 && slices.Contains(p.RequiredSignatures, a.BodyID))
}

// publicPlan strips what only the plan's staff read: the signatures (who
// signed, by user) and the notes of the situation analysis.
func publicPlan(p *aldyn.Plan) *aldyn.Plan {
	c := *p
	c.Evidence = []aldyn.PlanEvidence{}
	c.Signatures = []aldyn.PlanSignature{}
	return &c
}

// planByPath loads the plan of the path for reading: it is found when the
// actor is its staff or it is published; internal says which.
func (s *Server) planByPath(r *http.Request) (p *aldyn.Plan, internal bool, err error) {
	id, err := routeID(r, "id", "plans.error.not_found")
	if err != nil {
		return nil, false, err
	}
	return s.visiblePlan(r.Context(), actor(r), id)
}

func (s *Server) visiblePlan(ctx context.Context, a *aldyn.Actor, id int64) (*aldyn.Plan, bool, error) {
	p, err := s.db.FindPlanByID(ctx, id)
	if err != nil {
		return nil, false, notFoundAs(err, "plans.error.not_found")
	}
	if planInternal(a, p) {
		return p, true, nil
	}
	if isPublicPlan(p) {
		return p, false, nil
	}
	return nil, false, aldyn.Errorf(aldyn.ENOTFOUND, "plans.error.not_found")
}

// bodiesByID loads the bodies with the given ids in one query (unknown ones are left
// out).
func (s *Server) bodiesByID(ctx context.Context, ids []int64) (map[int64]*aldyn.Body, error) {
	var want []int64
	for _, id := range ids {
		if id > 0 && !slices.Contains(want, id) {
			want = append(want, id)
		}
	}
	out := map[int64]*aldyn.Body{}
	if len(want) == 0 {
		return out, nil
	}
	bs, err := aldyn.AllPages(aldyn.Page{}, func(pg aldyn.Page) ([]*aldyn.Body, int, error) {
		return s.db.FindBodies(ctx, aldyn.BodyFilter{IDs: want, Page: pg})
	})
	for _, b := range bs {
		out[b.ID] = b
	}
	return out, err
}

// scopeBodies lists the bodies within the actor's territory (a plan's
// owner, signatories and executors are chosen from them).
func (s *Server) scopeBodies(ctx context.Context, a *aldyn.Actor) ([]*aldyn.Body, error) {
	return aldyn.AllPages(aldyn.Page{}, func(pg aldyn.Page) ([]*aldyn.Body, int, error) {
		return s.db.FindBodies(ctx, aldyn.BodyFilter{Under: a.ScopeUnder(), Page: pg})
	})
}

// allMeasures and allIndicators load every measure or indicator of a plan.
func (s *Server) allMeasures(ctx context.Context, planID int64) ([]aldyn.Measure, error) {
	ms, err := aldyn.AllPages(aldyn.Page{}, func(pg aldyn.Page) ([]*aldyn.Measure, int, error) {
		return s.db.FindMeasures(ctx, planID, aldyn.MeasureFilter{Page: pg})
	})
	return aldyn.Values(ms), err
}

func (s *Server) allIndicators(ctx context.Context, planID int64) ([]aldyn.Indicator, error) {
	is, err := aldyn.AllPages(aldyn.Page{}, func(pg aldyn.Page) ([]*aldyn.Indicator, int, error) {
		return s.db.FindIndicators(ctx, aldyn.IndicatorFilter{PlanID: &planID, Page: pg})
	})
	return aldyn.Values(is), err
}

// List.

func planFilter(q url.Values) (aldyn.PlanFilter, error) {
	p, err := sortedPage(q, store.PlanSorts)
	if err != nil {
		return aldyn.PlanFilter{}, err
	}
	f := aldyn.PlanFilter{Query: q.Get("q"), Page: p}
	if k := q.Get("kind"); k != "" {
		if !aldyn.IsPlanKind(k) {
			return f, badParam("kind")
		}
		f.Kind = &k
	}
	if st := aldyn.PlanStatus(q.Get("status")); st != "" {
		if !st.Valid() {
			return f, badParam("status")
		}
		f.Status = &st
	}
	if c := q.Get("territory"); c != "" {
		if !aldyn.ValidTerritoryCode(c) {
			return f, badParam("territory")
		}
		f.TerritoryCode = &c
	}
	return f, nil
}

// findPlans lists the plans the actor reads: those of its territory for
// the signed in, the published ones for the public (and on the public
// pages).
func (s *Server) findPlans(ctx context.Context, a *aldyn.Actor, f aldyn.PlanFilter, public bool) ([]*aldyn.Plan, int, error) {
	if public || !a.SignedIn() {
		if f.Status != nil && !slices.Contains(store.PublicPlanStatuses, *f.Status) {
			return nil, 0, nil
		}
		ps, total, err := s.db.FindPublicPlans(ctx, f)
		for i, p := range ps {
			ps[i] = publicPlan(p)
		}
		return ps, total, err
	}
	f.Under = a.ScopeUnder()
	return s.db.FindPlans(ctx, f)
}

func (s *Server) plansPage(w http.ResponseWriter, r *http.Request) error {
	return s.plansList(w, r, false)
}

func (s *Server) publicPlansPage(w http.ResponseWriter, r *http.Request) error {
	return s.plansList(w, r, true)
}

// plansPageData is the data of the plans page.
type plansPageData struct {
	Plans       []*aldyn.Plan
	Pager       pager
	Territories []*aldyn.Territory
	TerritoryOf map[string]*aldyn.Territory
	Statuses    []aldyn.PlanStatus
	Kinds       []string
	Base        string
	Public      bool
	CanCreate   bool
}

func (s *Server) plansList(w http.ResponseWriter, r *http.Request, public bool) error {
	q := r.URL.Query()
	f, err := planFilter(q)
	if err != nil {
		return err
	}
	a := actor(r)
	if format := q.Get("format"); format != "" {
		return s.exportPlans(w, r, f, public, format)
	}
	ps, total, err := s.findPlans(r.Context(), a, f, public)
	if err != nil {
		return err
	}
	under := a.ScopeUnder()
	if public || !a.SignedIn() {
		under = ""
	}
	ts, _, err := s.db.FindTerritories(r.Context(), aldyn.TerritoryFilter{Under: under, Page: aldyn.Page{Limit: aldyn.MaxLimit, Sort: "path"}})
	if err != nil {
		return err
	}
	names := map[string]*aldyn.Territory{}
	for _, t := range ts {
		names[t.Code] = t
	}
	statuses := aldyn.PlanStatuses
	if public || !a.SignedIn() {
		statuses = store.PublicPlanStatuses
	}
	title := info(r).loc.T("plans.list_title")
	if public {
		title = info(r).loc.T("plans.public_title")
	}
	base := "/plans"
	if public {
		base = "/public/plans"
	}
	return s.render(w, r, http.StatusOK, "plans", &page{Title: title, Form: q, Data: &plansPageData{
		Plans: ps, Pager: newPager(f.Page, total), Territories: ts, TerritoryOf: names, Statuses: statuses,
		Kinds: []string{aldyn.PlanNational, aldyn.PlanJoint}, Base: base, Public: public,
		CanCreate: a.Is(aldyn.RoleCoordinator) && !public,
	}})
}

func (s *Server) exportPlans(w http.ResponseWriter, r *http.Request, f aldyn.PlanFilter, public bool, format string) error {
	loc, a, lang := info(r).loc, actor(r), info(r).lang
	t := export.Table{Title: loc.T("plans.list_title"), Columns: []export.Column{
		{Key: "id", Label: "ID", Kind: export.Int},
		{Key: "kind", Label: loc.T("plans.field.kind")},
		{Key: "title", Label: loc.T("plans.field.title")},
		{Key: "title_ky", Label: loc.T("plans.field.title_ky")},
		{Key: "title_ru", Label: loc.T("plans.field.title_ru")},
		{Key: "title_en", Label: loc.T("plans.field.title_en")},
		{Key: "territory_code", Label: loc.T("common.code")},
		{Key: "start_year", Label: loc.T("plans.field.start_year"), Kind: export.Int},
		{Key: "end_year", Label: loc.T("plans.field.end_year"), Kind: export.Int},
		{Key: "status", Label: loc.T("common.status")},
		{Key: "version", Label: loc.T("plans.field.version"), Kind: export.Int},
		{Key: "signatures", Label: loc.T("plans.signatures"), Kind: export.Int},
		{Key: "required", Label: loc.T("plans.field.required_signatures"), Kind: export.Int},
	}}
	name := "plans"
	return exportList(r, w, format, name, t, f.Page, func(ctx context.Context, p aldyn.Page) ([]*aldyn.Plan, int, error) {
		f.Page = p
		return s.findPlans(ctx, a, f, public)
	}, func(p *aldyn.Plan) []any {
		return []any{p.ID, loc.T("plans.kind." + p.Kind), p.Title.In(lang), p.Title.KY, p.Title.RU, p.Title.EN, p.TerritoryCode, p.StartYear, p.EndYear,
			loc.T("plans.status." + string(p.Status)), p.Version, len(p.Signatures), len(p.RequiredSignatures)}
	})
}

// Form.

// planForm is the plan's one form: the plan form and the API's JSON.
// Signatories are repeated required_signatures values in the form,
// evidence lines repeated evidence_kind and evidence_note pairs (blank
// pairs are skipped).
type planForm struct{ *aldyn.Plan }

func (f planForm) fields() formFields {
	p := f.Plan
	return formFields{"kind": text(&p.Kind), "title": texts(&p.Title), "territory_code": text(&p.TerritoryCode),
		"owner_body_id": whole(&p.OwnerBodyID, "error.invalid"), "start_year": whole(&p.StartYear, "error.invalid"),
		"end_year": whole(&p.EndYear, "error.invalid"), "required_signatures": ids(&p.RequiredSignatures, "error.invalid"),
		"evidence": rows(&p.Evidence, []string{"kind", "note"},
			func(c map[string]string, _ aldyn.Validation) (aldyn.PlanEvidence, bool) {
				return aldyn.PlanEvidence{Kind: c["kind"], Note: c["note"]}, true
			},
			func(e aldyn.PlanEvidence) []string { return []string{e.Kind, e.Note} }),
	}
}

func planFromForm(r *http.Request) (*aldyn.Plan, url.Values, error) {
	p := &aldyn.Plan{}
	form, err := readForm(r, planForm{p})
	return p, form, err
}

// newPlanForm is the form of a new plan: a joint plan from this year.
func newPlanForm() url.Values {
	y := time.Now().Year()
	return url.Values{"kind": {aldyn.PlanJoint}, "start_year": {strconv.Itoa(y)}, "end_year": {strconv.Itoa(min(y+2, aldyn.ConceptEndYear))}}
}

// evidenceRow is one line of the evidence table of the plan form.
type evidenceRow struct{ Kind, Note string }

// planFormPageData is the data of the plan_form page.
type planFormPageData struct {
	Plan          *aldyn.Plan
	Action        string
	Territories   []*aldyn.Territory
	Owners        []*aldyn.Body
	Bodies        []*aldyn.Body
	Selected      map[int64]bool
	Evidence      []evidenceRow
	EvidenceKinds []string
	Kinds         []string
}

func (s *Server) renderPlanForm(w http.ResponseWriter, r *http.Request, status int, p *aldyn.Plan, form url.Values, errs map[string]string) error {
	a := actor(r)
	ts, _, err := s.db.FindTerritories(r.Context(), aldyn.TerritoryFilter{Under: a.ScopeUnder(), Page: aldyn.Page{Limit: aldyn.MaxLimit, Sort: "path"}})
	if err != nil {
		return err
	}
	bodies, err := s.scopeBodies(r.Context(), a)
	if err != nil {
		return err
	}
	var owners []*aldyn.Body
	for _, b := range bodies {
		if b.Type == "coordination_council" || b.Type == "coordination_commission" {
			owners = append(owners, b)
		}
	}
	var rows []evidenceRow
	for _, line := range formTable(form, "evidence", "kind", "note") {
		rows = append(rows, evidenceRow{Kind: line[0], Note: line[1]})
	}
	for range 2 {
		rows = append(rows, evidenceRow{})
	}
	title := info(r).loc.T("plans.new")
	action := "/plans"
	if p != nil {
		title = info(r).loc.T("plans.edit")
		action = "/plans/" + strconv.FormatInt(p.ID, 10)
	}
	return s.render(w, r, status, "plan_form", &page{Title: title, Form: form, Errors: errs, Data: &planFormPageData{
		Plan: p, Action: action, Territories: ts, Owners: owners, Bodies: bodies, Selected: idSet(form["required_signatures"]),
		Evidence: rows, EvidenceKinds: aldyn.EvidenceKinds, Kinds: []string{aldyn.PlanNational, aldyn.PlanJoint},
	}})
}

func (s *Server) planNewPage(w http.ResponseWriter, r *http.Request) error {
	if err := requirePlanner(r); err != nil {
		return err
	}
	return s.renderPlanForm(w, r, http.StatusOK, nil, newPlanForm(), nil)
}

func (s *Server) planCreate(w http.ResponseWriter, r *http.Request) error {
	if err := requirePlanner(r); err != nil {
		return err
	}
	p, form, readErr := planFromForm(r)
	return submitForm(w, r, form, readErr, func() error { return s.db.CreatePlan(r.Context(), actor(r), p) },
		func(errs map[string]string) error {
			return s.renderPlanForm(w, r, http.StatusBadRequest, nil, form, errs)
		},
		func() string { return "/plans/" + strconv.FormatInt(p.ID, 10) }, "common.created")
}

func (s *Server) planEditPage(w http.ResponseWriter, r *http.Request) error {
	p, err := s.pathDraft(r)
	if err != nil {
		return err
	}
	return s.renderPlanForm(w, r, http.StatusOK, p, showForm(planForm{p}), nil)
}

func (s *Server) planUpdate(w http.ResponseWriter, r *http.Request) error {
	old, err := s.pathDraft(r)
	if err != nil {
		return err
	}
	id := old.ID
	p, form, readErr := planFromForm(r)
	return submitForm(w, r, form, readErr, func() error { return s.db.UpdatePlan(r.Context(), actor(r), id, p) },
		func(errs map[string]string) error {
			return s.renderPlanForm(w, r, http.StatusBadRequest, old, form, errs)
		},
		func() string { return "/plans/" + strconv.FormatInt(id, 10) }, "common.saved")
}

// Detail.

// signatureRow is one required signatory on the plan page.
type signatureRow struct {
	Body   *aldyn.Body
	BodyID int64
	Signed bool
	At     time.Time
}

// measureRow is a measure with what the tables show beside it.
type measureRow struct {
	M      *aldyn.Measure
	Body   *aldyn.Body
	Status aldyn.MeasureState
	Total  int64
}

// measureGroup is the measures of one Concept component ("" untraced).
type measureGroup struct {
	Code      string
	Component *aldyn.Component
	Measures  []measureRow
}

// planContent loads what the plan pages show: measures grouped by
// component with their status, indicators with their progress.
type planContent struct {
	Groups     []measureGroup
	Indicators []aldyn.Indicator
	Progress   map[int64]aldyn.IndicatorProgress
	Bodies     map[int64]*aldyn.Body
	Measures   int
}

func (s *Server) loadPlanContent(ctx context.Context, p *aldyn.Plan) (*planContent, error) {
	in, err := s.db.LoadPlanInput(ctx, p.ID)
	if err != nil {
		return nil, err
	}
	if err := s.withComputedIndicators(ctx, in, s.db.Now()); err != nil {
		return nil, err
	}
	c, err := theConcept()
	if err != nil {
		return nil, err
	}
	now := time.Now().UTC()
	// The latest accepted report of each measure decides its status.
	cycles := map[int64]*aldyn.ReportingCycle{}
	for i := range in.Cycles {
		cycles[in.Cycles[i].ID] = &in.Cycles[i]
	}
	byMeasure := map[int64][]aldyn.Report{}
	for _, rep := range in.Reports {
		byMeasure[rep.MeasureID] = append(byMeasure[rep.MeasureID], rep)
	}
	var ids []int64
	for _, m := range in.Measures {
		ids = append(ids, m.ResponsibleBodyID)
		ids = append(ids, m.CoExecutorIDs...)
	}
	bodies, err := s.bodiesByID(ctx, ids)
	if err != nil {
		return nil, err
	}
	pc := &planContent{Indicators: in.Indicators, Progress: map[int64]aldyn.IndicatorProgress{}, Bodies: bodies, Measures: len(in.Measures)}
	byCode := map[string]int{}
	for i := range in.Measures {
		m := &in.Measures[i]
		k, ok := byCode[m.ComponentCode]
		if !ok {
			k = len(pc.Groups)
			byCode[m.ComponentCode] = k
			pc.Groups = append(pc.Groups, measureGroup{Code: m.ComponentCode, Component: c.Component(m.ComponentCode)})
		}
		pc.Groups[k].Measures = append(pc.Groups[k].Measures, measureRow{M: m, Body: bodies[m.ResponsibleBodyID],
			Status: aldyn.MeasureStatus(m, aldyn.LatestAccepted(byMeasure[m.ID], cycles), now), Total: m.BudgetTotal()})
	}
	slices.SortStableFunc(pc.Groups, func(a, b measureGroup) int { return aldyn.CompareCodes(a.Code, b.Code) })
	for _, ip := range aldyn.ComputeDashboard(*in, now).Indicators {
		pc.Progress[ip.IndicatorID] = ip
	}
	return pc, nil
}

// planVersions lists the versions of the plan's lineage the actor may read,
// oldest first.
func (s *Server) planVersions(ctx context.Context, a *aldyn.Actor, p *aldyn.Plan, public bool) ([]*aldyn.Plan, error) {
	all, err := aldyn.AllPages(aldyn.Page{}, func(pg aldyn.Page) ([]*aldyn.Plan, int, error) {
		return s.db.FindPlans(ctx, aldyn.PlanFilter{Lineage: &p.ID, Page: pg})
	})
	if err != nil {
		return nil, err
	}
	var out []*aldyn.Plan
	for _, v := range all {
		if (!public && planInternal(a, v)) || isPublicPlan(v) {
			out = append(out, v)
		}
	}
	slices.SortFunc(out, func(x, y *aldyn.Plan) int { return x.Version - y.Version })
	return out, nil
}

// planPageData is the data of the plan page.
type planPageData struct {
	Plan       *aldyn.Plan
	Territory  *aldyn.Territory
	Owner      *aldyn.Body
	Signatures []signatureRow
	Content    *planContent
	Versions   []*aldyn.Plan
	CanManage  bool
	CanEdit    bool
	CanSign    bool
	MyBody     *aldyn.Body
	CanApprove bool
	AllSigned  bool
	CanAmend   bool
	CanClose   bool
}

func (s *Server) planPage(w http.ResponseWriter, r *http.Request) error {
	p, internal, err := s.planByPath(r)
	if err != nil {
		return err
	}
	if !internal {
		return s.renderPublicPlan(w, r, p)
	}
	a := actor(r)
	ctx := r.Context()
	pc, err := s.loadPlanContent(ctx, p)
	if err != nil {
		return err
	}
	bodies, err := s.bodiesByID(ctx, append([]int64{p.OwnerBodyID}, p.RequiredSignatures...))
	if err != nil {
		return err
	}
	var sigs []signatureRow
	for _, id := range p.RequiredSignatures {
		row := signatureRow{Body: bodies[id], BodyID: id}
		for _, sg := range p.Signatures {
			if sg.BodyID == id {
				row.Signed, row.At = true, sg.At
			}
		}
		sigs = append(sigs, row)
	}
	versions, err := s.planVersions(ctx, a, p, false)
	if err != nil {
		return err
	}
	t, err := s.db.FindTerritoryByCode(ctx, p.TerritoryCode)
	if err != nil {
		return err
	}
	manage := a.CanManagePlan(p.TerritoryPath)
	canSign := p.Status == aldyn.PlanDraft && a.Is(aldyn.RoleReporter, aldyn.RoleCoordinator) &&
		slices.Contains(p.RequiredSignatures, a.BodyID) && !p.Signed(a.BodyID)
	return s.render(w, r, http.StatusOK, "plan", &page{Title: p.Title.In(info(r).lang), Data: &planPageData{
		Plan: p, Territory: t, Owner: bodies[p.OwnerBodyID], Signatures: sigs, Content: pc, Versions: versions,
		CanManage: manage, CanEdit: manage && p.CanEdit(), CanSign: canSign, MyBody: bodies[a.BodyID],
		CanApprove: manage && p.Status == aldyn.PlanDraft, AllSigned: len(p.RequiredSignatures) > 0 && len(p.MissingSignatures()) == 0,
		CanAmend: manage && p.Status == aldyn.PlanApproved, CanClose: manage && p.Status == aldyn.PlanApproved,
	}})
}

func (s *Server) publicPlanPage(w http.ResponseWriter, r *http.Request) error {
	id, err := routeID(r, "id", "plans.error.not_found")
	if err != nil {
		return err
	}
	ps, _, err := s.db.FindPublicPlans(r.Context(), aldyn.PlanFilter{ID: &id, Page: aldyn.Page{Limit: 1}})
	if err != nil {
		return err
	}
	if len(ps) == 0 {
		return aldyn.Errorf(aldyn.ENOTFOUND, "plans.error.not_found")
	}
	return s.renderPublicPlan(w, r, ps[0])
}

// planPublicPageData is the data of the plan_public page.
type planPublicPageData struct {
	Plan      *aldyn.Plan
	Territory *aldyn.Territory
	Owner     *aldyn.Body
	Content   *planContent
}

// renderPublicPlan shows a published plan as the public sees it: its
// measures with their status and indicators with their progress; no
// signatories' officers, situation-analysis notes, reports or evidence.
func (s *Server) renderPublicPlan(w http.ResponseWriter, r *http.Request, p *aldyn.Plan) error {
	ctx := r.Context()
	pc, err := s.loadPlanContent(ctx, p)
	if err != nil {
		return err
	}
	for id, b := range pc.Bodies {
		pc.Bodies[id] = b.Public()
	}
	for gi := range pc.Groups {
		for mi := range pc.Groups[gi].Measures {
			if b := pc.Groups[gi].Measures[mi].Body; b != nil {
				pc.Groups[gi].Measures[mi].Body = b.Public()
			}
		}
	}
	t, err := s.db.FindTerritoryByCode(ctx, p.TerritoryCode)
	if err != nil {
		return err
	}
	owner, err := s.bodiesByID(ctx, []int64{p.OwnerBodyID})
	if err != nil {
		return err
	}
	var ob *aldyn.Body
	if b := owner[p.OwnerBodyID]; b != nil {
		ob = b.Public()
	}
	return s.render(w, r, http.StatusOK, "plan_public", &page{Title: p.Title.In(info(r).lang), Data: &planPublicPageData{
		Plan: publicPlan(p), Territory: t, Owner: ob, Content: pc,
	}})
}

// Lifecycle.

func (s *Server) runPlanAction(r *http.Request, action string) (*aldyn.Plan, error) {
	a := actor(r)
	if !a.SignedIn() {
		return nil, unauthorized()
	}
	id, err := routeID(r, "id", "plans.error.not_found")
	if err != nil {
		return nil, err
	}
	// Those who cannot read the plan do not learn it exists.
	if _, _, err := s.visiblePlan(r.Context(), a, id); err != nil {
		return nil, err
	}
	switch action {
	case "sign":
		return s.db.SignPlan(r.Context(), a, id)
	case "approve":
		return s.db.ApprovePlan(r.Context(), a, id)
	case "amend":
		return s.db.AmendPlan(r.Context(), a, id)
	case "close":
		return s.db.ClosePlan(r.Context(), a, id)
	}
	return nil, aldyn.Errorf(aldyn.ENOTFOUND, "error.not_found")
}

func (s *Server) planAction(action string) func(http.ResponseWriter, *http.Request) error {
	return func(w http.ResponseWriter, r *http.Request) error {
		p, err := s.runPlanAction(r, action)
		if err != nil {
			return err
		}
		return redirect(w, r, "/plans/"+strconv.FormatInt(p.ID, 10), "plans.done."+action)
	}
}

func (s *Server) apiPlanAction(action string) func(http.ResponseWriter, *http.Request) error {
	return func(w http.ResponseWriter, r *http.Request) error {
		p, err := s.runPlanAction(r, action)
		if err != nil {
			return err
		}
		status := http.StatusOK
		if action == "amend" {
			status = http.StatusCreated
		}
		return writeJSON(w, status, p)
	}
}

// Diff.

// planDiffPageData is the data of the plan_diff page.
type planDiffPageData struct {
	Plan     *aldyn.Plan
	Previous *aldyn.Plan
	Changes  []aldyn.MeasureChange
}

func (s *Server) planDiffPage(w http.ResponseWriter, r *http.Request) error {
	p, _, err := s.planByPath(r)
	if err != nil {
		return err
	}
	var prev *aldyn.Plan
	var changes []aldyn.MeasureChange
	if p.ParentID != nil {
		if prev, _, err = s.visiblePlan(r.Context(), actor(r), *p.ParentID); err != nil {
			return err
		}
		olds, err := s.allMeasures(r.Context(), prev.ID)
		if err != nil {
			return err
		}
		news, err := s.allMeasures(r.Context(), p.ID)
		if err != nil {
			return err
		}
		changes = aldyn.DiffPlans(olds, news)
	}
	if wantsJSON(r) {
		if changes == nil {
			changes = []aldyn.MeasureChange{}
		}
		return writeJSON(w, http.StatusOK, changes)
	}
	return s.render(w, r, http.StatusOK, "plan_diff", &page{Title: info(r).loc.T("plans.diff_title", map[string]any{"version": p.Version}), Data: &planDiffPageData{
		Plan: p, Previous: prev, Changes: changes,
	}})
}

// API.

func (s *Server) apiPlans(w http.ResponseWriter, r *http.Request) error {
	return writeList(w, r, nil, fromQuery(planFilter), func(f aldyn.PlanFilter) aldyn.Page { return f.Page },
		func(ctx context.Context, f aldyn.PlanFilter) ([]*aldyn.Plan, int, error) {
			return s.findPlans(ctx, actor(r), f, false)
		})
}

func (s *Server) apiPlan(w http.ResponseWriter, r *http.Request) error {
	p, internal, err := s.planByPath(r)
	if err != nil {
		return err
	}
	if !internal {
		p = publicPlan(p)
	}
	return writeJSON(w, http.StatusOK, p)
}

func (s *Server) apiPlanCreate(w http.ResponseWriter, r *http.Request) error {
	if err := requirePlanner(r); err != nil {
		return err
	}
	p := &aldyn.Plan{}
	return saveFormJSON(w, r, http.StatusCreated, p, planForm{p}, s.db.CreatePlan)
}

func (s *Server) apiPlanUpdate(w http.ResponseWriter, r *http.Request) error {
	old, err := s.pathDraft(r)
	if err != nil {
		return err
	}
	id := old.ID
	p := &aldyn.Plan{}
	if err := readJSON(r, planForm{p}); err != nil {
		return err
	}
	if err := s.db.UpdatePlan(r.Context(), actor(r), id, p); err != nil {
		return err
	}
	p, err = s.db.FindPlanByID(r.Context(), id)
	return writeFound(w, p, err)
}
