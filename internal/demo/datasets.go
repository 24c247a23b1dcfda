package demo

import (
	"fmt"
	"math/rand/v2"
	"strconv"
	"time"

	"context"

	"github.com/aldyn-kg/aldyn"
	"github.com/aldyn-kg/aldyn/internal/datasets"
	"github.com/aldyn-kg/aldyn/internal/store"
)

// DataSetsMarker is the settings key set once the demo's reported figures
// are loaded.
const DataSetsMarker = "demo.data_sets"

// dataSetReporters are the demo bodies that report the Concept's data
// sets, with the login that enters their forms and the one that reviews
// them (the coordination commission of their district).
var dataSetReporters = []struct{ body, reporter, reviewer string }{
	{"alamudun-police", "alamudun.reporter", "alamudun.coordinator"},
	{"suzak-police", "suzak.reporter", "suzak.coordinator"},
	{"alamudun-ao", "alamudun.okmotu", "alamudun.coordinator"},
	{"alamudun-centre", "alamudun.centre", "alamudun.coordinator"},
	{"suzak-ngo", "suzak.ngo", "suzak.coordinator"},
}

// LoadDataSets installs the Concept's data sets and loads, once, two years
// of the demo bodies' submissions: most on time and accepted, some late,
// some returned and sent again, some breaking a soft rule (listed for the
// coordinator) or first refused by a hard one; of the latest periods some
// forms wait for review and some are missing. Comments say they are demo
// data.
func LoadDataSets(ctx context.Context, db *store.DB, hash Hasher, newPassword func() string) error {
	if _, done, err := db.Setting(ctx, DataSetsMarker); err != nil || done {
		return err
	}
	bodies, err := BodyIDs(ctx, db)
	if err != nil {
		return err
	}
	d := &demoPlans{ctx: ctx, db: db, bodies: bodies, actors: map[string]*aldyn.Actor{}, now: db.Now().UTC()}
	for _, u := range append(append([]User{}, Users...), PlanUsers...) {
		if err := d.ensureUser(u, hash, newPassword); err != nil {
			return err
		}
	}
	admin := d.actors["admin"]
	if _, err := datasets.Install(ctx, db, admin); err != nil {
		return fmt.Errorf("demo data sets: %w", err)
	}
	active := aldyn.DataSetActive
	sets, _, err := db.FindDataSets(ctx, aldyn.DataSetFilter{Status: &active, Page: aldyn.Page{Limit: aldyn.MaxLimit}})
	if err != nil {
		return err
	}
	now := db.Now
	defer func() { db.Now = now }()
	db.Now = func() time.Time { return d.clock }
	rng := rand.New(rand.NewPCG(19, 2026))
	for _, r := range dataSetReporters {
		body, err := db.FindBodyByID(ctx, bodies[r.body])
		if err != nil {
			return err
		}
		rep, rev := d.actors[r.reporter], d.actors[r.reviewer]
		for _, s := range sets {
			if !s.Reports(body.Type, body.Territory.Level) {
				continue
			}
			if err := d.submissions(s, body, rep, rev, rng); err != nil {
				return fmt.Errorf("demo %s of %s: %w", s.Code, r.body, err)
			}
		}
	}
	db.Now = now
	return db.Update(ctx, aldyn.System, func(tx *store.Tx) error { return tx.SetSetting(ctx, DataSetsMarker, "loaded") })
}

// submissions enters the body's forms of the data set for the periods of
// the last two years that have ended.
func (d *demoPlans) submissions(s *aldyn.DataSet, body *aldyn.Body, rep, rev *aldyn.Actor, rng *rand.Rand) error {
	var periods []aldyn.Period
	p := aldyn.PeriodOf(s.PeriodType, d.now.AddDate(-2, 0, 0))
	for p.End().Before(d.now) {
		periods = append(periods, p)
		p = p.Next()
	}
	scale := 1 + float64(body.ID%3)
	for i, p := range periods {
		latest := i == len(periods)-1
		dice := rng.IntN(100)
		if latest && dice < 25 {
			continue // missing: shows in the coordinators' and the body's tasks
		}
		deadline := s.Deadline(p)
		submitAt := deadline.AddDate(0, 0, -3-rng.IntN(8))
		late := dice >= 85
		if late {
			submitAt = deadline.AddDate(0, 0, 2+rng.IntN(10))
		}
		if !d.at(submitAt, 11) {
			continue
		}
		cells := demoCells(s, scale, rng)
		in := store.FormEntry{DataSetCode: s.Code, BodyID: body.ID, Period: p.String(), Cells: cells}
		// Now and then a first try breaks a hard rule and is refused; the
		// official corrects it the same day.
		if dice%10 == 3 {
			if bad := breakHardRule(s, cells); bad != nil {
				in.Cells = bad
				if _, err := d.db.EnterDataForm(d.ctx, rep, in, true); aldyn.ErrorCode(err) != aldyn.EINVALID {
					return fmt.Errorf("a demo hard-rule breach was not refused: %v", err)
				}
				in.Cells = cells
			}
		}
		f, err := d.db.EnterDataForm(d.ctx, rep, in, true)
		if err != nil {
			return fmt.Errorf("%s: %w", p, err)
		}
		if latest && dice >= 25 && dice < 60 {
			continue // waiting for review
		}
		if !d.at(submitAt.AddDate(0, 0, 2), 15) {
			continue
		}
		if dice >= 60 && dice < 70 {
			if f, err = d.db.DecideDataForm(d.ctx, rev, f.ID, false, "Демо: сандарды журнал менен салыштырып, кайра тапшырыңыз."); err != nil {
				return err
			}
			if latest {
				continue // returned, not yet corrected
			}
			if !d.at(submitAt.AddDate(0, 0, 4), 10) {
				continue
			}
			if f, err = d.db.EnterDataForm(d.ctx, rep, store.FormEntry{DataSetCode: s.Code, BodyID: body.ID, Period: p.String(), Cells: cells,
				Revision: f.Revision}, true); err != nil {
				return err
			}
			if !d.at(submitAt.AddDate(0, 0, 5), 15) {
				continue
			}
		}
		if _, err := d.db.DecideDataForm(d.ctx, rev, f.ID, true, ""); err != nil {
			return err
		}
	}
	return nil
}

// demoCells makes plausible values of every numeric cell (and a demo
// comment) of the data set.
func demoCells(s *aldyn.DataSet, scale float64, rng *rand.Rand) map[string]map[string]string {
	cells := map[string]map[string]string{}
	base := map[string]int{}
	for _, e := range s.Elements {
		cells[e.Code] = map[string]string{}
		if !e.Numeric() {
			cells[e.Code][""] = "Демо маалыматтар"
			continue
		}
		for _, c := range e.Combos() {
			n := int(scale * float64(1+rng.IntN(9)))
			if e.Code == "staff" {
				n *= 12
			}
			cells[e.Code][c.Key] = strconv.Itoa(n)
			base[e.Code] += n
		}
	}
	// Keep the hard rules: parts never exceed their wholes.
	for _, pair := range [][2]string{{"po_breached", "po_issued"}, {"cm_upheld", "cm_resolved"}} {
		part, whole := pair[0], pair[1]
		if _, ok := cells[part]; !ok {
			continue
		}
		for combo := range cells[part] {
			w, _ := strconv.Atoi(cells[whole][combo])
			if w == 0 {
				// Totals: whole is a single cell.
				w, _ = strconv.Atoi(cells[whole][""])
			}
			p, _ := strconv.Atoi(cells[part][combo])
			if p > w/2 {
				cells[part][combo] = strconv.Itoa(w / 2)
			}
		}
	}
	return cells
}

// breakHardRule returns cells breaking one of the Concept's hard rules of
// the data set, or nil.
func breakHardRule(s *aldyn.DataSet, cells map[string]map[string]string) map[string]map[string]string {
	bad := map[string]map[string]string{}
	for k, v := range cells {
		bad[k] = map[string]string{}
		for c, x := range v {
			bad[k][c] = x
		}
	}
	switch s.Code {
	case "protection_orders":
		bad["po_breached"]["female,age_18_29"] = "999"
	case "complaints":
		bad["cm_upheld"][""] = "999"
	case "police_staff":
		bad["staff_vacancies"][""] = "-1"
	default:
		return nil
	}
	return bad
}
