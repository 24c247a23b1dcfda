package aldyn

import (
	"reflect"
	"testing"
	"time"
)

// TestValidationRequire: each shared field rule records the first problem
// of its field, and nothing for a good value.
func TestValidationRequire(t *testing.T) {
	day := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
	tests := []struct {
		name  string
		check func(v Validation) bool // the rule, and whether it passed where it says so
		want  Validation
	}{
		{"text set", func(v Validation) bool { v.requireText("name", "Ош", 2); return true }, Validation{}},
		{"text empty", func(v Validation) bool { v.requireText("name", "", 2); return true }, Validation{"name": "error.required"}},
		{"text too long in characters", func(v Validation) bool { v.requireText("name", "Өзгөн", 4); return true }, Validation{"name": "error.too_long"}},
		{"valid value", func(v Validation) bool { v.requireValid("kind", "shelter", true, "victims.error.kind"); return true }, Validation{}},
		{"value empty", func(v Validation) bool { v.requireValid("kind", "", false, "victims.error.kind"); return true }, Validation{"kind": "error.required"}},
		{"value not valid", func(v Validation) bool { v.requireValid("kind", "x", false, "victims.error.kind"); return true },
			Validation{"kind": "victims.error.kind"}},
		{"id set", func(v Validation) bool { v.requireID("body_id", 7); return true }, Validation{}},
		{"id zero", func(v Validation) bool { v.requireID("body_id", 0); return true }, Validation{"body_id": "error.required"}},
		{"id negative", func(v Validation) bool { v.requireID("body_id", -1); return true }, Validation{"body_id": "error.required"}},
		{"in order", func(v Validation) bool { return v.requireOrdered("from", "to", day, day, "cycle.error.to_before_from") }, Validation{}},
		{"from missing", func(v Validation) bool {
			return !v.requireOrdered("from", "to", time.Time{}, day, "cycle.error.to_before_from")
		},
			Validation{"from": "error.required"}},
		{"to missing", func(v Validation) bool {
			return !v.requireOrdered("from", "to", day, time.Time{}, "cycle.error.to_before_from")
		},
			Validation{"to": "error.required"}},
		{"to before from", func(v Validation) bool {
			return !v.requireOrdered("from", "to", day, day.AddDate(0, 0, -1), "cycle.error.to_before_from")
		}, Validation{"to": "cycle.error.to_before_from"}},
		{"first problem kept", func(v Validation) bool {
			v.Add("name", "error.invalid")
			v.requireText("name", "", 2)
			return true
		}, Validation{"name": "error.invalid"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v := Validation{}
			if !tt.check(v) {
				t.Errorf("got the wrong verdict from the rule")
			}
			if !reflect.DeepEqual(v, tt.want) {
				t.Errorf("got %v, want %v", v, tt.want)
			}
		})
	}
}
