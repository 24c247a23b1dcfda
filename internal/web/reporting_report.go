package web

import (
	"context"
	"strconv"

	"github.com/aldyn-kg/aldyn"
	"github.com/aldyn-kg/aldyn/internal/i18n"
	"github.com/aldyn-kg/aldyn/internal/planreport"
)

// reportContext adds to a monitoring report's input what it says beyond
// the plan's figures: the issuing body (the plan's owner) and the place,
// the plan's risks, and the decisions of the owner's meetings up to now,
// with the names of the bodies they mention added to bodies.
func (s *Server) reportContext(ctx context.Context, p *aldyn.Plan, lang string, in *planreport.Input, bodies map[int64]string) error {
	name := func(id int64) {
		if _, ok := bodies[id]; ok || id == 0 {
			return
		}
		bodies[id] = "#" + strconv.FormatInt(id, 10)
		if b, err := s.db.FindBodyByID(ctx, id); err == nil {
			bodies[id] = b.Name(lang)
		}
	}
	name(p.OwnerBodyID)
	in.Issuer = bodies[p.OwnerBodyID]
	loc := i18n.For(lang)
	if t, err := s.db.FindTerritoryByCode(ctx, p.TerritoryCode); err == nil && t.Level != aldyn.LevelCountry {
		in.Place = t.Name(lang)
	} else {
		in.Place = loc.T("planreport.place.capital")
	}
	risks, err := s.db.FindPlanRisks(ctx, p.ID)
	if err != nil {
		return err
	}
	for _, r := range risks {
		in.Risks = append(in.Risks, *r)
		name(r.OwnerBodyID)
	}
	owner := p.OwnerBodyID
	to := in.Now
	meetings, _, err := s.db.FindMeetings(ctx, aldyn.MeetingFilter{BodyID: &owner, To: &to, Page: aldyn.Page{Limit: aldyn.MaxLimit}})
	if err != nil {
		return err
	}
	for _, m := range meetings {
		mid := m.ID
		ds, _, err := s.db.FindDecisions(ctx, aldyn.DecisionFilter{MeetingID: &mid, TasksOnly: true, Page: aldyn.Page{Limit: aldyn.MaxLimit}})
		if err != nil {
			return err
		}
		for _, d := range ds {
			in.Decisions = append(in.Decisions, *d)
			name(d.ResponsibleBodyID)
		}
	}
	return nil
}
