package web

import (
	"io/fs"
	"net/http"
	"sync"

	"github.com/aldyn-kg/aldyn/internal/notices"
	"github.com/aldyn-kg/aldyn/internal/web/static"
)

// The files cmd/assets writes beside the bundles; the about page links them.
const (
	noticesJSON = "dist/notices.json"
	noticesText = "dist/NOTICES.txt"
	licenceText = "dist/LICENSE.txt"
)

// embeddedNotices reads the notices built into the binary once: they
// cannot change while it runs.
var embeddedNotices = sync.OnceValues(func() ([]notices.Component, error) {
	b, err := fs.ReadFile(static.FS, noticesJSON)
	if err != nil {
		return nil, err
	}
	return notices.Parse(b)
})

// aboutPage is what templates/about.html receives.
type aboutPage struct {
	Version    string
	LicenceURL string
	NoticesURL string
	Components []aboutComponent
}

// aboutComponent is a row of the components table, its licence and kind
// put in the reader's words where they are not SPDX identifiers.
type aboutComponent struct {
	notices.Component
	Licence  string
	KindName string
}

// about names the product, its version and licence, and every third-party
// component and data source it contains.
func (s *Server) about(w http.ResponseWriter, r *http.Request) error {
	loc := info(r).loc
	d := &aboutPage{
		Version:    s.cfg.Version,
		LicenceURL: static.Path(licenceText),
		NoticesURL: static.Path(noticesText),
	}
	if d.Version == "" {
		d.Version = "dev"
	}
	cs, err := embeddedNotices()
	if err != nil {
		// The page still names the licence; the build should be fixed.
		s.log.Warn("third-party notices not embedded; run `go run ./cmd/assets` before building", "err", err)
	}
	for _, c := range cs {
		row := aboutComponent{Component: c, Licence: c.License, KindName: loc.T("about.kind." + string(c.Kind))}
		switch c.License {
		case notices.PublicDomain:
			row.Licence = loc.T("about.licence.public_domain")
		case notices.NoAssertion:
			row.Licence = loc.T("about.licence.credited")
		}
		d.Components = append(d.Components, row)
	}
	return s.render(w, r, http.StatusOK, "about", &page{Title: loc.T("about.title"), Data: d})
}
