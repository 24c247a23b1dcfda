// Package notices owns the list of third-party components built into the
// aldyn binary (Go modules, npm packages bundled into the front end, fonts
// and data) and the recognition of their licences from licence texts.
// cmd/assets writes the list at build time as notices.json (beside the full
// texts in NOTICES.txt); the about page reads it back with Parse.
package notices

import (
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strings"
)

// Kind says how a component reaches the binary.
type Kind string

const (
	GoModule Kind = "go-module" // linked Go code, the standard library included
	NPM      Kind = "npm"       // bundled into the front-end assets by esbuild
	Font     Kind = "font"      // embedded font files
	Data     Kind = "data"      // embedded reference data
)

// Kinds lists every kind in the order the notices list them: what a
// reader recognises (the front-end libraries, fonts and data) first.
var Kinds = []Kind{NPM, Font, Data, GoModule}

// Licence values that are not SPDX licence identifiers.
const (
	// PublicDomain marks data dedicated to the public domain (SPDX has no
	// identifier for it, hence a LicenseRef).
	PublicDomain = "LicenseRef-PublicDomain"
	// NoAssertion is SPDX's word for "no licence is claimed": official
	// figures used with credit to their source.
	NoAssertion = "NOASSERTION"
)

// Component is one entry of notices.json.
type Component struct {
	Name    string `json:"name"`
	Version string `json:"version"`
	// License is an SPDX licence expression ("MIT", "MIT AND Apache-2.0"),
	// PublicDomain or NoAssertion.
	License  string `json:"license"`
	Homepage string `json:"homepage"`
	Kind     Kind   `json:"kind"`
}

// Parse reads notices.json and checks every entry is complete, so a broken
// build shows as an error rather than as blank rows.
func Parse(b []byte) ([]Component, error) {
	var cs []Component
	if err := json.Unmarshal(b, &cs); err != nil {
		return nil, fmt.Errorf("parse notices: %w", err)
	}
	if len(cs) == 0 {
		return nil, errors.New("parse notices: no components")
	}
	for i, c := range cs {
		if c.Name == "" || c.License == "" || !slices.Contains(Kinds, c.Kind) {
			return nil, fmt.Errorf("parse notices: entry %d (%q) lacks a name, a licence or a known kind", i, c.Name)
		}
	}
	return cs, nil
}

// licence is a licence recognised by phrases of its text. Phrases are
// written normalised (see normalise); a text is the licence when it holds
// every phrase of one of the alternatives and none of the excluded ones.
type licence struct {
	id       string
	anyOf    [][]string
	excluded []string
	// supersedes names licences whose phrases this one's text contains
	// (every BSD-3-Clause text also reads as BSD-2-Clause).
	supersedes []string
}

const (
	bsdSource   = "redistribution and use in source and binary forms with or without modification are permitted"
	bsdRetain   = "redistributions of source code must retain the above copyright notice"
	bsdBinary   = "redistributions in binary form must reproduce the above copyright notice"
	bsdEndorse  = "to endorse or promote products derived from this software"
	bsdAdvert   = "all advertising materials mentioning features or use of this software"
	iscGrant    = "permission to use copy modify and or distribute this software for any purpose with or without fee is hereby granted"
	mitGrant    = "permission is hereby granted free of charge to any person obtaining a copy of this software"
	mitNotice   = "the above copyright notice and this permission notice shall be included in all copies or substantial portions of the software"
	apacheTitle = "apache license version 2 0 january 2004"
	apacheRef   = "licensed under the apache license version 2 0"
)

var licences = []licence{
	{id: "Apache-2.0", anyOf: [][]string{{apacheTitle, "terms and conditions for use reproduction and distribution"}, {apacheRef}}},
	{id: "MIT", anyOf: [][]string{{mitGrant, mitNotice}}},
	{id: "BSD-3-Clause", anyOf: [][]string{{bsdSource, bsdRetain, bsdBinary, bsdEndorse}}, excluded: []string{bsdAdvert}, supersedes: []string{"BSD-2-Clause"}},
	{id: "BSD-2-Clause", anyOf: [][]string{{bsdSource, bsdRetain, bsdBinary}}, excluded: []string{bsdEndorse, bsdAdvert}},
	{id: "ISC", anyOf: [][]string{{iscGrant + " provided that the above copyright notice and this permission notice appear in all copies"}}},
	// 0BSD is ISC without the condition: the grant runs straight into the disclaimer.
	{id: "0BSD", anyOf: [][]string{{iscGrant + " the software is provided as is"}}},
	{id: "MPL-2.0", anyOf: [][]string{{"mozilla public license version 2 0"}, {"mozilla public license v 2 0"}}},
	{id: "Bitstream-Vera", anyOf: [][]string{{"bitstream vera", "permission is hereby granted free of charge to any person obtaining a copy of the fonts accompanying this license"}}},
	{id: "OFL-1.1", anyOf: [][]string{{"sil open font license version 1 1"}}},
	{id: "CC-BY-4.0", anyOf: [][]string{{"creative commons attribution 4 0 international public license"}},
		excluded: []string{"noncommercial", "sharealike", "noderivatives"}},
	// Freetype-Go (linked by gonum/plot's rasteriser) lets the user choose
	// the FreeType License or the GPL; Aldyn takes the FreeType License.
	{id: "FTL OR GPL-2.0-or-later", anyOf: [][]string{{"your choice of exactly one of the following two licenses", "the freetype license",
		"the gnu general public license gpl version 2 or later"}}},
}

var nonWord = regexp.MustCompile(`[^\p{L}\p{N}]+`)

// normalise lowercases a text and reduces everything but letters and
// digits to single spaces, so line breaks, comment markers, curly quotes
// and Markdown do not hide a licence.
func normalise(s string) string {
	return " " + strings.TrimSpace(nonWord.ReplaceAllString(strings.ToLower(s), " ")) + " "
}

// Identify names the licences whose terms a licence file holds, as an SPDX
// expression in the order they appear ("MIT AND Apache-2.0" for a file
// with both). It fails when it recognises none, so an unknown licence
// stops the build instead of being passed off as a known one.
func Identify(text string) (string, error) {
	norm := normalise(text)
	type hit struct {
		id  string
		pos int
	}
	var hits []hit
	var superseded []string
	for _, l := range licences {
		pos, ok := l.find(norm)
		if !ok {
			continue
		}
		hits = append(hits, hit{l.id, pos})
		superseded = append(superseded, l.supersedes...)
	}
	hits = slices.DeleteFunc(hits, func(h hit) bool { return slices.Contains(superseded, h.id) })
	if len(hits) == 0 {
		return "", errors.New("no known licence text found")
	}
	slices.SortStableFunc(hits, func(a, b hit) int { return a.pos - b.pos })
	ids := make([]string, len(hits))
	for i, h := range hits {
		ids[i] = h.id
	}
	return strings.Join(ids, " AND "), nil
}

// find reports where in norm the licence's text starts.
func (l licence) find(norm string) (int, bool) {
	for _, ex := range l.excluded {
		if strings.Contains(norm, " "+ex+" ") {
			return 0, false
		}
	}
	for _, phrases := range l.anyOf {
		first, ok := -1, true
		for _, p := range phrases {
			i := strings.Index(norm, " "+p+" ")
			if i < 0 {
				ok = false
				break
			}
			if first < 0 || i < first {
				first = i
			}
		}
		if ok {
			return first, true
		}
	}
	return 0, false
}

// IDs splits an SPDX expression made by Identify into its identifiers.
func IDs(expr string) []string { return strings.Split(expr, " AND ") }
