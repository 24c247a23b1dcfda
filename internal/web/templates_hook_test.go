package web

import "testing"

// The package's tests start a server per test: they parse the embedded
// templates once per test binary (see shareTemplates), not once per server.
func init() { shareTemplates = true }

// BenchmarkParseTemplates is what each test's server cost before the
// templates were shared: parsing every page with its partials.
func BenchmarkParseTemplates(b *testing.B) {
	for b.Loop() {
		if _, err := parseTemplates(); err != nil {
			b.Fatal(err)
		}
	}
}

// TestLowerEndNotBelowZero: pages show an interval's lower end below 0
// (a rare crime's prevalence, normal approximation) as 0.
func TestLowerEndNotBelowZero(t *testing.T) {
	lower := funcs["lower"].(func(*float64) float64)
	for _, c := range []struct{ in, want float64 }{{-0.4, 0}, {0, 0}, {2.4, 2.4}} {
		if got := lower(&c.in); got != c.want {
			t.Errorf("lower(%v) = %v, want %v", c.in, got, c.want)
		}
	}
	if got := lower(nil); got != 0 {
		t.Errorf("lower(nil) = %v, want 0", got)
	}
}
