package main

import (
	"bytes"
	"compress/gzip"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/andybalholm/brotli"
)

// repoWeb is the real front-end directory, seen from this package.
const repoWeb = "../../web"

// MustNodeModules fails (not skips) without web/node_modules: CI installs
// them before `go test`, and a skipped bundle test would hide a broken UI.
func MustNodeModules(tb testing.TB) {
	tb.Helper()
	if err := CheckPackages(repoWeb); err != nil {
		tb.Fatalf("front-end packages are needed to test the bundle: %v\n"+
			"(from the repository root: npm ci --prefix web)", err)
	}
}

func TestBuild(t *testing.T) {
	MustNodeModules(t)
	out := t.TempDir()
	// A stale asset from an earlier build must go; the placeholder must stay.
	writeFile(t, filepath.Join(out, placeholder), "placeholder")
	writeFile(t, filepath.Join(out, "marker-icon-OLDHASH.png"), "stale")

	outs, err := Build(repoWeb, out)
	if err != nil {
		t.Fatalf("Build: %v", err)
	}
	for _, o := range outs {
		t.Logf("%-32s %9d bytes  gzip %d", o.Name, o.Size, o.GzipSize)
	}

	if _, err := os.Stat(filepath.Join(out, placeholder)); err != nil {
		t.Errorf("placeholder: got %v, want it kept", err)
	}
	if _, err := os.Stat(filepath.Join(out, "marker-icon-OLDHASH.png")); err == nil {
		t.Error("stale asset: still there, want it removed")
	}

	js := readFile(t, filepath.Join(out, "app.js"))
	css := readFile(t, filepath.Join(out, "app.css"))
	charts := readFile(t, filepath.Join(out, "charts.js"))
	mapJS := readFile(t, filepath.Join(out, "map.js"))

	markers := []struct {
		file, content, marker, what string
	}{
		{"map.js", mapJS, "leaflet-container", "Leaflet"},
		{"charts.js", charts, "_echarts_instance_", "ECharts"},
		{"app.js", js, "htmx:afterSwap", "htmx"},
		{"app.js", js, "htmx:beforeCleanupElement", "our htmx wiring (app.js)"},
		{"app.js", js, "aldynBundles", "the loader of the optional bundles"},
		{"map.js", mapJS, "[data-map]", "the map module"},
		{"map.js", mapJS, "aldynBundles", "the map bundle's registration"},
		{"charts.js", charts, "[data-chart]", "the chart module"},
		{"charts.js", charts, "aldynBundles", "the chart bundle's registration"},
		{"app.js", js, "[data-progress-url]", "the progress poller"},
		{"charts.js", charts, "Дүйшөмбү", "the Kyrgyz chart locale (UTF-8 kept)"},
		{"app.css", css, ".leaflet-container", "Leaflet's CSS"},
		{"app.css", css, ".field-error", "our CSS"},
		{"app.css", css, ".badge-overdue", "status badges"},
		{"app.css", css, ".htmx-indicator", "htmx indicator styles (CSP forbids htmx's inline ones)"},
	}
	for _, m := range markers {
		t.Run("contains "+m.what, func(t *testing.T) {
			if !strings.Contains(m.content, m.marker) {
				t.Errorf("%s: %q not found, want %s bundled", m.file, m.marker, m.what)
			}
		})
	}

	absent := []struct {
		file, content, text, why string
	}{
		{"app.js", js, "sourceMappingURL", "source maps are off"},
		{"app.js", js, "_echarts_instance_", "ECharts is a bundle of its own, loaded only by chart pages"},
		{"app.js", js, "leaflet-container", "Leaflet is a bundle of its own, loaded only by map pages"},
		{"charts.js", charts, "leaflet-container", "the chart bundle needs no Leaflet"},
		{"map.js", mapJS, "_echarts_instance_", "the map bundle needs no ECharts"},
		{"app.css", css, "sourceMappingURL", "source maps are off"},
		{"app.js", js, "process.env", "browsers have no process; it must be defined away"},
		{"app.css", css, "@import", "imports must be inlined"},
		{"app.js", js, "//unpkg", "nothing may load from a CDN"},
		{"app.css", css, "//unpkg", "nothing may load from a CDN"},
	}
	for _, a := range absent {
		t.Run("lacks "+a.text+" in "+a.file, func(t *testing.T) {
			if strings.Contains(a.content, a.text) {
				t.Errorf("%s contains %q, want none: %s", a.file, a.text, a.why)
			}
		})
	}

	// Every image the bundles point at must have been written beside them,
	// under the URL package static serves it from.
	t.Run("referenced assets exist", func(t *testing.T) {
		re := regexp.MustCompile(regexp.QuoteMeta(publicPath) + `/([A-Za-z0-9._-]+)`)
		seen := map[string]bool{}
		for _, m := range re.FindAllStringSubmatch(js+css+mapJS, -1) {
			seen[m[1]] = true
		}
		for _, want := range []string{"marker-icon", "marker-icon-2x", "marker-shadow", "layers"} {
			found := false
			for name := range seen {
				if strings.HasPrefix(name, want+"-") && strings.Count(name[len(want)+1:], "-") == 0 {
					found = true
				}
			}
			if !found {
				t.Errorf("no %s/%s-<hash>.png referenced, want Leaflet's image bundled", publicPath, want)
			}
		}
		for name := range seen {
			if _, err := os.Stat(filepath.Join(out, name)); err != nil {
				t.Errorf("%s/%s is referenced but not written: %v", publicPath, name, err)
			}
		}
	})

	t.Run("gzip twins match", func(t *testing.T) {
		for _, name := range []string{"app.js", "app.css", "charts.js", "map.js"} {
			f, err := os.Open(filepath.Join(out, name+".gz"))
			if err != nil {
				t.Fatalf("%s.gz: %v", name, err)
			}
			zr, err := gzip.NewReader(f)
			if err != nil {
				t.Fatalf("%s.gz: %v", name, err)
			}
			got, err := io.ReadAll(zr)
			f.Close()
			if err != nil {
				t.Fatalf("%s.gz: %v", name, err)
			}
			if want := readFile(t, filepath.Join(out, name)); !bytes.Equal(got, []byte(want)) {
				t.Errorf("%s.gz inflates to %d bytes, want the %d bytes of %s", name, len(got), len(want), name)
			}
		}
	})

	t.Run("brotli twins match", func(t *testing.T) {
		for _, name := range []string{"app.js", "app.css", "charts.js", "map.js", "NOTICES.txt"} {
			b, err := os.ReadFile(filepath.Join(out, name+".br"))
			if err != nil {
				t.Fatalf("%s.br: %v", name, err)
			}
			got, err := io.ReadAll(brotli.NewReader(bytes.NewReader(b)))
			if err != nil {
				t.Fatalf("%s.br: %v", name, err)
			}
			if want := readFile(t, filepath.Join(out, name)); !bytes.Equal(got, []byte(want)) {
				t.Errorf("%s.br inflates to %d bytes, want the %d bytes of %s", name, len(got), len(want), name)
			}
		}
	})
}

func TestCheckPackages(t *testing.T) {
	const manifest = `{"dependencies":{"htmx.org":"2.0.11","leaflet":"1.9.4","echarts":"5.6.0"}}`
	installed := map[string]string{"htmx.org": "2.0.11", "leaflet": "1.9.4", "echarts": "5.6.0"}

	tests := []struct {
		name     string
		manifest string
		modules  map[string]string // package → version; nil: no node_modules at all
		wantErr  string            // "" for success
	}{
		{"all installed", manifest, installed, ""},
		{"no node_modules", manifest, nil, "npm ci --prefix web"},
		{"one package missing", manifest, map[string]string{"htmx.org": "2.0.11", "leaflet": "1.9.4"}, "echarts is not installed"},
		{"stale version", manifest, map[string]string{"htmx.org": "2.0.11", "leaflet": "1.9.3", "echarts": "5.6.0"}, "leaflet is 1.9.3 in node_modules but package.json pins 1.9.4"},
		{"package.json lacks one", `{"dependencies":{"htmx.org":"2.0.11","leaflet":"1.9.4"}}`, installed, `does not list "echarts"`},
		{"broken package.json", `{`, installed, "parse"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			writeFile(t, filepath.Join(dir, "package.json"), tt.manifest)
			if tt.modules != nil {
				for pkg, v := range tt.modules {
					writeFile(t, filepath.Join(dir, "node_modules", pkg, "package.json"), `{"version":"`+v+`"}`)
				}
			}
			err := CheckPackages(dir)
			switch {
			case tt.wantErr == "" && err != nil:
				t.Fatalf("got %v, want no error", err)
			case tt.wantErr != "" && err == nil:
				t.Fatalf("got no error, want one containing %q", tt.wantErr)
			case tt.wantErr != "" && !strings.Contains(err.Error(), tt.wantErr):
				t.Fatalf("got %q, want it to contain %q", err, tt.wantErr)
			}
		})
	}
}

func TestBuildWithoutNodeModulesSaysWhatToRun(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "package.json"), readFile(t, filepath.Join(repoWeb, "package.json")))
	writeFile(t, filepath.Join(dir, "src", "app.js"), "import 'leaflet';")
	writeFile(t, filepath.Join(dir, "src", "app.css"), "")
	out := t.TempDir()
	_, err := Build(dir, out)
	if err == nil || !strings.Contains(err.Error(), "npm ci --prefix web") {
		t.Fatalf("got %v, want an error telling to run npm ci --prefix web", err)
	}
	if entries, _ := os.ReadDir(out); len(entries) != 0 {
		t.Errorf("output dir holds %d entries after a failed build, want it untouched", len(entries))
	}
}

func TestPackageJSONPinsExactVersions(t *testing.T) {
	// CheckPackages compares installed versions with package.json literally,
	// and reproducible bundles need exact pins anyway.
	b := readFile(t, filepath.Join(repoWeb, "package.json"))
	re := regexp.MustCompile(`"(htmx\.org|leaflet|echarts)"\s*:\s*"([^"]*)"`)
	found := 0
	for _, m := range re.FindAllStringSubmatch(b, -1) {
		found++
		if !regexp.MustCompile(`^\d+\.\d+\.\d+$`).MatchString(m[2]) {
			t.Errorf("%s: got %q, want an exact x.y.z version", m[1], m[2])
		}
	}
	if found != len(requiredPackages) {
		t.Errorf("got %d pinned packages, want %d (%v)", found, len(requiredPackages), requiredPackages)
	}
}

func writeFile(tb testing.TB, name, content string) {
	tb.Helper()
	if err := os.MkdirAll(filepath.Dir(name), 0o755); err != nil {
		tb.Fatal(err)
	}
	if err := os.WriteFile(name, []byte(content), 0o644); err != nil {
		tb.Fatal(err)
	}
}

func readFile(tb testing.TB, name string) string {
	tb.Helper()
	b, err := os.ReadFile(name)
	if err != nil {
		tb.Fatal(err)
	}
	return string(b)
}
