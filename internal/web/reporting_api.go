package web

import (
	"context"
	"net/http"
	"time"

	"github.com/aldyn-kg/aldyn"
	"github.com/aldyn-kg/aldyn/internal/store"
)

// reportOut is a report in the API with its files and history.
type reportOut struct {
	*aldyn.Report
	Files   []store.ReportEvidence `json:"files"`
	History []historyOut           `json:"history"`
}

type historyOut struct {
	Version int                `json:"version"`
	Status  aldyn.ReportStatus `json:"status"`
	By      string             `json:"by"`
	At      time.Time          `json:"at"`
	Comment string             `json:"comment,omitempty"`
}

func (s *Server) reportJSON(ctx context.Context, a *aldyn.Actor, id int64) (*reportOut, error) {
	rc, err := s.loadReport(ctx, id)
	if err != nil {
		return nil, err
	}
	out := &reportOut{Report: rc.R, Files: []store.ReportEvidence{}, History: []historyOut{}}
	if canReadEvidence(a, rc) {
		es, err := s.db.FindEvidence(ctx, id)
		if err != nil {
			return nil, err
		}
		out.Files = evidenceOut(es)
	}
	hist, err := s.reportHistory(ctx, id)
	if err != nil {
		return nil, err
	}
	for _, h := range hist {
		out.History = append(out.History, historyOut{Version: h.Version, Status: h.Status, By: h.Who, At: h.At, Comment: h.Comment})
	}
	return out, nil
}

func (s *Server) apiReport(w http.ResponseWriter, r *http.Request) error {
	rc, err := s.viewableReport(r)
	if err != nil {
		return err
	}
	out, err := s.reportJSON(r.Context(), actor(r), rc.R.ID)
	return writeFound(w, out, err)
}

func (s *Server) apiReportCreate(w http.ResponseWriter, r *http.Request) error {
	if err := requireSignedIn(r); err != nil {
		return err
	}
	rp := &aldyn.Report{}
	if err := readJSON(r, reportForm{Report: rp}); err != nil {
		return err
	}
	if err := s.db.SaveReport(r.Context(), actor(r), rp); err != nil {
		return err
	}
	out, err := s.reportJSON(r.Context(), actor(r), rp.ID)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusCreated, out)
}

func (s *Server) apiReportUpdate(w http.ResponseWriter, r *http.Request) error {
	rc, err := s.viewableReport(r)
	if err != nil {
		return err
	}
	rp := &aldyn.Report{}
	if err := readJSON(r, reportForm{Report: rp}); err != nil {
		return err
	}
	rp.ID = rc.R.ID
	if err := s.db.SaveReport(r.Context(), actor(r), rp); err != nil {
		return err
	}
	out, err := s.reportJSON(r.Context(), actor(r), rp.ID)
	return writeFound(w, out, err)
}

// reportDecisionInput is the JSON body of accept and return.
type reportDecisionInput struct {
	Comment string `json:"comment"`
}

// decisionComment reads the optional JSON body of a decision on a report
// or a data form: its comment, or "" when the request has no body.
func decisionComment(r *http.Request) (string, error) {
	var in reportDecisionInput
	if r.ContentLength != 0 {
		if err := decodeJSON(r, &in); err != nil {
			return "", err
		}
	}
	return in.Comment, nil
}

func (s *Server) apiReportAction(w http.ResponseWriter, r *http.Request, act func(ctx context.Context, a *aldyn.Actor, id int64, comment string) error) error {
	id, err := guardedID(r, requireSignedIn, "reporting.error.not_found")
	if err != nil {
		return err
	}
	comment, err := decisionComment(r)
	if err != nil {
		return err
	}
	if err := act(r.Context(), actor(r), id, comment); err != nil {
		return err
	}
	out, err := s.reportJSON(r.Context(), actor(r), id)
	return writeFound(w, out, err)
}

func (s *Server) apiReportSubmit(w http.ResponseWriter, r *http.Request) error {
	return s.apiReportAction(w, r, func(ctx context.Context, a *aldyn.Actor, id int64, _ string) error {
		_, err := s.submitReport(ctx, a, id)
		return err
	})
}

func (s *Server) apiReportAccept(w http.ResponseWriter, r *http.Request) error {
	return s.apiReportAction(w, r, func(ctx context.Context, a *aldyn.Actor, id int64, comment string) error {
		_, err := s.decide(ctx, a, id, true, comment)
		return err
	})
}

func (s *Server) apiReportReturn(w http.ResponseWriter, r *http.Request) error {
	return s.apiReportAction(w, r, func(ctx context.Context, a *aldyn.Actor, id int64, comment string) error {
		_, err := s.decide(ctx, a, id, false, comment)
		return err
	})
}

// The cycles API.

func (s *Server) apiCycles(w http.ResponseWriter, r *http.Request) error {
	_, cs, err := s.pathCycles(r)
	return writeFound(w, newList(cs, len(cs), aldyn.Page{Limit: aldyn.MaxLimit}), err)
}

func (s *Server) apiCycleCreate(w http.ResponseWriter, r *http.Request) error {
	p, err := s.pathManagedPlan(r)
	if err != nil {
		return err
	}
	c := &aldyn.ReportingCycle{PlanID: p.ID}
	return saveFormJSON(w, r, http.StatusCreated, c, cycleForm{c}, func(_ context.Context, _ *aldyn.Actor, c *aldyn.ReportingCycle) error {
		return s.openCycle(r, c)
	})
}

func (s *Server) apiCycleClose(w http.ResponseWriter, r *http.Request) error {
	id, err := guardedID(r, requireSignedIn, "reporting.error.not_found")
	if err != nil {
		return err
	}
	c, err := s.closeCycle(r, id)
	return writeFound(w, c, err)
}
