package web

import (
	"context"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/aldyn-kg/aldyn"
	"github.com/aldyn-kg/aldyn/internal/store"
)

// This file is the reporting module: reporting cycles of plans, the tasks
// of a body, notifications, progress reports with their evidence files and
// review, the monitoring dashboard and the monitoring report download. The
// plan, measure and indicator pages it links to are the plans module's.

// pathPlan loads the plan of the path for its reporting pages: not found,
// as on the plan's own pages, unless the actor reads the plan.
func (s *Server) pathPlan(r *http.Request) (*aldyn.Plan, error) {
	id, err := guardedID(r, requireSignedIn, "plans.error.not_found")
	if err != nil {
		return nil, err
	}
	p, _, err := s.visiblePlan(r.Context(), actor(r), id)
	return p, err
}

// planByID loads the plan of a cycle or report; the caller checks the
// actor's access (a reporting body reads its reports on any plan).
func (s *Server) planByID(ctx context.Context, id int64) (*aldyn.Plan, error) {
	p, err := s.db.FindPlanByID(ctx, id)
	return p, notFoundAs(err, "reporting.error.not_found")
}

// canMonitor reports whether the actor may see a plan's monitoring
// (dashboard, cycle completeness, the monitoring report): signed-in users
// whose territory covers the plan's.
func canMonitor(a *aldyn.Actor, p *aldyn.Plan) bool {
	return a.SignedIn() && a.Covers(p.TerritoryPath)
}

// reportCtx is a report with what its pages need around it.
type reportCtx struct {
	R *aldyn.Report
	C *aldyn.ReportingCycle
	P *aldyn.Plan
	M *aldyn.Measure
}

func (s *Server) loadReport(ctx context.Context, id int64) (*reportCtx, error) {
	rp, err := s.db.FindReportByID(ctx, id)
	if err != nil {
		return nil, notFoundAs(err, "reporting.error.not_found")
	}
	c, err := s.db.FindCycleByID(ctx, rp.CycleID)
	if err != nil {
		return nil, err
	}
	p, err := s.planByID(ctx, c.PlanID)
	if err != nil {
		return nil, err
	}
	m, err := s.db.FindMeasureByID(ctx, rp.MeasureID)
	if err != nil {
		return nil, err
	}
	return &reportCtx{R: rp, C: c, P: p, M: m}, nil
}

// canViewReport: the users of the reporting body, and coordinators,
// analysts and administrators whose territory covers the plan's.
func canViewReport(a *aldyn.Actor, rc *reportCtx) bool {
	if !a.SignedIn() {
		return false
	}
	if a.BodyID == rc.R.BodyID {
		return true
	}
	return a.Is(aldyn.RoleCoordinator, aldyn.RoleAnalyst, aldyn.RoleAdministrator) && a.Covers(rc.P.TerritoryPath)
}

// canReadEvidence: the users of the reporting body, coordinators covering
// the plan and administrators covering it.
func canReadEvidence(a *aldyn.Actor, rc *reportCtx) bool {
	if !a.SignedIn() {
		return false
	}
	if a.BodyID == rc.R.BodyID {
		return true
	}
	return a.Is(aldyn.RoleCoordinator, aldyn.RoleAdministrator) && a.Covers(rc.P.TerritoryPath)
}

func (s *Server) viewableReport(r *http.Request) (*reportCtx, error) {
	id, err := guardedID(r, requireSignedIn, "reporting.error.not_found")
	if err != nil {
		return nil, err
	}
	rc, err := s.loadReport(r.Context(), id)
	if err != nil {
		return nil, err
	}
	if !canViewReport(actor(r), rc) {
		return nil, forbidden()
	}
	return rc, nil
}

// bodyNames caches body names in a language for one request.
type bodyNames struct {
	s     *Server
	ctx   context.Context
	lang  string
	names map[int64]string
}

func (s *Server) newBodyNames(r *http.Request) *bodyNames {
	return &bodyNames{s: s, ctx: r.Context(), lang: info(r).lang, names: map[int64]string{}}
}

func (b *bodyNames) Name(id int64) string {
	if n, ok := b.names[id]; ok {
		return n
	}
	n := "#" + strconv.FormatInt(id, 10)
	if body, err := b.s.db.FindBodyByID(b.ctx, id); err == nil {
		n = body.Name(b.lang)
	}
	b.names[id] = n
	return n
}

func (b *bodyNames) all(ids ...int64) map[int64]string {
	for _, id := range ids {
		b.Name(id)
	}
	return b.names
}

// userName names a user for history lines; deleted users show their id.
func (s *Server) userName(ctx context.Context, cache map[int64]string, id int64) string {
	if id == 0 {
		return ""
	}
	if n, ok := cache[id]; ok {
		return n
	}
	n := "#" + strconv.FormatInt(id, 10)
	if u, err := s.db.FindUserByID(ctx, id); err == nil {
		n = u.Name
		if n == "" {
			n = u.Login
		}
	}
	cache[id] = n
	return n
}

// Reporting cycles.

func (s *Server) cycleList(ctx context.Context, planID int64) ([]*aldyn.ReportingCycle, error) {
	cs, _, err := s.db.FindCycles(ctx, aldyn.CycleFilter{PlanID: &planID, Page: aldyn.Page{Limit: aldyn.MaxLimit, Sort: "from", Desc: true}})
	return cs, err
}

// pathCycles loads the plan of the path and its cycles, the latest first.
func (s *Server) pathCycles(r *http.Request) (*aldyn.Plan, []*aldyn.ReportingCycle, error) {
	p, err := s.pathPlan(r)
	if err != nil {
		return nil, nil, err
	}
	cs, err := s.cycleList(r.Context(), p.ID)
	return p, cs, err
}

func (s *Server) cyclesPage(w http.ResponseWriter, r *http.Request) error {
	return s.renderCycles(w, r, http.StatusOK, nil, nil)
}

// reportingCyclesPageData is the data of the reporting_cycles page.
type reportingCyclesPageData struct {
	Plan       *aldyn.Plan
	Cycles     []*aldyn.ReportingCycle
	CanManage  bool
	CanMonitor bool
}

func (s *Server) renderCycles(w http.ResponseWriter, r *http.Request, status int, form map[string][]string, errs map[string]string) error {
	p, cs, err := s.pathCycles(r)
	if err != nil {
		return err
	}
	pg := &page{Title: info(r).loc.T("reporting.cycles.title"), Errors: errs, Data: &reportingCyclesPageData{
		Plan: p, Cycles: cs, CanManage: actor(r).CanManagePlan(p.TerritoryPath) && p.Status == aldyn.PlanApproved,
		CanMonitor: canMonitor(actor(r), p),
	}}
	if form != nil {
		pg.Form = form
	}
	return s.render(w, r, status, "reporting_cycles", pg)
}

// bishkek is Kyrgyzstan's time (UTC+6 all year), the day of a deadline.
var bishkek = time.FixedZone("Asia/Bishkek", 6*60*60)

// cycleForm is a reporting cycle's one form: the new cycle form and the
// API's JSON. Dates are YYYY-MM-DD; the deadline is a date (the end of
// that day, Bishkek time) or an RFC 3339 time. The plan is the path's.
type cycleForm struct{ *aldyn.ReportingCycle }

func (f cycleForm) fields() formFields {
	c := f.ReportingCycle
	return formFields{"period": text(&c.Period), "from": day(&c.From, "reporting.error.date"), "to": day(&c.To, "reporting.error.date"),
		"deadline": deadline(&c.Deadline, "reporting.error.date")}
}

// deadline is the moment a deadline falls, as a date (the whole of that
// day in Kyrgyzstan) or an RFC 3339 time; blank leaves it unset.
func deadline(p *time.Time, bad string) formField {
	return timeField{p, bad, parseDeadline, func(t time.Time) string { return t.In(bishkek).Format(time.DateOnly) }}
}

func parseDeadline(s string) (time.Time, bool) {
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t.UTC(), true
	}
	t, err := time.ParseInLocation(time.DateOnly, s, bishkek)
	return t.Add(24*time.Hour - time.Second).UTC(), err == nil
}

// openCycle creates the cycle and tells each body responsible for a
// measure running in it that its reports are due.
func (s *Server) openCycle(r *http.Request, c *aldyn.ReportingCycle) error {
	ctx, a := r.Context(), actor(r)
	if err := s.db.CreateCycle(ctx, a, c); err != nil {
		return err
	}
	ms, _, err := s.db.FindMeasures(ctx, c.PlanID, aldyn.MeasureFilter{Page: aldyn.Page{Limit: aldyn.MaxLimit}})
	if err != nil {
		return err
	}
	var bodies []int64
	for _, m := range ms {
		if c.Covers(m) && !slices.Contains(bodies, m.ResponsibleBodyID) {
			bodies = append(bodies, m.ResponsibleBodyID)
		}
	}
	slices.Sort(bodies)
	ns := make([]*store.Notification, len(bodies))
	for i, b := range bodies {
		ns[i] = &store.Notification{BodyID: b, Kind: "cycle_opened", TextKey: "reporting.notify.cycle_opened",
			Args: map[string]any{"period": c.Period, "deadline": c.Deadline.Format(time.DateOnly)}, Link: "/tasks"}
	}
	if len(ns) == 0 {
		return nil
	}
	return s.db.Notify(ctx, a, ns...)
}

// pathManagedPlan loads the plan of the path, which the actor must manage.
func (s *Server) pathManagedPlan(r *http.Request) (*aldyn.Plan, error) {
	p, err := s.pathPlan(r)
	if err == nil && !actor(r).CanManagePlan(p.TerritoryPath) {
		return nil, forbidden()
	}
	return p, err
}

func (s *Server) cycleCreate(w http.ResponseWriter, r *http.Request) error {
	p, err := s.pathManagedPlan(r)
	if err != nil {
		return err
	}
	c := &aldyn.ReportingCycle{PlanID: p.ID}
	form, readErr := readForm(r, cycleForm{c})
	return submitForm(w, r, form, readErr, func() error { return s.openCycle(r, c) },
		func(errs map[string]string) error { return s.renderCycles(w, r, http.StatusBadRequest, form, errs) },
		func() string { return "/cycles/" + strconv.FormatInt(c.ID, 10) }, "reporting.cycle.opened")
}

func (s *Server) cycleClose(w http.ResponseWriter, r *http.Request) error {
	id, err := guardedID(r, requireSignedIn, "reporting.error.not_found")
	if err != nil {
		return err
	}
	c, err := s.closeCycle(r, id)
	if err != nil {
		return err
	}
	return redirect(w, r, "/cycles/"+strconv.FormatInt(c.ID, 10), "reporting.cycle.closed")
}

func (s *Server) closeCycle(r *http.Request, id int64) (*aldyn.ReportingCycle, error) {
	c, err := s.db.CloseCycle(r.Context(), actor(r), id)
	return c, notFoundAs(err, "reporting.error.not_found")
}

// cycleRow is one measure's report in a cycle.
type cycleRow struct {
	Measure *aldyn.Measure
	Body    string
	Report  *aldyn.Report // nil: not started
	Late    bool
	Missing bool // not submitted and the deadline passed
}

// cycleBody sums one body's rows.
type cycleBody struct {
	BodyID                                       int64
	Name                                         string
	Expected, Submitted, Accepted, Late, Missing int
}

// reportingCyclePageData is the data of the reporting_cycle page.
type reportingCyclePageData struct {
	Cycle      *aldyn.ReportingCycle
	Plan       *aldyn.Plan
	Rows       []cycleRow
	Bodies     []*cycleBody
	CanManage  bool
	CanReport  bool
	MyBody     int64
	Now        time.Time
	CanMonitor bool
}

func (s *Server) cyclePage(w http.ResponseWriter, r *http.Request) error {
	id, err := guardedID(r, requireSignedIn, "reporting.error.not_found")
	if err != nil {
		return err
	}
	ctx, a := r.Context(), actor(r)
	c, err := s.db.FindCycleByID(ctx, id)
	if err != nil {
		return notFoundAs(err, "reporting.error.not_found")
	}
	p, err := s.planByID(ctx, c.PlanID)
	if err != nil {
		return err
	}
	// Those who monitor the plan see every body; others their own.
	all := canMonitor(a, p) && !a.Is(aldyn.RoleReporter)
	ms, _, err := s.db.FindMeasures(ctx, p.ID, aldyn.MeasureFilter{Page: aldyn.Page{Limit: aldyn.MaxLimit}})
	if err != nil {
		return err
	}
	rs, _, err := s.db.FindReports(ctx, aldyn.ReportFilter{CycleID: &c.ID, Page: aldyn.Page{Limit: aldyn.MaxLimit}})
	if err != nil {
		return err
	}
	byMeasure := map[int64]*aldyn.Report{}
	for _, x := range rs {
		byMeasure[x.MeasureID] = x
	}
	names := s.newBodyNames(r)
	now := s.db.Now()
	var rows []cycleRow
	bodies := map[int64]*cycleBody{}
	var order []int64
	for _, m := range ms {
		if !c.Covers(m) || (!all && m.ResponsibleBodyID != a.BodyID) {
			continue
		}
		row := cycleRow{Measure: m, Body: names.Name(m.ResponsibleBodyID), Report: byMeasure[m.ID]}
		submitted := row.Report != nil && row.Report.FirstSubmittedAt != nil
		row.Late = submitted && row.Report.IsLate(c)
		row.Missing = !submitted && now.After(c.Deadline)
		rows = append(rows, row)
		b := bodies[m.ResponsibleBodyID]
		if b == nil {
			b = &cycleBody{BodyID: m.ResponsibleBodyID, Name: row.Body}
			bodies[m.ResponsibleBodyID] = b
			order = append(order, b.BodyID)
		}
		b.Expected++
		if submitted {
			b.Submitted++
		}
		if row.Report != nil && row.Report.Status == aldyn.ReportAccepted {
			b.Accepted++
		}
		if row.Late {
			b.Late++
		}
		if row.Missing {
			b.Missing++
		}
	}
	if !all && len(rows) == 0 && !canMonitor(a, p) {
		// Those who cannot read the plan do not learn its cycles exist.
		if !planInternal(a, p) && !isPublicPlan(p) {
			return aldyn.Errorf(aldyn.ENOTFOUND, "reporting.error.not_found")
		}
		return forbidden()
	}
	sums := make([]*cycleBody, len(order))
	for i, id := range order {
		sums[i] = bodies[id]
	}
	slices.SortFunc(sums, func(x, y *cycleBody) int { return strings.Compare(x.Name, y.Name) })
	return s.render(w, r, http.StatusOK, "reporting_cycle", &page{Title: info(r).loc.T("reporting.cycle.title", "period", c.Period), Data: &reportingCyclePageData{
		Cycle: c, Plan: p, Rows: rows, Bodies: sums, CanManage: a.CanManagePlan(p.TerritoryPath) && c.Status == aldyn.CycleOpen,
		CanReport: a.Is(aldyn.RoleReporter, aldyn.RoleCoordinator), MyBody: a.BodyID, Now: now,
		CanMonitor: canMonitor(a, p),
	}})
}

// Tasks.

// task is one line of "my tasks".
type task struct {
	*store.ReportTask
	Overdue bool
}

// review is a submitted report awaiting the coordinator's decision.
type review struct {
	Report  *aldyn.Report
	Measure *aldyn.Measure
	Cycle   *aldyn.ReportingCycle
	Body    string
	Late    bool
}

// tasksOf lists the actor body's reports due in open cycles, overdue ones
// first, then by deadline.
func (s *Server) tasksOf(ctx context.Context, a *aldyn.Actor) ([]task, error) {
	if a.BodyID == 0 || !a.Is(aldyn.RoleReporter, aldyn.RoleCoordinator) {
		return nil, nil
	}
	ts, err := s.db.FindReportTasks(ctx, a.BodyID)
	if err != nil {
		return nil, err
	}
	now := s.db.Now()
	out := make([]task, 0, len(ts))
	for _, t := range ts {
		done := t.Status == aldyn.ReportSubmitted || t.Status == aldyn.ReportAccepted
		out = append(out, task{ReportTask: t, Overdue: !done && now.After(t.Cycle.Deadline)})
	}
	slices.SortStableFunc(out, func(x, y task) int {
		if x.Overdue != y.Overdue {
			if x.Overdue {
				return -1
			}
			return 1
		}
		return x.Cycle.Deadline.Compare(y.Cycle.Deadline)
	})
	return out, nil
}

// reviewsOf lists the submitted reports a coordinator may decide on.
func (s *Server) reviewsOf(r *http.Request) ([]review, error) {
	a := actor(r)
	if !a.Is(aldyn.RoleCoordinator) {
		return nil, nil
	}
	ctx := r.Context()
	st := aldyn.ReportSubmitted
	rs, _, err := s.db.FindReports(ctx, aldyn.ReportFilter{Status: &st, Under: a.ScopeUnder(), Page: aldyn.Page{Limit: aldyn.MaxLimit, Sort: "submitted_at"}})
	if err != nil {
		return nil, err
	}
	names := s.newBodyNames(r)
	cycles := map[int64]*aldyn.ReportingCycle{}
	out := make([]review, 0, len(rs))
	for _, x := range rs {
		if x.SubmittedBy == a.UserID {
			continue // four eyes: someone else decides
		}
		c := cycles[x.CycleID]
		if c == nil {
			if c, err = s.db.FindCycleByID(ctx, x.CycleID); err != nil {
				return nil, err
			}
			cycles[c.ID] = c
		}
		m, err := s.db.FindMeasureByID(ctx, x.MeasureID)
		if err != nil {
			return nil, err
		}
		out = append(out, review{Report: x, Measure: m, Cycle: c, Body: names.Name(x.BodyID), Late: x.IsLate(c)})
	}
	return out, nil
}

// reportingTasksPageData is the data of the reporting_tasks page.
type reportingTasksPageData struct {
	Tasks         []task
	Reviews       []review
	Outstanding   []outstanding
	IsCoordinator bool
	CanReport     bool
	// Residents are the residents' reports open at the actor's body.
	Residents      []residentRow
	ResidentsTotal int
	// DataForms are the reported-figures forms to fill in and review.
	DataForms *dataFormTasks
}

func (s *Server) tasksPage(w http.ResponseWriter, r *http.Request) error {
	if err := requireSignedIn(r); err != nil {
		return err
	}
	ts, err := s.tasksOf(r.Context(), actor(r))
	if err != nil {
		return err
	}
	rv, err := s.reviewsOf(r)
	if err != nil {
		return err
	}
	outs, err := s.outstandingOf(r)
	if err != nil {
		return err
	}
	residents, residentsTotal, err := s.openResidentTasks(r.Context(), actor(r))
	if err != nil {
		return err
	}
	dfs, err := s.dataFormTasksOf(r.Context(), actor(r))
	if err != nil {
		return err
	}
	return s.render(w, r, http.StatusOK, "reporting_tasks", &page{Title: info(r).loc.T("reporting.tasks.title"), Data: &reportingTasksPageData{
		Tasks: ts, Reviews: rv, Outstanding: outs, DataForms: dfs, IsCoordinator: actor(r).Is(aldyn.RoleCoordinator),
		Residents: residents, ResidentsTotal: residentsTotal,
		CanReport: actor(r).Is(aldyn.RoleReporter, aldyn.RoleCoordinator) && actor(r).BodyID > 0,
	}})
}

// apiTask is a task in the API.
type apiTask struct {
	CycleID      int64              `json:"cycle_id"`
	Period       string             `json:"period"`
	Deadline     time.Time          `json:"deadline"`
	PlanID       int64              `json:"plan_id"`
	PlanTitle    aldyn.Text         `json:"plan_title"`
	MeasureID    int64              `json:"measure_id"`
	MeasureCode  string             `json:"measure_code"`
	MeasureTitle aldyn.Text         `json:"measure_title"`
	BodyID       int64              `json:"body_id"`
	ReportID     int64              `json:"report_id,omitempty"`
	Status       string             `json:"status"` // not_started, draft, submitted, returned, accepted
	Comment      string             `json:"comment,omitempty"`
	Overdue      bool               `json:"overdue"`
	Kind         string             `json:"kind"` // report (to write) or review (to decide)
	ReportStatus aldyn.ReportStatus `json:"-"`
}

func (s *Server) apiTasks(w http.ResponseWriter, r *http.Request) error {
	if err := requireSignedIn(r); err != nil {
		return err
	}
	ts, err := s.tasksOf(r.Context(), actor(r))
	if err != nil {
		return err
	}
	out := []apiTask{}
	for _, t := range ts {
		st := string(t.Status)
		if st == "" {
			st = "not_started"
		}
		out = append(out, apiTask{CycleID: t.Cycle.ID, Period: t.Cycle.Period, Deadline: t.Cycle.Deadline, PlanID: t.Cycle.PlanID, PlanTitle: t.PlanTitle,
			MeasureID: t.MeasureID, MeasureCode: t.MeasureCode, MeasureTitle: t.MeasureTitle, BodyID: t.BodyID, ReportID: t.ReportID,
			Status: st, Comment: t.Comment, Overdue: t.Overdue, Kind: "report"})
	}
	rv, err := s.reviewsOf(r)
	if err != nil {
		return err
	}
	for _, x := range rv {
		out = append(out, apiTask{CycleID: x.Cycle.ID, Period: x.Cycle.Period, Deadline: x.Cycle.Deadline, PlanID: x.Cycle.PlanID,
			MeasureID: x.Measure.ID, MeasureCode: x.Measure.Code, MeasureTitle: x.Measure.Title, BodyID: x.Report.BodyID, ReportID: x.Report.ID,
			Status: string(x.Report.Status), Kind: "review"})
	}
	return writeJSON(w, http.StatusOK, map[string]any{"items": out, "total": len(out)})
}

// Notifications.

// reportingNotificationsPageData is the data of the reporting_notifications page.
type reportingNotificationsPageData struct {
	Items []*store.Notification
	Pager pager
}

func (s *Server) notificationsPage(w http.ResponseWriter, r *http.Request) error {
	if err := requireSignedIn(r); err != nil {
		return err
	}
	a := actor(r)
	pg, err := pageFromQuery(r.URL.Query())
	if err != nil {
		return err
	}
	ns, total, err := s.db.FindNotifications(r.Context(), store.NotificationFilter{UserID: a.UserID, BodyID: a.BodyID, Page: pg})
	if err != nil {
		return err
	}
	return s.render(w, r, http.StatusOK, "reporting_notifications", &page{Title: info(r).loc.T("reporting.notifications.title"), Data: &reportingNotificationsPageData{
		Items: ns, Pager: newPager(pg, total),
	}})
}

func (s *Server) notificationRead(w http.ResponseWriter, r *http.Request) error {
	id, err := guardedID(r, requireSignedIn, "reporting.error.not_found")
	if err != nil {
		return err
	}
	if err := s.db.MarkNotificationRead(r.Context(), actor(r), id); err != nil {
		return notFoundAs(err, "reporting.error.not_found")
	}
	return redirect(w, r, "/notifications", "")
}

// NotificationText translates a notification for the page.
func (p *page) NotificationText(n *store.Notification) string { return p.ri.loc.T(n.TextKey, n.Args) }

// ReportingUnread is the number of unread notifications of the signed-in
// user and their body, shown in the header; 0 on any error.
func (p *page) ReportingUnread() int {
	a := p.ri.actor
	if !a.SignedIn() || p.s == nil {
		return 0
	}
	n, err := p.s.db.CountUnreadNotifications(p.r.Context(), a.UserID, a.BodyID)
	if err != nil {
		return 0
	}
	return n
}
