package store

import (
	"reflect"
	"testing"
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
