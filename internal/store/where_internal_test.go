package store

import (
	"reflect"
	"testing"
	"time"

	"github.com/aldyn-kg/aldyn"
)

func TestWhere(t *testing.T) {
	id, none := int64(7), (*int64)(nil)
	tests := []struct {
		name     string
		build    func(w *where)
		wantSQL  string
		wantArgs []any
	}{
		{"empty matches all", func(w *where) {}, " WHERE 1=1", nil},
		{"unset filters add nothing", func(w *where) {
			eq(w, "b.id", none)
			w.eqText("code", "")
			w.in("category", nil)
			w.pathRange("path", "")
			w.pathLike("", "t.path")
			w.search("  ", "search_text")
		}, " WHERE 1=1", nil},
		{"conditions in order", func(w *where) {
			eq(w, "b.id", &id)
			w.eqText("code", "x")
			w.in("category", []string{"theft", "fraud"})
		}, " WHERE b.id = ? AND code = ? AND category IN (?, ?)", []any{int64(7), "x", "theft", "fraud"}},
		{"path range", func(w *where) { w.pathRange("p.territory_path", "/417/") },
			" WHERE p.territory_path >= ? AND p.territory_path < ?", []any{"/417/", "/4170"}},
		{"path like over two columns, escaped", func(w *where) { w.pathLike("/4_7/", "ft.path", "tt.path") },
			` WHERE (ft.path LIKE ? ESCAPE '\' OR tt.path LIKE ? ESCAPE '\')`, []any{`/4\_7/%`, `/4\_7/%`}},
		{"the public's scope matches nothing", func(w *where) {
			w.pathRange("path", "\x00")
			w.pathLike("\x00", "t.path")
		}, " WHERE 1=0 AND 1=0", nil},
		{"named strings and time bounds", func(w *where) {
			status := aldyn.ResidentReceived
			from, to := time.Date(2026, 1, 1, 6, 0, 0, 0, time.FixedZone("KGT", 6*3600)), time.Date(2026, 2, 1, 0, 0, 0, 0, time.UTC)
			eqString(w, "r.status", &status)
			w.in("r.status", texts([]aldyn.ResidentStatus{aldyn.ResidentReceived, aldyn.ResidentInProgress}))
			w.timeRange("r.created_at", &from, &to)
		}, " WHERE r.status = ? AND r.status IN (?, ?) AND r.created_at >= ? AND r.created_at < ?",
			[]any{"received", "received", "in_progress", time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(2026, 2, 1, 0, 0, 0, 0, time.UTC)}},
		{"unset named string and open time bounds add nothing", func(w *where) {
			eqString(w, "r.status", (*aldyn.ResidentStatus)(nil))
			w.in("r.status", texts([]aldyn.ResidentStatus(nil)))
			w.timeRange("r.created_at", nil, nil)
		}, " WHERE 1=1", nil},
		{"search trims and folds case", func(w *where) { w.search(" Бишкек% ", "t.search_text") },
			` WHERE t.search_text LIKE ? ESCAPE '\'`, []any{`%бишкек\%%`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var w where
			tt.build(&w)
			if got := w.String(); got != tt.wantSQL {
				t.Errorf("got %q, want %q", got, tt.wantSQL)
			}
			if !reflect.DeepEqual(w.args, tt.wantArgs) {
				t.Errorf("got args %#v, want %#v", w.args, tt.wantArgs)
			}
		})
	}
}
