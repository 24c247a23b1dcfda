package web

import (
	"encoding/json"
	"html/template"
	"slices"
	"strings"
	"text/template/parse"

	"github.com/aldyn-kg/aldyn/internal/web/static"
)

// bundle is a script only some pages load: the chart and map libraries are
// most of the front end's weight, and login, tasks and forms use neither.
// A page needs a bundle when its templates hold the bundle's marker, the
// attribute that declares a chart or a map (web/src/bundles.js, which loads
// a bundle on demand for content htmx swaps in, uses the same markers).
type bundle struct {
	Name   string // file dist/<Name>.js, written by cmd/assets
	marker string
}

var optionalBundles = []bundle{
	{Name: "charts", marker: "data-chart"},
	{Name: "map", marker: "data-map"},
}

// URL is where the bundle is served, with its content hash.
func (b bundle) URL() string { return static.Path("dist/" + b.Name + ".js") }

// bundleURLs is the JSON object name → URL the core script reads, to load
// a bundle that a page did not declare but a swapped-in fragment needs.
var bundleURLs = func() string {
	m := map[string]string{}
	for _, b := range optionalBundles {
		m[b.Name] = b.URL()
	}
	j, _ := json.Marshal(m)
	return string(j)
}()

// bundlesOf lists the bundles a page's template set needs: the markers are
// looked for in the literal text of every template the layout can reach
// from its "layout" entry, so a partial's chart counts for the pages that
// include it and a template defined but never used does not.
func bundlesOf(tm *template.Template) []bundle {
	var text strings.Builder
	seen := map[string]bool{}
	var walk func(parse.Node)
	visit := func(name string) {
		if seen[name] {
			return
		}
		seen[name] = true
		if t := tm.Lookup(name); t != nil && t.Tree != nil {
			walk(t.Tree.Root)
		}
	}
	walk = func(n parse.Node) {
		switch n := n.(type) {
		case *parse.ListNode:
			if n == nil {
				return
			}
			for _, c := range n.Nodes {
				walk(c)
			}
		case *parse.TextNode:
			text.Write(n.Text)
		case *parse.TemplateNode:
			visit(n.Name)
		case *parse.IfNode:
			walk(n.List)
			walk(n.ElseList)
		case *parse.RangeNode:
			walk(n.List)
			walk(n.ElseList)
		case *parse.WithNode:
			walk(n.List)
			walk(n.ElseList)
		}
	}
	visit("layout")
	var out []bundle
	for _, b := range optionalBundles {
		if strings.Contains(text.String(), b.marker) {
			out = append(out, b)
		}
	}
	return slices.Clip(out)
}
