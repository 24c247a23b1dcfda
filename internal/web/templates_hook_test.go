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
