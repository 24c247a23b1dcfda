package store_test

import (
	"context"
	"fmt"
	"reflect"
	"slices"
	"testing"
	"time"

	"github.com/aldyn-kg/aldyn"
	"github.com/aldyn-kg/aldyn/internal/store"
)

// readerView is what readers see of the records: the monthly counts, the
// weekday × hour tables (aggregate, records, memory), the located records
// and the precincts' ranking over the records.
type readerView struct {
	Counts    []aldyn.CountRow
	Scan      int
	Hourly    [7][24]int
	Index     [7][24]int
	Points    int
	Precincts []aldyn.PrecinctCount
}

// String summarises a view for failure messages.
func (v readerView) String() string {
	var n int64
	for _, r := range v.Counts {
		n += r.Count
	}
	return fmt.Sprintf("%d counted, %d records, %d located, hourly %v, index %v, precincts %v", n, v.Scan, v.Points, v.Hourly, v.Index, v.Precincts)
}

func mustView(tb testing.TB, db *store.DB) readerView {
	tb.Helper()
	ctx := context.Background()
	v := readerView{Counts: MustCounts(tb, db, byOblastMonth), Scan: total(tb, db, aldyn.OffenseFilter{})}
	var err error
	if v.Hourly, _, err = db.OffenseTimeProfile(ctx, aldyn.OffenseFilter{}); err != nil {
		tb.Fatal(err)
	}
	if err := db.WaitOffenseIndexForTest(ctx); err != nil {
		tb.Fatal(err)
	}
	var ok bool
	if v.Index, _, ok, err = db.OffenseTimeProfileIndexForTest(ctx, aldyn.OffenseFilter{}); err != nil || !ok {
		tb.Fatalf("index: %v, up to date %v", err, ok)
	}
	if _, err := db.OffensePoints(ctx, aldyn.OffenseFilter{}, nil, 0, func(aldyn.OffensePoint) error { v.Points++; return nil }); err != nil {
		tb.Fatal(err)
	}
	// From mid-month, so that the ranking reads the records, not the
	// precincts' aggregate.
	from := time.Date(2019, 1, 15, 0, 0, 0, 0, time.UTC)
	if v.Precincts, err = db.TopPrecincts(ctx, aldyn.OffenseFilter{From: &from}, 10); err != nil {
		tb.Fatal(err)
	}
	return v
}

func mustRows(tb testing.TB, db *store.DB) int {
	tb.Helper()
	n, err := db.OffenseRowsForTest(context.Background())
	if err != nil {
		tb.Fatal(err)
	}
	return n
}

// mustStage begins an import and adds offs in parts of 500, so that
// several batches are committed, without publishing them.
func mustStage(tb testing.TB, db *store.DB, offs []aldyn.Offense) *store.OffenseImport {
	tb.Helper()
	ctx := context.Background()
	imp, err := db.BeginOffenseImport(ctx, aldyn.System, store.OffenseImportMeta{FileName: "staged.csv"})
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { imp.Rollback(ctx, "test ended") })
	for part := range slices.Chunk(offs, 500) {
		if err := imp.Add(ctx, part); err != nil {
			tb.Fatal(err)
		}
	}
	return imp
}

// TestOffenseImportHiddenUntilCommit: an import's committed batches stay
// out of every count, table, map and ranking until Commit publishes them
// all at once.
func TestOffenseImportHiddenUntilCommit(t *testing.T) {
	store.SetImportChunkForTest(t, 1000)
	w, base := MustImportedWorld(t, "base", 3000, 1000)
	before, rowsBefore := mustView(t, w.db), mustRows(t, w.db)

	more := w.MustOffenses(t, "more", 6000)
	imp := mustStage(t, w.db, more)
	if got := mustRows(t, w.db); got < rowsBefore+5000 {
		t.Fatalf("rows stored while importing: got %d, want at least %d (the batches committed)", got, rowsBefore+5000)
	}
	if got := mustView(t, w.db); !reflect.DeepEqual(got, before) {
		t.Errorf("while importing, readers see %v; want %v", got, before)
	}

	if err := imp.Commit(context.Background(), store.OffenseImportCounts{}); err != nil {
		t.Fatal(err)
	}
	all := slices.Concat(base, more)
	checkCounts(t, w, all, byOblastMonth)
	after := mustView(t, w.db)
	if after.Scan != len(all) || after.Index != after.Hourly {
		t.Errorf("after commit: %d records, hourly %v, index %v; want %d, the same tables", after.Scan, after.Hourly, after.Index, len(all))
	}
	if got := mustRows(t, w.db); got != len(all) {
		t.Errorf("rows after commit: got %d, want %d", got, len(all))
	}
}

// TestOffenseImportRollbackDropsBatches: an import rolled back after
// several committed batches leaves what readers see as it was, and deletes
// its rows.
func TestOffenseImportRollbackDropsBatches(t *testing.T) {
	store.SetImportChunkForTest(t, 1000)
	w, _ := MustImportedWorld(t, "base", 3000, 1000)
	before, rowsBefore := mustView(t, w.db), mustRows(t, w.db)

	// Half of them stored already: those must stay.
	imp := mustStage(t, w.db, w.MustOffenses(t, "base", 9000))
	if got := mustRows(t, w.db); got <= rowsBefore {
		t.Fatalf("rows while importing: got %d, want more than %d", got, rowsBefore)
	}
	if err := imp.Rollback(context.Background(), "test"); err != nil {
		t.Fatal(err)
	}
	if got := mustRows(t, w.db); got != rowsBefore {
		t.Errorf("rows after rollback: got %d, want %d", got, rowsBefore)
	}
	if got := mustView(t, w.db); !reflect.DeepEqual(got, before) {
		t.Errorf("after rollback, readers see %v; want %v", got, before)
	}
	log, _, err := w.db.FindOffenseImports(context.Background(), aldyn.Page{})
	if err != nil {
		t.Fatal(err)
	}
	if log[0].Status != aldyn.ImportFailed {
		t.Errorf("log: got %s, want failed", log[0].Status)
	}
	// The slot is free again, and the same records import in full.
	if ins, ex := MustImport(t, w.db, w.MustOffenses(t, "base", 9000), 1000); ins != 6000 || ex != 3000 {
		t.Errorf("import after rollback: got %d inserted, %d existing; want 6000, 3000", ins, ex)
	}
}

// TestOffenseImportLetsWritesThrough: while an import writes batch after
// batch, other writes go through between its batches: each completes
// while the import still runs (the import waits for them before it
// commits, so with writes blocked for the whole import the test fails on
// its deadline instead of hanging). The waits are logged, not asserted.
func TestOffenseImportLetsWritesThrough(t *testing.T) {
	store.SetImportChunkForTest(t, 1000)
	w := MustOffenseWorld(t)
	ctx := context.Background()
	offs := w.MustOffenses(t, "big", 30000)
	started, writesDone := make(chan struct{}), make(chan struct{})
	imported := make(chan error, 1)
	var batchesDuringWrites int
	go func() {
		imp, err := w.db.BeginOffenseImport(ctx, aldyn.System, store.OffenseImportMeta{FileName: "big.csv"})
		if err != nil {
			close(started)
			imported <- err
			return
		}
		defer imp.Rollback(ctx, "test failed")
		for i, part := range slices.Collect(slices.Chunk(offs, 1000)) {
			if err := imp.Add(ctx, part); err != nil {
				imported <- err
				return
			}
			if i == 0 {
				close(started)
			}
			select {
			case <-writesDone:
			default:
				batchesDuringWrites++
			}
		}
		<-writesDone
		imported <- imp.Commit(ctx, store.OffenseImportCounts{})
	}()
	<-started
	var waits []time.Duration
	for i := range 20 {
		wctx, cancel := context.WithTimeout(ctx, 20*time.Second)
		start := time.Now()
		err := w.db.Update(wctx, aldyn.System, func(tx *store.Tx) error {
			return tx.SetSetting(wctx, "test.during_import", fmt.Sprint(i))
		})
		cancel()
		if err != nil {
			close(writesDone)
			t.Fatalf("write %d during the import: %v", i, err)
		}
		waits = append(waits, time.Since(start))
		time.Sleep(20 * time.Millisecond)
	}
	close(writesDone)
	if err := <-imported; err != nil {
		t.Fatal(err)
	}
	slices.Sort(waits)
	t.Logf("%d writes during the import (%d of its batches of 1,000 meanwhile): median %v, max %v", len(waits), batchesDuringWrites,
		waits[len(waits)/2].Round(time.Microsecond), waits[len(waits)-1].Round(time.Microsecond))
	checkCounts(t, w, offs, byOblastMonth)
}

// TestOffenseImportWaitsForAnother: a second import waits until the first
// is done (so neither skips the other's unpublished records), then stores
// only what is new.
func TestOffenseImportWaitsForAnother(t *testing.T) {
	store.SetImportChunkForTest(t, 1000)
	w := MustOffenseWorld(t)
	ctx := context.Background()
	first := mustStage(t, w.db, w.MustOffenses(t, "same", 3000))
	offs := w.MustOffenses(t, "same", 4000)
	second := make(chan error, 1)
	var ins, ex int64
	go func() {
		imp, err := w.db.BeginOffenseImport(ctx, aldyn.System, store.OffenseImportMeta{FileName: "second.csv"})
		if err != nil {
			second <- err
			return
		}
		if err := imp.Add(ctx, offs); err != nil {
			imp.Rollback(ctx, err.Error())
			second <- err
			return
		}
		err = imp.Commit(ctx, store.OffenseImportCounts{})
		ins, ex = imp.Inserted()
		second <- err
	}()
	select {
	case err := <-second:
		t.Fatalf("the second import ended (%v) while the first still ran", err)
	case <-time.After(500 * time.Millisecond):
	}
	if err := first.Commit(ctx, store.OffenseImportCounts{}); err != nil {
		t.Fatal(err)
	}
	if err := <-second; err != nil {
		t.Fatal(err)
	}
	if ins != 1000 || ex != 3000 {
		t.Errorf("second import: got %d inserted, %d existing; want 1000, 3000", ins, ex)
	}
	checkCounts(t, w, offs, byOblastMonth)
}

// TestOffenseImportDeadIsTakenOver: an import whose heartbeat stopped (its
// process hung or died) loses the slot to the next import, which deletes
// its records; should it wake up, it can write nothing more.
func TestOffenseImportDeadIsTakenOver(t *testing.T) {
	store.SetImportChunkForTest(t, 1000)
	store.SetImportLeaseForTest(t, 2*time.Second)
	ctx := context.Background()
	w, _ := MustImportedWorld(t, "base", 2000, 1000)
	rowsBefore := mustRows(t, w.db)
	hung := mustStage(t, w.db, w.MustOffenses(t, "hung", 5000))
	hung.StopBeatForTest()

	ins, ex := MustImport(t, w.db, w.MustOffenses(t, "hung", 3000), 1000)
	if ins != 3000 || ex != 0 {
		t.Errorf("import after the hung one: got %d inserted, %d existing; want 3000, 0", ins, ex)
	}
	if got := mustRows(t, w.db); got != rowsBefore+3000 {
		t.Errorf("rows: got %d, want %d (the hung import's deleted)", got, rowsBefore+3000)
	}
	err := hung.Add(ctx, w.MustOffenses(t, "late", 1000))
	if err == nil {
		err = hung.Commit(ctx, store.OffenseImportCounts{})
	}
	if aldyn.ErrorCode(err) != aldyn.ECONFLICT {
		t.Errorf("the hung import writing again: got %v, want ECONFLICT", err)
	}
	checkCounts(t, w, slices.Concat(w.MustOffenses(t, "base", 2000), w.MustOffenses(t, "hung", 3000)), byOblastMonth)
	log, _, err := w.db.FindOffenseImports(ctx, aldyn.Page{Sort: "id"})
	if err != nil {
		t.Fatal(err)
	}
	var statuses []string
	for _, e := range log {
		statuses = append(statuses, e.Status)
	}
	if want := []string{aldyn.ImportDone, aldyn.ImportFailed, aldyn.ImportDone}; !slices.Equal(statuses, want) {
		t.Errorf("log: got %v, want %v", statuses, want)
	}
}

// TestFailInterruptedImportsDropsBatches: at start, an import whose process
// died after committing batches (its beat stands still) has its records
// deleted before its log row says failed, so they never become visible; a
// live import (its beat advancing) is left running.
func TestFailInterruptedImportsDropsBatches(t *testing.T) {
	store.SetImportChunkForTest(t, 1000)
	ctx := context.Background()
	w, _ := MustImportedWorld(t, "base", 3000, 1000)
	before, rowsBefore := mustView(t, w.db), mustRows(t, w.db)

	live := mustStage(t, w.db, w.MustOffenses(t, "base", 5000))
	if n, err := w.db.FailInterruptedImports(ctx); err != nil || n != 0 {
		t.Fatalf("with a live import: %d failed, %v; want none", n, err)
	}
	live.StopBeatForTest() // its process dies
	if got := mustRows(t, w.db); got <= rowsBefore {
		t.Fatalf("rows of the dead import: got %d, want more than %d", got, rowsBefore)
	}
	if n, err := w.db.FailInterruptedImports(ctx); err != nil || n != 1 {
		t.Fatalf("after its process died: %d failed, %v; want 1", n, err)
	}
	if got := mustRows(t, w.db); got != rowsBefore {
		t.Errorf("rows after recovery: got %d, want %d", got, rowsBefore)
	}
	if got := mustView(t, w.db); !reflect.DeepEqual(got, before) {
		t.Errorf("after recovery, readers see %v; want %v", got, before)
	}
	log, _, err := w.db.FindOffenseImports(ctx, aldyn.Page{})
	if err != nil {
		t.Fatal(err)
	}
	if log[0].Status != aldyn.ImportFailed || log[0].Error != "import.error.interrupted" {
		t.Errorf("log: got %s %q, want failed, interrupted", log[0].Status, log[0].Error)
	}
	if ins, ex := MustImport(t, w.db, w.MustOffenses(t, "base", 5000), 1000); ins != 2000 || ex != 3000 {
		t.Errorf("import after recovery: got %d inserted, %d existing; want 2000, 3000", ins, ex)
	}
}
