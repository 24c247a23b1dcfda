package main

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/aldyn-kg/aldyn/internal/notices"
)

// recognised are the licences the notices may name: anything else means
// the list or its recognition is broken.
var recognised = []string{"Apache-2.0", "MIT", "BSD-2-Clause", "BSD-3-Clause", "ISC", "0BSD", "MPL-2.0", "Bitstream-Vera", "OFL-1.1",
	// gonum/plot's dependencies: Freetype-Go under the FreeType License
	// (our choice of its two), svgo under CC BY 4.0; both ask only for
	// credit, which NOTICES.txt gives.
	"FTL OR GPL-2.0-or-later", "CC-BY-4.0"}

func checkRecognised(t *testing.T, c notices.Component) {
	t.Helper()
	for _, id := range notices.IDs(c.License) {
		if !slices.Contains(recognised, id) {
			t.Errorf("%s %s: licence %q, want one of %v", c.Name, c.Version, c.License, recognised)
		}
	}
}

// TestNotices builds the assets and checks that the notices name every Go
// module linked into aldyn and every npm package in the lock file, with a
// recognised licence, and that NOTICES.txt carries their texts.
func TestNotices(t *testing.T) {
	MustNodeModules(t)
	out := t.TempDir()
	if _, err := Build(repoWeb, out); err != nil {
		t.Fatalf("Build: %v", err)
	}
	cs, err := notices.Parse([]byte(readFile(t, filepath.Join(out, noticesJSON))))
	if err != nil {
		t.Fatal(err)
	}
	txt := readFile(t, filepath.Join(out, noticesText))
	find := func(kind notices.Kind, name string) (notices.Component, bool) {
		i := slices.IndexFunc(cs, func(c notices.Component) bool { return c.Kind == kind && c.Name == name })
		if i < 0 {
			return notices.Component{}, false
		}
		return cs[i], true
	}

	t.Run("every linked Go module", func(t *testing.T) {
		cmd := exec.Command("go", "list", "-deps", "-f", "{{with .Module}}{{if not .Main}}{{.Path}} {{.Version}}{{end}}{{end}}", mainPackage)
		cmd.Dir = "../.."
		b, err := cmd.Output()
		if err != nil {
			t.Fatalf("go list: %v", err)
		}
		mods := map[string]string{}
		for line := range strings.Lines(string(b)) {
			if path, version, ok := strings.Cut(strings.TrimSpace(line), " "); ok {
				mods[path] = version
			}
		}
		if len(mods) < 10 {
			t.Fatalf("go list found %d modules, want the program's dependencies", len(mods))
		}
		for path, version := range mods {
			c, ok := find(notices.GoModule, path)
			if !ok {
				t.Errorf("Go module %s %s: missing from the notices", path, version)
				continue
			}
			if c.Version != version {
				t.Errorf("Go module %s: version %s, want %s", path, c.Version, version)
			}
			checkRecognised(t, c)
		}
		if c, ok := find(notices.GoModule, "Go standard library and runtime"); !ok || c.License != "BSD-3-Clause" {
			t.Errorf("Go standard library: got %+v, want it listed as BSD-3-Clause", c)
		}
	})

	t.Run("every npm package of the lock file", func(t *testing.T) {
		var lock struct {
			Packages map[string]struct {
				Version string `json:"version"`
				License string `json:"license"`
				Dev     bool   `json:"dev"`
			} `json:"packages"`
		}
		if err := json.Unmarshal([]byte(readFile(t, filepath.Join(repoWeb, "package-lock.json"))), &lock); err != nil {
			t.Fatal(err)
		}
		n := 0
		for key, p := range lock.Packages {
			name, ok := strings.CutPrefix(key, "node_modules/")
			if !ok || p.Dev {
				continue
			}
			n++
			c, ok := find(notices.NPM, name)
			if !ok {
				t.Errorf("npm package %s %s: missing from the notices (is it bundled?)", name, p.Version)
				continue
			}
			if c.Version != p.Version || !slices.Contains(notices.IDs(c.License), p.License) {
				t.Errorf("npm package %s: got %s %s, want %s %s as the lock file says", name, c.Version, c.License, p.Version, p.License)
			}
			checkRecognised(t, c)
		}
		for _, want := range []string{"echarts", "zrender", "tslib", "leaflet", "htmx.org"} {
			if _, ok := find(notices.NPM, want); !ok {
				t.Errorf("npm package %s: missing, want it listed (it is bundled)", want)
			}
		}
		if npm := len(slices.DeleteFunc(slices.Clone(cs), func(c notices.Component) bool { return c.Kind != notices.NPM })); npm != n {
			t.Errorf("got %d npm packages in the notices, want the %d of the lock file", npm, n)
		}
	})

	t.Run("fonts and data", func(t *testing.T) {
		if c, ok := find(notices.Font, "DejaVu fonts"); !ok || c.License != "Bitstream-Vera" || c.Version != "2.37" {
			t.Errorf("DejaVu fonts: got %+v, want version 2.37 under Bitstream-Vera", c)
		}
		sources := readFile(t, "../../internal/refdata/SOURCES.md")
		for _, d := range []struct{ name, license, credited string }{
			{"Natural Earth boundaries", notices.PublicDomain, "Natural Earth"},
			{"NSC KR population and SOATE codes", notices.NoAssertion, "NSC"},
			{"GeoNames settlements of Kyrgyzstan", "CC-BY-4.0", "GeoNames"},
		} {
			c, ok := find(notices.Data, d.name)
			if !ok || c.License != d.license {
				t.Errorf("%s: got %+v, want it listed as %s", d.name, c, d.license)
			}
			if !strings.Contains(sources, d.credited) {
				t.Errorf("SOURCES.md does not mention %s, which the notices credit", d.credited)
			}
		}
	})

	t.Run("NOTICES.txt holds every component and the texts", func(t *testing.T) {
		for _, c := range cs {
			if !strings.Contains(txt, "\n"+c.Name+" "+c.Version+"\nLicence: "+c.License+"\n") {
				t.Errorf("NOTICES.txt has no section for %s %s (%s)", c.Name, c.Version, c.License)
			}
		}
		for _, f := range []string{
			filepath.Join(repoWeb, "node_modules/leaflet/LICENSE"),
			filepath.Join(repoWeb, "node_modules/echarts/NOTICE"),
			filepath.Join(repoWeb, "node_modules/echarts/licenses/LICENSE-d3"),
			filepath.Join(repoWeb, "node_modules/htmx.org/LICENSE"),
		} {
			// NOTICES.txt has Unix line ends; Leaflet ships CRLF.
			if want := strings.TrimSpace(strings.ReplaceAll(readFile(t, f), "\r\n", "\n")); !strings.Contains(txt, want) {
				t.Errorf("NOTICES.txt lacks the text of %s", f)
			}
		}
		for _, want := range []string{"Bitstream Vera Fonts Copyright", "Arev Fonts Copyright", "Made with Natural Earth", "National Statistical Committee", "Additional IP Rights Grant (Patents)"} {
			if !strings.Contains(txt, want) {
				t.Errorf("NOTICES.txt lacks %q", want)
			}
		}
		if got, want := readFile(t, filepath.Join(out, licenceText)), readFile(t, "../../LICENSE"); got != want {
			t.Errorf("%s differs from the repository's LICENSE", licenceText)
		}
		if _, err := os.Stat(filepath.Join(out, noticesText+".gz")); err != nil {
			t.Errorf("no gzip twin of %s: %v", noticesText, err)
		}
	})
}

// fakeMeta is an esbuild metafile naming inputs that reached app.js.
func fakeMeta(inputs map[string]int) string {
	type in struct {
		BytesInOutput int `json:"bytesInOutput"`
	}
	m := map[string]map[string]map[string]any{"outputs": {"out/app.js": {"inputs": map[string]in{}}}}
	for name, n := range inputs {
		m["outputs"]["out/app.js"]["inputs"].(map[string]in)[name] = in{n}
	}
	b, _ := json.Marshal(m)
	return string(b)
}

const mitLicence = `Copyright (c) 2024 Someone

Permission is hereby granted, free of charge, to any person obtaining a copy
of this software and associated documentation files (the "Software"), to deal
in the Software without restriction.

The above copyright notice and this permission notice shall be included in all
copies or substantial portions of the Software.
`

// TestNpmNoticesFailLoudly checks that a bundled package without a
// licence file, with one we do not recognise, or with a package.json that
// contradicts its licence text stops the build, naming the package.
func TestNpmNoticesFailLoudly(t *testing.T) {
	tests := []struct {
		name, manifest, licence string
		bytes                   int
		wantErr, wantName       string
	}{
		{"recognised", `{"name":"good","version":"1.0.0","license":"MIT"}`, mitLicence, 10, "", "good"},
		{"scoped and recognised", `{"name":"@scope/good","version":"1.0.0","license":"MIT"}`, mitLicence, 10, "", "@scope/good"},
		{"tree-shaken away", `{"name":"gone","version":"1.0.0"}`, "", 0, "", ""},
		{"no licence file", `{"name":"bare","version":"1.0.0","license":"MIT"}`, "", 10, "bare 1.0.0: no LICENSE", ""},
		{"unknown licence", `{"name":"mystery","version":"2.0.0","license":"SEE LICENSE IN LICENSE"}`, "Copyright 2024 Mystery Corp. All rights reserved.", 10, "mystery 2.0.0: licence in LICENSE not recognised", ""},
		{"declared licence contradicts the text", `{"name":"liar","version":"1.0.0","license":"Apache-2.0"}`, mitLicence, 10, "declares Apache-2.0 but LICENSE reads as MIT", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			web := t.TempDir()
			var pkg struct{ Name string }
			json.Unmarshal([]byte(tt.manifest), &pkg)
			dir := filepath.Join(web, "node_modules", filepath.FromSlash(pkg.Name))
			writeFile(t, filepath.Join(dir, "package.json"), tt.manifest)
			if tt.licence != "" {
				writeFile(t, filepath.Join(dir, "LICENSE"), tt.licence)
			}
			meta := fakeMeta(map[string]int{"node_modules/" + pkg.Name + "/index.js": tt.bytes, "src/app.js": 100})
			ns, err := npmNotices(web, meta)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("got %v, want an error containing %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			var names []string
			for _, n := range ns {
				names = append(names, n.Name)
			}
			if want := []string{tt.wantName}; tt.wantName == "" && len(names) != 0 || tt.wantName != "" && !slices.Equal(names, want) {
				t.Errorf("got %v, want %q", names, tt.wantName)
			}
		})
	}
}

// TestGoNoticesFailLoudly does the same for Go modules and font modules.
func TestGoNoticesFailLoudly(t *testing.T) {
	module := func(t *testing.T, files map[string]string) string {
		dir := t.TempDir()
		for name, text := range files {
			writeFile(t, filepath.Join(dir, name), text)
		}
		return dir
	}
	pkg := func(importPath, modPath, dir string) goPackage {
		p := goPackage{ImportPath: importPath}
		p.Module = &struct {
			Path    string
			Version string
			Dir     string
			Main    bool
			Replace *struct {
				Version string
				Dir     string
			}
		}{Path: modPath, Version: "v1.0.0", Dir: dir}
		return p
	}
	goroot := module(t, map[string]string{"LICENSE": readFile(t, "../../LICENSE")})
	vera := readFile(t, filepath.Join(goModDir(t, "github.com/go-fonts/dejavu"), "LICENSE-DejaVu"))

	t.Run("recognised module, font and standard library", func(t *testing.T) {
		good := module(t, map[string]string{"LICENSE.md": mitLicence, "NOTICE": "Good Corp."})
		fonts := module(t, map[string]string{"LICENSE": mitLicence, "LICENSE-DejaVu": vera})
		ns, err := goNotices([]goPackage{
			{ImportPath: "fmt", Standard: true},
			pkg("example.com/good/sub", "example.com/good", good),
			pkg("github.com/go-fonts/dejavu/dejavusans", "github.com/go-fonts/dejavu", fonts),
		}, goroot, "go1.99")
		if err != nil {
			t.Fatal(err)
		}
		got := map[string]string{}
		for _, n := range ns {
			got[n.Name+" "+string(n.Kind)] = n.License
		}
		want := map[string]string{
			"example.com/good go-module":                "MIT",
			"github.com/go-fonts/dejavu go-module":      "MIT",
			"DejaVu fonts font":                         "Bitstream-Vera",
			"Go standard library and runtime go-module": "Apache-2.0",
		}
		if len(got) != len(want) {
			t.Errorf("got %v, want %v", got, want)
		}
		for k, v := range want {
			if got[k] != v {
				t.Errorf("%s: got licence %q, want %q", k, got[k], v)
			}
		}
	})

	for _, tt := range []struct {
		name    string
		modPath string
		files   map[string]string
		wantErr string
	}{
		{"no licence file", "example.com/bare", map[string]string{"README.md": "MIT"}, "example.com/bare v1.0.0: no LICENSE"},
		{"unknown licence", "example.com/gpl", map[string]string{"COPYING": "GNU GENERAL PUBLIC LICENSE\nVersion 3, 29 June 2007"}, "Go module example.com/gpl: licence in COPYING not recognised"},
		{"font module not in the list", "github.com/go-fonts/liberation", map[string]string{"LICENSE": mitLicence}, "add it to fontFamilies"},
		{"font module without the fonts' licence", "github.com/go-fonts/dejavu", map[string]string{"LICENSE": mitLicence}, "no LICENSE-<family> file"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			dir := module(t, tt.files)
			_, err := goNotices([]goPackage{pkg(tt.modPath+"/x", tt.modPath, dir)}, goroot, "go1.99")
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Fatalf("got %v, want an error containing %q", err, tt.wantErr)
			}
		})
	}
}

// goModDir is where a dependency of the repository is unpacked.
func goModDir(t *testing.T, path string) string {
	t.Helper()
	cmd := exec.Command("go", "list", "-m", "-f", "{{.Dir}}", path)
	cmd.Dir = "../.."
	b, err := cmd.Output()
	if err != nil || strings.TrimSpace(string(b)) == "" {
		t.Fatalf("go list -m %s: %v", path, err)
	}
	return strings.TrimSpace(string(b))
}
