package web

import (
	"context"
	"net/http"

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
