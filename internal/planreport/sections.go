package planreport

import (
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/aldyn-kg/aldyn"
	"github.com/aldyn-kg/aldyn/internal/export"
	"github.com/aldyn-kg/aldyn/internal/i18n"
)

// The parts of the report beyond the plan's own figures: periods as people
// write them, the prose summary, measures under the Concept's components
// and tasks, the risks and the Council's decisions.

var (
	quarterPeriod = regexp.MustCompile(`^(\d{4})\s*-?\s*Q([1-4])$`)
	halfPeriod    = regexp.MustCompile(`^(\d{4})\s*-?\s*H([12])$`)
	monthPeriod   = regexp.MustCompile(`^(\d{4})-(\d{2})$`)
	yearPeriod    = regexp.MustCompile(`^(\d{4})$`)
)

var roman = [...]string{"", "I", "II", "III", "IV"}

// PeriodLabel writes a cycle's period label ("2026-Q3", "2024 H1",
// "2026-07", "2026") as the language writes it: "2026-жылдын III
// чейреги", "III квартал 2026 года", "Q3 2026". Other labels are kept.
func PeriodLabel(loc *i18n.Localizer, period string) string {
	p := strings.ToUpper(strings.TrimSpace(period))
	if m := quarterPeriod.FindStringSubmatch(p); m != nil {
		return tr(loc, "planreport.period.quarter", "year", m[1], "q", periodNumber(loc, m[2]))
	}
	if m := halfPeriod.FindStringSubmatch(p); m != nil {
		return tr(loc, "planreport.period.half", "year", m[1], "q", periodNumber(loc, m[2]))
	}
	if m := monthPeriod.FindStringSubmatch(p); m != nil {
		mon, _ := strconv.Atoi(m[2])
		if mon >= 1 && mon <= 12 {
			return tr(loc, "planreport.period.month", "year", m[1], "month", loc.Month(time.Month(mon)))
		}
	}
	if m := yearPeriod.FindStringSubmatch(p); m != nil {
		return tr(loc, "planreport.period.year", "year", m[1])
	}
	return period
}

// periodNumber is a quarter's or half's number as the language writes it:
// Roman in Kyrgyz and Russian ("III квартал"), Arabic in English ("Q3").
func periodNumber(loc *i18n.Localizer, n string) string {
	if loc.Lang() == "en" {
		return n
	}
	i, _ := strconv.Atoi(n)
	return roman[i]
}

// joinList joins items as the language lists them: "a, b and c".
func joinList(loc *i18n.Localizer, items []string) string {
	switch len(items) {
	case 0:
		return ""
	case 1:
		return items[0]
	}
	return strings.Join(items[:len(items)-1], ", ") + " " + tr(loc, "planreport.and") + " " + items[len(items)-1]
}

// measuresSentence is the first finding: the measures by status, each
// status that has any, in the order of aldyn.MeasureStates but done first.
func measuresSentence(loc *i18n.Localizer, m aldyn.StatusCounts) string {
	order := []aldyn.MeasureState{aldyn.MeasureDone, aldyn.MeasureOnTrack, aldyn.MeasureAtRisk, aldyn.MeasureOverdue,
		aldyn.MeasureNotStarted, aldyn.MeasureCancelled}
	var items []string
	for _, s := range order {
		if n := statusCount(m, s); n > 0 {
			items = append(items, loc.Tn("planreport.finding.status."+string(s), n))
		}
	}
	return loc.Tn("planreport.finding.measures", m.Total, "list", joinList(loc, items))
}

// componentGroup is one component of the Concept with its measures by task.
type componentGroup struct {
	code, title string
	tasks       []taskGroup
}

type taskGroup struct {
	code, title string
	rows        []*measureRow
}

// groupByComponent puts the measures under their components and tasks,
// in the Concept's order; measures outside it come last.
func groupByComponent(loc *i18n.Localizer, rows []measureRow, c *aldyn.Concept, lang string) []componentGroup {
	var out []componentGroup
	index := map[string]int{}
	for i := range rows {
		r := &rows[i]
		ci, ok := index[r.m.ComponentCode]
		if !ok {
			ci = len(out)
			index[r.m.ComponentCode] = ci
			out = append(out, componentGroup{code: r.m.ComponentCode, title: componentTitle(loc, c, r.m.ComponentCode, lang)})
		}
		g := &out[ci]
		ti := slices.IndexFunc(g.tasks, func(t taskGroup) bool { return t.code == r.m.TaskCode })
		if ti < 0 {
			title := ""
			if t := c.Task(r.m.TaskCode); t != nil {
				title = t.Title.In(lang)
			}
			g.tasks = append(g.tasks, taskGroup{code: r.m.TaskCode, title: title})
			ti = len(g.tasks) - 1
		}
		g.tasks[ti].rows = append(g.tasks[ti].rows, r)
	}
	slices.SortStableFunc(out, func(a, b componentGroup) int {
		switch {
		case a.code == b.code:
			return 0
		case a.code == "":
			return 1
		case b.code == "":
			return -1
		}
		return aldyn.CompareCodes(a.code, b.code)
	})
	for i := range out {
		slices.SortStableFunc(out[i].tasks, func(a, b taskGroup) int { return aldyn.CompareCodes(a.code, b.code) })
	}
	return out
}

// groupTable is the measures of one task, as the document lists them.
func groupTable(loc *i18n.Localizer, rows []*measureRow, bodies map[int64]string, lang string) *export.Table {
	t := &export.Table{Columns: []export.Column{
		col(loc, "code", export.Text), col(loc, "measure", export.Text), col(loc, "body", export.Text),
		col(loc, "due", export.Date), statusCol(loc, "status"), col(loc, "progress", export.Int),
	}}
	for _, r := range rows {
		var progress any
		if r.progress != nil {
			progress = *r.progress
		}
		t.Rows = append(t.Rows, []any{r.m.Code, r.m.Title.In(lang), bodyName(bodies, r.m.ResponsibleBodyID), r.m.Due,
			statusLabel(loc, r.status), progress})
	}
	return t
}

// componentBudgetTable is the budget by component of the Concept.
func componentBudgetTable(loc *i18n.Localizer, d *aldyn.Dashboard, c *aldyn.Concept, lang string) export.Table {
	t := export.Table{
		Title: tr(loc, "planreport.table.budget_components"),
		Columns: []export.Column{col(loc, "component", export.Text), col(loc, "planned", export.Int),
			col(loc, "spent", export.Int), col(loc, "spent_share", export.Percent)},
	}
	for _, g := range d.Components {
		var sh any
		if g.PlannedKGS > 0 {
			sh = float64(g.SpentKGS) / float64(g.PlannedKGS)
		}
		name := componentTitle(loc, c, g.ComponentCode, lang)
		if g.ComponentCode != "" {
			name = g.ComponentCode + " " + name
		}
		t.Rows = append(t.Rows, []any{name, g.PlannedKGS, g.SpentKGS, sh})
	}
	return t
}

// riskTable is the plan's risk register, highest score first among open
// risks, then the mitigated and closed.
func riskTable(loc *i18n.Localizer, risks []aldyn.Risk, bodies map[int64]string, lang string) export.Table {
	t := export.Table{
		Title: tr(loc, "planreport.table.risks"),
		Columns: []export.Column{
			col(loc, "risk", export.Text), col(loc, "score", export.Text), col(loc, "mitigation", export.Text),
			col(loc, "body", export.Text), col(loc, "risk_status", export.Text),
		},
	}
	rs := slices.Clone(risks)
	rank := map[aldyn.RiskStatus]int{aldyn.RiskOpen: 0, aldyn.RiskMitigated: 1, aldyn.RiskClosed: 2}
	slices.SortStableFunc(rs, func(a, b aldyn.Risk) int {
		if rank[a.Status] != rank[b.Status] {
			return rank[a.Status] - rank[b.Status]
		}
		return b.Score() - a.Score()
	})
	for _, r := range rs {
		owner := ""
		if r.OwnerBodyID != 0 {
			owner = bodyName(bodies, r.OwnerBodyID)
		}
		score := strconv.Itoa(r.Score()) + " (" + tr(loc, "risks.level."+r.Level()) + ")"
		t.Rows = append(t.Rows, []any{r.Text.In(lang), score, r.Mitigation.In(lang), owner, tr(loc, "risks.status."+string(r.Status))})
	}
	return t
}

// decisionTable follows up the Council's decisions that set tasks.
func decisionTable(loc *i18n.Localizer, ds []aldyn.Decision, bodies map[int64]string, in Input) export.Table {
	t := export.Table{
		Title: tr(loc, "planreport.table.decisions"),
		Columns: []export.Column{
			col(loc, "meeting_date", export.Date), col(loc, "decision", export.Text), col(loc, "body", export.Text),
			col(loc, "deadline", export.Date), col(loc, "decision_status", export.Text),
		},
	}
	for _, d := range ds {
		if !d.IsTask() {
			continue
		}
		status := tr(loc, "meetings.decision_status."+string(d.Status))
		if d.IsOverdue(in.Now) {
			status = tr(loc, "planreport.decision.overdue")
		}
		var deadline any
		if d.Deadline != nil {
			deadline = *d.Deadline
		}
		t.Rows = append(t.Rows, []any{d.MeetingDate, d.Text, bodyName(bodies, d.ResponsibleBodyID), deadline, status})
	}
	return t
}

// decisionSentence sums up the follow-up of the Council's decisions.
func decisionSentence(loc *i18n.Localizer, ds []aldyn.Decision, in Input) string {
	var total, done, open, overdue int
	for _, d := range ds {
		if !d.IsTask() {
			continue
		}
		total++
		switch {
		case d.Status == aldyn.DecisionDone:
			done++
		case d.Status == aldyn.DecisionOpen:
			open++
			if d.IsOverdue(in.Now) {
				overdue++
			}
		}
	}
	if total == 0 {
		return tr(loc, "planreport.finding.no_decisions")
	}
	return loc.Tn("planreport.finding.decisions", total, "done", loc.Number(int64(done)), "open", loc.Number(int64(open)),
		"overdue", loc.Number(int64(overdue)))
}

// riskSentence sums up the risk register.
func riskSentence(loc *i18n.Localizer, risks []aldyn.Risk) string {
	var open, high int
	for _, r := range risks {
		if r.Status == aldyn.RiskOpen {
			open++
			if r.Level() == "high" {
				high++
			}
		}
	}
	if len(risks) == 0 {
		return tr(loc, "planreport.finding.no_risks")
	}
	return loc.Tn("planreport.finding.risks", len(risks), "open", loc.Number(int64(open)), "high", loc.Number(int64(high)))
}
