package store_test

import (
	"bytes"
	"fmt"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/aldyn-kg/aldyn"
	"github.com/aldyn-kg/aldyn/internal/concept"
	"github.com/aldyn-kg/aldyn/internal/planreport"
	"github.com/aldyn-kg/aldyn/internal/store"
)

// Sizes of the dashboard benchmark: a national plan's scale and more.
const (
	benchMeasures  = 2000
	benchPerIndic  = 2 // indicators per measure
	benchCycles    = 10
	benchBodies    = 20
	benchBatchRows = 500
)

// BenchmarkDashboard times LoadDashboardInput and ComputeDashboard on a
// plan with 2,000 measures, 4,000 indicators, 10 cycles, 20,000 reports
// and 40,000 indicator values. Target: under 100 ms on SQLite and on
// PostgreSQL (set ALDYN_TEST_POSTGRES).
func BenchmarkDashboard(b *testing.B) {
	f := mustPlanFixture(b)
	bodies := make([]*aldyn.Body, benchBodies)
	for i := range bodies {
		bodies[i] = mustTypedBody(b, f.db, alamudun, "state", fmt.Sprintf("Орган %d", i))
	}
	p := f.mustPlan(b)
	start := time.Now()
	mustInsertDashboardFixture(b, f, p.ID, bodies)
	b.Logf("fixture inserted in %v", time.Since(start).Round(time.Millisecond))

	// The dashboard as of now, on the database's clock as in the web layer.
	now := time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC)
	f.clock = now
	var d aldyn.Dashboard
	cpu0 := processCPU()
	for b.Loop() {
		in, err := f.db.LoadDashboardInput(f.ctx, p.ID)
		if err != nil {
			b.Fatal(err)
		}
		// Per measure: its latest accepted report, its first at 100 % and its
		// report of the latest cycle, at most.
		if len(in.Measures) != benchMeasures || len(in.Reports) < benchMeasures || len(in.Reports) > 3*benchMeasures ||
			len(in.Values) != benchMeasures*benchPerIndic {
			b.Fatalf("got %d measures, %d reports, %d values", len(in.Measures), len(in.Reports), len(in.Values))
		}
		d = aldyn.ComputeDashboard(*in, now)
	}
	// CPU time of this process per operation: the figure that does not
	// depend on what else the machine runs (PostgreSQL's own work is
	// not in it).
	b.ReportMetric(float64(processCPU()-cpu0)/float64(b.N)/1e6, "cpu-ms/op")
	if d.Measures.Total != benchMeasures || d.IndicatorCounts.Total != benchMeasures*benchPerIndic || d.Cycle == nil {
		b.Errorf("dashboard: got %+v", d.Measures)
	}
}

// BenchmarkReportXLSX times the monitoring report of the same plan as an
// XLSX workbook: the plan loaded whole (every report with its narrative),
// the report built, the workbook written. Target: under 2 s on SQLite and
// on PostgreSQL.
func BenchmarkReportXLSX(b *testing.B) {
	f := mustPlanFixture(b)
	bodies := make([]*aldyn.Body, benchBodies)
	names := map[int64]string{}
	for i := range bodies {
		bodies[i] = mustTypedBody(b, f.db, alamudun, "state", fmt.Sprintf("Орган %d", i))
		names[bodies[i].ID] = bodies[i].NameRu
	}
	p := f.mustPlan(b)
	mustInsertDashboardFixture(b, f, p.ID, bodies)
	c, err := concept.Load()
	if err != nil {
		b.Fatal(err)
	}
	now := time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC)
	f.clock = now
	var size int
	for b.Loop() {
		in, err := f.db.LoadPlanInput(f.ctx, p.ID)
		if err != nil {
			b.Fatal(err)
		}
		rep, err := planreport.Build(planreport.Input{Plan: in.Plan, Measures: in.Measures, Indicators: in.Indicators, Values: in.Values,
			Reports: in.Reports, Cycles: in.Cycles, Bodies: names, Concept: c, Now: now}, "ru")
		if err != nil {
			b.Fatal(err)
		}
		var buf bytes.Buffer
		if err := rep.WriteXLSX(&buf); err != nil {
			b.Fatal(err)
		}
		size = buf.Len()
		if len(in.Reports) != benchMeasures*benchCycles {
			b.Fatalf("%d reports loaded", len(in.Reports))
		}
	}
	b.ReportMetric(float64(size)/1e6, "MB")
}

func processCPU() time.Duration {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// rowInserter builds multi-row INSERT statements of literal rows and runs
// them in a transaction, benchBatchRows at a time.
type rowInserter struct {
	tx     *store.Tx
	f      *planFixture
	prefix string
	rows   []string
}

func (w *rowInserter) add(tb testing.TB, row string) {
	w.rows = append(w.rows, row)
	if len(w.rows) == benchBatchRows {
		w.flush(tb)
	}
}

func (w *rowInserter) flush(tb testing.TB) {
	if len(w.rows) == 0 {
		return
	}
	if err := w.tx.ExecForTest(w.f.ctx, w.prefix+strings.Join(w.rows, ",\n")); err != nil {
		tb.Fatalf("%s…: %v", w.prefix[:40], err)
	}
	w.rows = w.rows[:0]
}

func benchTime(t time.Time) string { return "'" + t.UTC().Format("2006-01-02 15:04:05-07:00") + "'" }

func mustInsertDashboardFixture(tb testing.TB, f *planFixture, planID int64, bodies []*aldyn.Body) {
	tb.Helper()
	created := benchTime(time.Date(2024, 1, 10, 0, 0, 0, 0, time.UTC))
	err := f.db.Update(f.ctx, aldyn.System, func(tx *store.Tx) error {
		ins := func(prefix string, rows func(add func(string))) {
			w := &rowInserter{tx: tx, f: f, prefix: prefix}
			rows(func(r string) { w.add(tb, r) })
			w.flush(tb)
		}
		if err := tx.ExecForTest(f.ctx, fmt.Sprintf("UPDATE plans SET status = 'approved' WHERE id = %d", planID)); err != nil {
			return err
		}
		// Measures 1…2000: codes "1.1"…"20.100", two years each, staggered.
		ins(`INSERT INTO measures (id, plan_id, code, sort_key, component_code, task_code, title_ky, title_ru, title_en,
			responsible_body_id, start_on, due_on, cancelled, created_at, updated_at) VALUES `, func(add func(string)) {
			for i := 0; i < benchMeasures; i++ {
				a, c := i/100+1, i%100+1
				start := time.Date(2024, time.Month(1+i%12), 1, 0, 0, 0, 0, time.UTC)
				add(fmt.Sprintf("(%d, %d, '%d.%d', '%03d.%03d', '4.%d', '', 'Иш-чара %d', 'Мероприятие %d', 'Measure %d', %d, '%s', '%s', %s, %s, %s)",
					i+1, planID, a, c, a, c, 1+i%7, i, i, i, bodies[i%benchBodies].ID, start.Format(time.DateOnly),
					start.AddDate(2, 0, -1).Format(time.DateOnly), map[bool]string{true: "TRUE", false: "FALSE"}[i%50 == 0], created, created))
			}
		})
		ins(`INSERT INTO measure_budget_lines (measure_id, line_no, source, funder, amount_kgs) VALUES `, func(add func(string)) {
			for i := 1; i <= benchMeasures; i++ {
				add(fmt.Sprintf("(%d, 1, 'local', '', %d), (%d, 2, 'partners', 'UNDP', %d)", i, 100000+i, i, 50000))
			}
		})
		ins(`INSERT INTO measure_co_executors (measure_id, body_id) VALUES `, func(add func(string)) {
			for i := 1; i <= benchMeasures; i++ {
				add(fmt.Sprintf("(%d, %d)", i, bodies[i%benchBodies].ID))
			}
		})
		// Indicators 1…4000: 2k-1 and 2k belong to measure k.
		ins(`INSERT INTO indicators (id, plan_id, code, sort_key, name_ky, name_ru, name_en, unit, higher_is_better, kind, source,
			disaggregation, verification_en, frequency, baseline_value, baseline_year, created_at, updated_at) VALUES `, func(add func(string)) {
			for i := 1; i <= benchMeasures*benchPerIndic; i++ {
				a, c := (i-1)/100+1, (i-1)%100+1
				add(fmt.Sprintf("(%d, %d, '%d.%d', '%03d.%03d', 'К %d', 'П %d', 'I %d', '%%', TRUE, 'percent', 'manual', 'none', 'Survey', 'quarterly', 40, 2023, %s, %s)",
					i, planID, a, c, a, c, i, i, i, created, created))
			}
		})
		ins(`INSERT INTO indicator_targets (indicator_id, year, value) VALUES `, func(add func(string)) {
			for i := 1; i <= benchMeasures*benchPerIndic; i++ {
				add(fmt.Sprintf("(%d, 2024, 50), (%d, 2026, 70)", i, i))
			}
		})
		ins(`INSERT INTO measure_indicators (measure_id, indicator_id) VALUES `, func(add func(string)) {
			for i := 1; i <= benchMeasures; i++ {
				add(fmt.Sprintf("(%d, %d), (%d, %d)", i, 2*i-1, i, 2*i))
			}
		})
		// Cycles: the quarters of 2024–2026 from 2024-Q1, ten of them.
		ins(`INSERT INTO reporting_cycles (id, plan_id, period, from_on, to_on, deadline, status, created_at, updated_at) VALUES `, func(add func(string)) {
			for q := 0; q < benchCycles; q++ {
				from := time.Date(2024+q/4, time.Month(1+3*(q%4)), 1, 0, 0, 0, 0, time.UTC)
				to := from.AddDate(0, 3, -1)
				add(fmt.Sprintf("(%d, %d, '%d-Q%d', '%s', '%s', %s, 'closed', %s, %s)", q+1, planID, from.Year(), q%4+1,
					from.Format(time.DateOnly), to.Format(time.DateOnly), benchTime(to.AddDate(0, 0, 10)), created, created))
			}
		})
		// Reports: one per cycle and measure, mostly accepted, some
		// returned or submitted late; id = q*2000 + measure.
		statuses := []string{"accepted", "accepted", "accepted", "submitted", "returned"}
		ins(`INSERT INTO reports (id, cycle_id, measure_id, body_id, status, progress, narrative, comment, version, submitted_by,
			submitted_at, first_submitted_at, decided_by, decided_at, created_at, updated_at) VALUES `, func(add func(string)) {
			for q := 0; q < benchCycles; q++ {
				to := time.Date(2024+q/4, time.Month(1+3*(q%4)), 1, 0, 0, 0, 0, time.UTC).AddDate(0, 3, -1)
				for i := 1; i <= benchMeasures; i++ {
					st := statuses[(i+q)%len(statuses)]
					sub := to.AddDate(0, 0, 3+(i%12))
					dec, decBy := "NULL", "NULL"
					if st != "submitted" {
						dec, decBy = benchTime(sub.Add(48*time.Hour)), "1"
					}
					add(fmt.Sprintf("(%d, %d, %d, %d, '%s', %d, 'Narrative of the report', '', 1, 2, %s, %s, %s, %s, %s, %s)",
						q*benchMeasures+i, q+1, i, bodies[(i-1)%benchBodies].ID, st, min(100, 10*(q+1)+i%20), benchTime(sub), benchTime(sub),
						decBy, dec, benchTime(sub), benchTime(sub)))
				}
			}
		})
		ins(`INSERT INTO report_spent (report_id, line_no, source, funder, amount_kgs) VALUES `, func(add func(string)) {
			for id := 1; id <= benchMeasures*benchCycles; id++ {
				add(fmt.Sprintf("(%d, 1, 'local', '', %d)", id, 1000+id%500))
			}
		})
		ins(`INSERT INTO indicator_values (indicator_id, period, territory_code, value, report_id, updated_at) VALUES `, func(add func(string)) {
			for q := 0; q < benchCycles; q++ {
				for i := 1; i <= benchMeasures*benchPerIndic; i++ {
					m := (i + 1) / 2
					add(fmt.Sprintf("(%d, '%d-Q%d', '', %d, %d, %s)", i, 2024+q/4, q%4+1, 40+q+i%7, q*benchMeasures+m, created))
				}
			}
		})
		// What AcceptReport keeps of the reports for the dashboard.
		return tx.RefreshDashboard(f.ctx, planID)
	})
	if err != nil {
		tb.Fatal(err)
	}
	// As autovacuum (PostgreSQL) or the periodic optimize (SQLite) would.
	if err := f.db.Update(f.ctx, aldyn.System, func(tx *store.Tx) error { return tx.ExecForTest(f.ctx, "ANALYZE") }); err != nil {
		tb.Fatal(err)
	}
}
