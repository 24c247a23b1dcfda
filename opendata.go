package aldyn

import (
	"slices"
	"time"
)

// Licences an open dataset may carry (SPDX identifiers). CC BY 4.0 is the
// default: reuse by anyone, with attribution.
var Licences = []string{"CC-BY-4.0", "CC0-1.0", "ODC-By-1.0"}

// DefaultLicence is the licence of a dataset no administrator has set one for.
const DefaultLicence = "CC-BY-4.0"

// OpenDatasetSettings is what administrators decide about an open dataset:
// whether it is published, and under which licence.
type OpenDatasetSettings struct {
	Slug      string    `json:"slug"`
	Published bool      `json:"published"`
	Licence   string    `json:"licence"`
	UpdatedAt time.Time `json:"updated_at,omitzero"`
}

// Validate checks the licence.
func (s *OpenDatasetSettings) Validate() error {
	v := Validation{}
	if !slices.Contains(Licences, s.Licence) {
		v.Add("licence", "opendata.error.licence")
	}
	return v.Err()
}

// OpenDatasetVersion is one version of an open dataset's content: a build
// whose content (Checksum) differs from the version before. A rebuild with
// the same content moves BuiltAt and SourceVersion only.
type OpenDatasetVersion struct {
	Slug    string `json:"slug"`
	Version int    `json:"version"`
	// CreatedAt is when this content was first built; BuiltAt the latest
	// build that found it unchanged.
	CreatedAt time.Time `json:"created_at"`
	BuiltAt   time.Time `json:"built_at"`
	// SourceVersion names the state of the source data it was built from
	// (store.StatsVersion for offense datasets).
	SourceVersion string `json:"source_version"`
	Checksum      string `json:"checksum"` // sha256 of the content, hex
	Rows          int    `json:"rows"`
	Suppressed    int    `json:"suppressed"`
}
