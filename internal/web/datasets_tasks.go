package web

import (
	"context"
	"net/http"
	"time"

	"github.com/aldyn-kg/aldyn"
	"github.com/aldyn-kg/aldyn/internal/store"
)

// Reported figures in the task list: the forms the actor's body has to
// enter (overdue ones first), the forms coordinators have to decide on,
// and the bodies within a coordinator's territory whose latest form is
// late or missing, each with a reminder to send.

// dataFormTask is a form on the task list.
type dataFormTask struct {
	Set     *aldyn.DataSet
	Body    *aldyn.Body
	Period  aldyn.Period
	Path    string
	Status  string // a ReportStatus, or "not_started"
	Overdue bool
	Kind    string // enter, review or missing
}

// maxMissingListed bounds the late and missing forms listed, the rest
// being counted.
const maxMissingListed = 100

type dataFormTasks struct {
	Enter, Review, Missing []dataFormTask
	MoreMissing            int
}

func (t *dataFormTasks) Empty() bool {
	return t == nil || len(t.Enter)+len(t.Review)+len(t.Missing) == 0
}

// dataFormTasksOf lists the actor's reported-figures tasks at day now.
func (s *Server) dataFormTasksOf(ctx context.Context, a *aldyn.Actor) (*dataFormTasks, error) {
	out := &dataFormTasks{}
	active := aldyn.DataSetActive
	sets, _, err := s.db.FindDataSets(ctx, aldyn.DataSetFilter{Status: &active, Page: aldyn.Page{Limit: aldyn.MaxLimit}})
	if err != nil {
		return nil, err
	}
	now := s.db.Now()
	if a.BodyID > 0 && a.Is(aldyn.RoleReporter, aldyn.RoleCoordinator) {
		body, err := s.db.FindBodyByID(ctx, a.BodyID)
		if err != nil && aldyn.ErrorCode(err) != aldyn.ENOTFOUND {
			return nil, err
		}
		for _, ds := range sets {
			if body == nil || !ds.Reports(body.Type, body.Territory.Level) {
				continue
			}
			for _, p := range recentPeriods(ds, now, 4) {
				f, err := s.db.FindDataForm(ctx, ds.Code, body.ID, p.String())
				if err != nil {
					return nil, err
				}
				t := dataFormTask{Set: ds, Body: body, Period: p, Path: formKey{ds.Code, body, p}.Path(), Status: "not_started",
					Overdue: now.After(ds.Deadline(p).AddDate(0, 0, 1)), Kind: "enter"}
				if f != nil {
					t.Status = string(f.Status)
				}
				if f == nil || f.CanEdit() {
					out.Enter = append(out.Enter, t)
				}
			}
		}
	}
	if !a.Is(aldyn.RoleCoordinator) {
		return out, nil
	}
	submitted := aldyn.ReportSubmitted
	bodies := map[int64]*aldyn.Body{}
	bodyOf := func(id int64) (*aldyn.Body, error) {
		if b, ok := bodies[id]; ok {
			return b, nil
		}
		b, err := s.db.FindBodyByID(ctx, id)
		bodies[id] = b
		return b, err
	}
	for _, ds := range sets {
		code := ds.Code
		forms, _, err := s.db.FindDataForms(ctx, aldyn.DataFormFilter{DataSetCode: &code, Status: &submitted, Under: a.ScopeUnder(),
			Page: aldyn.Page{Limit: aldyn.MaxLimit}})
		if err != nil {
			return nil, err
		}
		for _, f := range forms {
			b, err := bodyOf(f.BodyID)
			if err != nil {
				return nil, err
			}
			p, _ := aldyn.ParsePeriod(f.Period)
			out.Review = append(out.Review, dataFormTask{Set: ds, Body: b, Period: p, Path: formKey{ds.Code, b, p}.Path(), Status: string(f.Status),
				Kind: "review", Overdue: f.IsLate(ds)})
		}
		// The latest period whose deadline has passed: which bodies have
		// not submitted.
		p := aldyn.PeriodOf(ds.PeriodType, now)
		for !now.After(ds.Deadline(p).AddDate(0, 0, 1)) {
			p = aldyn.PeriodOf(ds.PeriodType, p.Start().AddDate(0, 0, -1))
		}
		period := p.String()
		done, err := aldyn.AllPages(aldyn.Page{}, func(pg aldyn.Page) ([]*aldyn.DataForm, int, error) {
			return s.db.FindDataForms(ctx, aldyn.DataFormFilter{DataSetCode: &code, Period: &period, Under: a.ScopeUnder(), Page: pg})
		})
		if err != nil {
			return nil, err
		}
		status := map[int64]aldyn.ReportStatus{}
		for _, f := range done {
			status[f.BodyID] = f.Status
		}
		for _, typ := range ds.BodyTypes {
			bs, err := aldyn.AllPages(aldyn.Page{}, func(pg aldyn.Page) ([]*aldyn.Body, int, error) {
				return s.db.FindBodies(ctx, aldyn.BodyFilter{Under: a.ScopeUnder(), Type: &typ, Page: pg})
			})
			if err != nil {
				return nil, err
			}
			for _, b := range bs {
				st, ok := status[b.ID]
				if b.Territory.Level != ds.Level || st == aldyn.ReportSubmitted || st == aldyn.ReportAccepted {
					continue
				}
				if len(out.Missing) >= maxMissingListed {
					out.MoreMissing++
					continue
				}
				t := dataFormTask{Set: ds, Body: b, Period: p, Path: formKey{ds.Code, b, p}.Path(), Status: "not_started", Overdue: true, Kind: "missing"}
				if ok {
					t.Status = string(st)
				}
				out.Missing = append(out.Missing, t)
			}
		}
	}
	return out, nil
}

// dataFormRemind sends the body of a late or missing form a reminder.
func (s *Server) dataFormRemind(w http.ResponseWriter, r *http.Request) error {
	k, _, err := s.dataFormTarget(r)
	if err != nil {
		return err
	}
	a := actor(r)
	if !a.CanReviewDataForm(k.Body.Territory.Path) {
		return forbidden()
	}
	n := &store.Notification{BodyID: k.Body.ID, Kind: "data_form_reminder", TextKey: "datasets.tasks.reminder",
		Args: map[string]any{"period": k.Period.Label(), "code": k.Code}, Link: k.Path()}
	if err := s.db.Notify(r.Context(), a, n); err != nil {
		return err
	}
	return redirect(w, r, "/tasks", "datasets.tasks.reminded")
}

// remindBeforeDays is how many days before a form's deadline its body is
// reminded that it is due.
const remindBeforeDays = 3

// RemindDataForms reminds every reporting body of its forms not yet
// submitted: "due" within remindBeforeDays of the deadline, "overdue"
// once the deadline of the latest period has passed (while entry is
// open). Each reminder reaches a body once per data set, period and kind
// however often this runs (store.RemindDataForm); it returns how many
// were sent now. cmd/aldyn runs it every hour.
func (s *Server) RemindDataForms(ctx context.Context) (int, error) {
	active := aldyn.DataSetActive
	sets, _, err := s.db.FindDataSets(ctx, aldyn.DataSetFilter{Status: &active, Page: aldyn.Page{Limit: aldyn.MaxLimit}})
	if err != nil {
		return 0, err
	}
	now := s.db.Now()
	today := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, time.UTC)
	byType := map[string][]*aldyn.Body{}
	bodiesOf := func(typ string) ([]*aldyn.Body, error) {
		if bs, ok := byType[typ]; ok {
			return bs, nil
		}
		bs, err := aldyn.AllPages(aldyn.Page{}, func(pg aldyn.Page) ([]*aldyn.Body, int, error) {
			return s.db.FindBodies(ctx, aldyn.BodyFilter{Type: &typ, Page: pg})
		})
		byType[typ] = bs
		return bs, err
	}
	sent := 0
	for _, ds := range sets {
		for _, t := range reminderTargets(ds, today) {
			period := t.period.String()
			code := ds.Code
			forms, err := aldyn.AllPages(aldyn.Page{}, func(pg aldyn.Page) ([]*aldyn.DataForm, int, error) {
				return s.db.FindDataForms(ctx, aldyn.DataFormFilter{DataSetCode: &code, Period: &period, Page: pg})
			})
			if err != nil {
				return sent, err
			}
			done := map[int64]bool{}
			for _, f := range forms {
				done[f.BodyID] = f.Status == aldyn.ReportSubmitted || f.Status == aldyn.ReportAccepted
			}
			for _, typ := range ds.BodyTypes {
				bs, err := bodiesOf(typ)
				if err != nil {
					return sent, err
				}
				for _, b := range bs {
					if b.Territory.Level != ds.Level || done[b.ID] {
						continue
					}
					n := &store.Notification{Kind: "data_form_" + t.kind, TextKey: "datasets.remind." + t.kind, Link: formKey{ds.Code, b, t.period}.Path(),
						Args: map[string]any{"code": ds.Code, "period": t.period.Label(), "deadline": ds.Deadline(t.period).Format(time.DateOnly)}}
					ok, err := s.db.RemindDataForm(ctx, aldyn.System, store.DataFormReminder{DataSetCode: ds.Code, BodyID: b.ID, Period: period, Kind: t.kind}, n)
					if err != nil {
						return sent, err
					}
					if ok {
						sent++
					}
				}
			}
		}
	}
	return sent, nil
}

type reminderTarget struct {
	period aldyn.Period
	kind   string // due or overdue
}

// reminderTargets are the periods of ds whose forms are reminded on day
// today: those open with a deadline within remindBeforeDays (due), and the
// latest period whose deadline has passed, while entry is open (overdue).
func reminderTargets(ds *aldyn.DataSet, today time.Time) []reminderTarget {
	var out []reminderTarget
	prev := func(p aldyn.Period) aldyn.Period { return aldyn.PeriodOf(ds.PeriodType, p.Start().AddDate(0, 0, -1)) }
	p := aldyn.PeriodOf(ds.PeriodType, today)
	for i, q := 0, p; i < 3; i, q = i+1, prev(q) {
		dl := ds.Deadline(q)
		if !today.After(dl) && !today.Before(dl.AddDate(0, 0, -remindBeforeDays)) && ds.CheckPeriod(q, today) == nil {
			out = append(out, reminderTarget{q, "due"})
		}
	}
	q := p
	for !today.After(ds.Deadline(q)) {
		q = prev(q)
	}
	if ds.CheckPeriod(q, today) == nil {
		out = append(out, reminderTarget{q, "overdue"})
	}
	return out
}

// RunDataFormReminders sends reminders now and then every interval until
// ctx ends.
func (s *Server) RunDataFormReminders(ctx context.Context, every time.Duration) {
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		if _, err := s.RemindDataForms(ctx); err != nil && ctx.Err() == nil {
			s.log.Error("reminding of reported figures", "err", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}
