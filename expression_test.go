package aldyn

import (
	"encoding/json"
	"testing"
)

func TestParseRuleEvaluates(t *testing.T) {
	vals := map[ValueRef]float64{
		{"issued", ""}: 10, {"breached", ""}: 4, {"women", ""}: 3, {"total", ""}: 12,
		{"issued", "female"}: 7,
	}
	get := func(r ValueRef) float64 { return vals[r] }
	for _, c := range []struct {
		expr      string
		holds, ok bool
	}{
		{"breached <= issued", true, true},
		{"breached > issued", false, true},
		{"issued[female] <= issued", true, true},
		{"issued[female] * 2 <= issued", false, true},
		{"(breached + women) * 2 == 14", true, true},
		{"issued - breached - women = 3", true, true},
		{"issued − breached ≥ 6", true, true},
		{"women / total ≤ 0.25", true, true},
		{"women ÷ total × 4 == 1", true, true},
		{"-breached < 0", true, true},
		{"missing >= 0", true, true},
		{"0.1 + 0.2 == 0.3", true, true},
		{"women != 3", false, true},
		{"women ≠ 4", true, true},
		{"breached / missing > 1", false, false},
		{"2 + 3 * 4 == 14", true, true},
		{"10 - 4 - 3 == 3", true, true},
		{"12 / 3 / 2 == 2", true, true},
	} {
		t.Run(c.expr, func(t *testing.T) {
			x, err := ParseRule(c.expr)
			if err != nil {
				t.Fatalf("parse: %v", err)
			}
			holds, ok := x.Holds(get)
			if holds != c.holds || ok != c.ok {
				t.Errorf("got holds=%v ok=%v, want %v %v", holds, ok, c.holds, c.ok)
			}
		})
	}
}

func TestParseRuleRefuses(t *testing.T) {
	deep := ""
	for i := 0; i < 60; i++ {
		deep += "-"
	}
	long := "a <= "
	for len(long) < MaxExpressionLength+10 {
		long += "a + "
	}
	long += "a"
	for _, c := range []struct{ expr, key string }{
		{"", "datasets.error.expression_end"},
		{"issued", "datasets.error.expression_comparison"},
		{"issued <=", "datasets.error.expression_end"},
		{"issued <= (breached", "datasets.error.expression_paren"},
		{"issued <= breached)", "datasets.error.expression_unexpected"},
		{"issued[ <= 1", "datasets.error.expression_option"},
		{"issued[female <= 1", "datasets.error.expression_option"},
		{"1.2.3 < 4", "datasets.error.expression_number"},
		{"Issued < 4", "datasets.error.expression_unexpected"},
		{"os.exit(1) < 4", "datasets.error.expression_comparison"},
		{"a < b < c", "datasets.error.expression_unexpected"},
		{"a ** b < 1", "datasets.error.expression_unexpected"},
		{deep + "1 < 2", "datasets.error.expression_nesting"},
		{long, "datasets.error.expression_too_long"},
	} {
		t.Run(c.expr, func(t *testing.T) {
			_, err := ParseRule(c.expr)
			if got := ErrorMessage(err); got != c.key {
				t.Errorf("got %q (%v), want %q", got, err, c.key)
			}
		})
	}
}

func TestRuleRefs(t *testing.T) {
	x, err := ParseRule("a[f] + b <= a * 2 + a[f]")
	if err != nil {
		t.Fatal(err)
	}
	got := x.Refs()
	want := []ValueRef{{"a", "f"}, {"b", ""}, {"a", ""}}
	if len(got) != len(want) {
		t.Fatalf("got %v, want %v", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("ref %d: got %v, want %v", i, got[i], want[i])
		}
	}
}

// TestRuleJSON: the tree the entry form's script evaluates is the parse
// the server evaluates, with precedence and unary minus kept.
func TestRuleJSON(t *testing.T) {
	x, err := ParseRule("po_breached[female] * 2 <= -po_issued + 3 / (a - 1)")
	if err != nil {
		t.Fatal(err)
	}
	got, err := json.Marshal(x)
	if err != nil {
		t.Fatal(err)
	}
	want := `{"op":"\u003c=","left":{"op":"*","l":{"op":"v","code":"po_breached","option":"female"},"r":{"op":"n","num":2}},` +
		`"right":{"op":"+","l":{"op":"u","l":{"op":"v","code":"po_issued"}},"r":{"op":"/","l":{"op":"n","num":3},"r":{"op":"-","l":{"op":"v","code":"a"},"r":{"op":"n","num":1}}}}}`
	if string(got) != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}
}
