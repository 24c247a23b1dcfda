// Package refdata embeds the reference data Aldyn ships with: territories,
// populations and boundaries of the Kyrgyz Republic, the Concept's structure
// and its official statistics.
//
// The files are copies from the project's shared reference folder
// (shared/data and shared/concept); SOURCES.md and checks.md explain where
// every figure comes from and what it can be trusted for.
package refdata

import "embed"

// FS holds the embedded files:
//   - territories.csv, population.csv, kg-adm1.geojson, SOURCES.md (from shared/data)
//   - concept.yaml, official-statistics.csv, checks.md (from shared/concept)
//
//go:embed territories.csv population.csv kg-adm1.geojson SOURCES.md concept.yaml official-statistics.csv checks.md
var FS embed.FS

// MustRead returns the named embedded file; the names are fixed at build
// time, so a missing file is a programming error.
func MustRead(name string) []byte {
	b, err := FS.ReadFile(name)
	if err != nil {
		panic("refdata: " + err.Error())
	}
	return b
}
