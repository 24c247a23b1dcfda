package web

import (
	"net/http"

	"github.com/aldyn-kg/aldyn"
)

// modules are the parts of the platform announced in the navigation whose
// pages are still to come; each gets an honest "being built" page.
var modules = map[string]string{
	"road-safety": "nav.road_safety",
}

func (s *Server) modulePage(w http.ResponseWriter, r *http.Request) error {
	key, ok := modules[r.PathValue("module")]
	if !ok {
		return aldyn.Errorf(aldyn.ENOTFOUND, "error.not_found")
	}
	return s.render(w, r, http.StatusOK, "module", &page{Title: info(r).loc.T(key)})
}
