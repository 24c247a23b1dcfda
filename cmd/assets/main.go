// Command assets bundles the front-end sources in web/src into
// internal/web/static/dist, where package static embeds them in the binary:
// app.js (htmx and the behaviours every page uses) and app.css, and the
// optional bundles only some pages load — charts.js (ECharts) and map.js
// (Leaflet); see entryPoints.
// It uses esbuild's Go API, so building needs Node only for `npm ci`, and
// running the product needs no Node at all.
//
// Beside the bundles it writes the third-party notices of everything the
// aldyn binary contains (NOTICES.txt with every licence text, notices.json
// for the about page) and a copy of Aldyn's LICENSE; see notices.go.
//
// Usage, from anywhere inside the repository:
//
//	npm ci --prefix web
//	go run ./cmd/assets
package main

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/andybalholm/brotli"
	"github.com/evanw/esbuild/pkg/api"
)

// publicPath is the URL the bundles and their images are served from; the
// web package mounts package static at /static/.
const publicPath = "/static/dist"

// placeholder is the committed file that keeps the embed pattern matching;
// cleaning the output directory must leave it.
const placeholder = "README.md"

// requiredPackages are the npm packages the sources import. Checking them
// first turns esbuild's "could not resolve" into one clear instruction.
var requiredPackages = []string{"htmx.org", "leaflet", "echarts"}

// entryPoints are the bundles. Charts and maps are most of the weight and
// only some pages use them, so each is a file of its own that the server
// includes where a page needs it (internal/web/bundles.go).
var entryPoints = []api.EntryPoint{
	{InputPath: "src/app.js", OutputPath: "app"},
	{InputPath: "src/app.css", OutputPath: "app"},
	{InputPath: "src/bundles/charts.js", OutputPath: "charts"},
	{InputPath: "src/bundles/map.js", OutputPath: "map"},
}

// compressExts are the outputs worth precompressed twins (.gz and .br);
// PNGs are compressed already.
var compressExts = []string{".js", ".css", ".svg", ".txt", ".json"}

// Output describes one file the build wrote.
type Output struct {
	Name       string // relative to the output directory
	Size       int
	GzipSize   int // 0 when no twins were written
	BrotliSize int
}

func main() {
	webDir := flag.String("web", "", "front-end directory with package.json, node_modules and src/ (default: <repository>/web)")
	outDir := flag.String("out", "", "output directory (default: <repository>/internal/web/static/dist)")
	flag.Usage = func() {
		fmt.Fprintf(flag.CommandLine.Output(), "Usage: go run ./cmd/assets [-web DIR] [-out DIR]\n\n"+
			"Bundles web/src into internal/web/static/dist (minified, no source maps).\n"+
			"Run `npm ci --prefix web` first.\n\n")
		flag.PrintDefaults()
	}
	flag.Parse()

	if *webDir == "" || *outDir == "" {
		root, err := repoRoot()
		if err != nil {
			fail(err)
		}
		if *webDir == "" {
			*webDir = filepath.Join(root, "web")
		}
		if *outDir == "" {
			*outDir = filepath.Join(root, "internal", "web", "static", "dist")
		}
	}
	outs, err := Build(*webDir, *outDir)
	if err != nil {
		fail(err)
	}
	fmt.Printf("assets: wrote %s\n", *outDir)
	for _, o := range outs {
		if o.GzipSize > 0 {
			fmt.Printf("  %-32s %9d bytes  (gzip %d, brotli %d)\n", o.Name, o.Size, o.GzipSize, o.BrotliSize)
		} else {
			fmt.Printf("  %-32s %9d bytes\n", o.Name, o.Size)
		}
	}
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "assets:", err)
	os.Exit(1)
}

// repoRoot finds the directory holding go.mod, so the command works from any
// directory inside the repository (go generate runs it from package static).
func repoRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	root, err := moduleRoot(dir)
	if err != nil {
		return "", errors.New("go.mod not found above the current directory; run from inside the repository or pass -web and -out")
	}
	return root, nil
}

// Build bundles the entryPoints of webDir into outDir,
// replacing whatever an earlier build left there except the placeholder.
func Build(webDir, outDir string) ([]Output, error) {
	webDir, err := filepath.Abs(webDir)
	if err != nil {
		return nil, err
	}
	outDir, err = filepath.Abs(outDir)
	if err != nil {
		return nil, err
	}
	if err := CheckPackages(webDir); err != nil {
		return nil, err
	}

	res := api.Build(api.BuildOptions{
		AbsWorkingDir:       webDir,
		EntryPointsAdvanced: entryPoints,
		Outdir:              outDir,
		AssetNames:          "[name]-[hash]",
		PublicPath:          publicPath,
		Bundle:              true,
		Write:               false,
		Platform:            api.PlatformBrowser,
		Format:              api.FormatIIFE,
		// Browsers of the last few years; Leaflet, ECharts and htmx need no more.
		Target:            api.ES2020,
		MinifyWhitespace:  true,
		MinifyIdentifiers: true,
		MinifySyntax:      true,
		Sourcemap:         api.SourceMapNone,
		// Kyrgyz and Russian strings stay readable and smaller than \u escapes;
		// package static serves .js and .css as UTF-8.
		Charset: api.CharsetUTF8,
		// Keep the libraries' licence notices, gathered at the end of each file.
		LegalComments: api.LegalCommentsEndOfFile,
		// ECharts and zrender strip their development checks on this.
		Define: map[string]string{"process.env.NODE_ENV": `"production"`},
		Loader: map[string]api.Loader{
			".png":   api.LoaderFile,
			".gif":   api.LoaderFile,
			".jpg":   api.LoaderFile,
			".svg":   api.LoaderFile,
			".woff":  api.LoaderFile,
			".woff2": api.LoaderFile,
		},
		LogLevel: api.LogLevelSilent,
		// The metafile says which npm packages reached the bundles, for
		// the third-party notices.
		Metafile: true,
	})
	if len(res.Errors) > 0 {
		msgs := api.FormatMessages(res.Errors, api.FormatMessagesOptions{Kind: api.ErrorMessage})
		return nil, fmt.Errorf("esbuild failed with %d error(s):\n%s", len(res.Errors), strings.Join(msgs, ""))
	}
	if len(res.OutputFiles) == 0 {
		return nil, errors.New("esbuild produced no output")
	}

	if err := os.MkdirAll(outDir, 0o755); err != nil {
		return nil, err
	}
	if err := clean(outDir); err != nil {
		return nil, err
	}
	var outs []Output
	for _, f := range res.OutputFiles {
		rel, err := filepath.Rel(outDir, f.Path)
		if err != nil || strings.HasPrefix(rel, "..") {
			return nil, fmt.Errorf("esbuild wrote outside %s: %s", outDir, f.Path)
		}
		o, err := writeOutput(outDir, rel, f.Contents)
		if err != nil {
			return nil, err
		}
		outs = append(outs, o)
	}
	// The notices of what the binary holds are built with the bundles, so
	// that every build ships them and a dependency of unknown licence
	// fails the build.
	root, err := moduleRoot(webDir)
	if err != nil {
		return nil, err
	}
	ns, err := collectNotices(root, webDir, res.Metafile)
	if err != nil {
		return nil, fmt.Errorf("third-party notices: %w", err)
	}
	txt, js, err := renderNotices(ns)
	if err != nil {
		return nil, fmt.Errorf("third-party notices: %w", err)
	}
	licence, err := projectLicence(root)
	if err != nil {
		return nil, err
	}
	for name, b := range map[string][]byte{noticesText: txt, noticesJSON: js, licenceText: licence} {
		o, err := writeOutput(outDir, name, b)
		if err != nil {
			return nil, err
		}
		outs = append(outs, o)
	}
	slices.SortFunc(outs, func(a, b Output) int { return strings.Compare(a.Name, b.Name) })
	return outs, nil
}

// writeOutput writes one output file (name relative to outDir) and, for
// the types in compressExts, its gzip and brotli twins.
func writeOutput(outDir, name string, b []byte) (Output, error) {
	path := filepath.Join(outDir, name)
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return Output{}, err
	}
	if err := os.WriteFile(path, b, 0o644); err != nil {
		return Output{}, err
	}
	o := Output{Name: filepath.ToSlash(name), Size: len(b)}
	if slices.Contains(compressExts, filepath.Ext(path)) {
		gz, err := gzipBytes(b)
		if err != nil {
			return Output{}, err
		}
		br, err := brotliBytes(b)
		if err != nil {
			return Output{}, err
		}
		if err := os.WriteFile(path+".gz", gz, 0o644); err != nil {
			return Output{}, err
		}
		if err := os.WriteFile(path+".br", br, 0o644); err != nil {
			return Output{}, err
		}
		o.GzipSize, o.BrotliSize = len(gz), len(br)
	}
	return o, nil
}

// CheckPackages reports, with the command that fixes it, a node_modules that
// is missing or does not hold the versions package.json pins.
func CheckPackages(webDir string) error {
	const fix = "run `npm ci --prefix web` from the repository root"
	pkgJSON, err := os.ReadFile(filepath.Join(webDir, "package.json"))
	if err != nil {
		return fmt.Errorf("read front-end package.json: %w", err)
	}
	var manifest struct {
		Dependencies map[string]string `json:"dependencies"`
	}
	if err := json.Unmarshal(pkgJSON, &manifest); err != nil {
		return fmt.Errorf("parse %s: %w", filepath.Join(webDir, "package.json"), err)
	}
	modules := filepath.Join(webDir, "node_modules")
	if fi, err := os.Stat(modules); err != nil || !fi.IsDir() {
		return fmt.Errorf("front-end packages are not installed (%s is missing): %s", modules, fix)
	}
	for _, name := range requiredPackages {
		want, ok := manifest.Dependencies[name]
		if !ok {
			return fmt.Errorf("package.json does not list %q, which the sources import", name)
		}
		b, err := os.ReadFile(filepath.Join(modules, name, "package.json"))
		if err != nil {
			return fmt.Errorf("front-end package %s is not installed in %s: %s", name, modules, fix)
		}
		var installed struct {
			Version string `json:"version"`
		}
		if err := json.Unmarshal(b, &installed); err != nil {
			return fmt.Errorf("parse installed %s/package.json: %w", name, err)
		}
		// package.json pins exact versions, so anything else is a stale install.
		if installed.Version != want {
			return fmt.Errorf("front-end package %s is %s in node_modules but package.json pins %s: %s", name, installed.Version, want, fix)
		}
	}
	return nil
}

// clean removes an earlier build's files (asset names carry content hashes,
// so stale ones would pile up and be embedded) but keeps the placeholder.
func clean(outDir string) error {
	entries, err := os.ReadDir(outDir)
	if err != nil {
		return err
	}
	for _, e := range entries {
		if e.Name() == placeholder {
			continue
		}
		if err := os.RemoveAll(filepath.Join(outDir, e.Name())); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return err
		}
	}
	return nil
}

// gzipBytes compresses at the best level: it runs once per build, and the
// result is served to every visitor.
func gzipBytes(b []byte) ([]byte, error) {
	var buf bytes.Buffer
	zw, err := gzip.NewWriterLevel(&buf, gzip.BestCompression)
	if err != nil {
		return nil, err
	}
	if _, err := zw.Write(b); err != nil {
		return nil, err
	}
	if err := zw.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// brotliBytes compresses at the best level, for the same reason; browsers
// ask for brotli over HTTPS, where it is some 15 % smaller than gzip.
func brotliBytes(b []byte) ([]byte, error) {
	var buf bytes.Buffer
	bw := brotli.NewWriterLevel(&buf, brotli.BestCompression)
	if _, err := bw.Write(b); err != nil {
		return nil, err
	}
	if err := bw.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}
