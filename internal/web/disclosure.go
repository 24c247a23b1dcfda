package web

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/aldyn-kg/aldyn/internal/disclosure"
)

// The minimum cell count of sensitive records (package disclosure): every
// signed-in user may read it, national administrators change it on the
// classification page, where the sensitive categories are listed, or by
// the API.

// disclosureJSON is the body of /api/v1/stats/disclosure.
type disclosureJSON struct {
	MinCellCount int `json:"min_cell_count"`
}

func (s *Server) disclosureSave(w http.ResponseWriter, r *http.Request) error {
	if err := requireNationalAdmin(r); err != nil {
		return err
	}
	k, err := strconv.Atoi(strings.TrimSpace(r.FormValue("min_cell_count")))
	if err != nil {
		k = 0 // out of range: the same message as any other bad number
	}
	return s.classificationSaved(w, r, disclosure.SetMinCellCount(r.Context(), s.db, actor(r), k))
}

func (s *Server) apiDisclosure(w http.ResponseWriter, r *http.Request) error {
	if err := requireSignedIn(r); err != nil {
		return err
	}
	k, err := disclosure.MinCellCount(r.Context(), s.db)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, disclosureJSON{MinCellCount: k})
}

func (s *Server) apiSaveDisclosure(w http.ResponseWriter, r *http.Request) error {
	if err := requireNationalAdmin(r); err != nil {
		return err
	}
	var in disclosureJSON
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	if err := disclosure.SetMinCellCount(r.Context(), s.db, actor(r), in.MinCellCount); err != nil {
		return err
	}
	return s.apiDisclosure(w, r)
}

func init() {
	apiOps = append(apiOps,
		apiOp{Method: "GET", Path: "/api/v1/stats/disclosure", Summary: "The minimum count of sensitive records a map cell shows them at",
			Tag: "statistics", Access: "signed in", Response: "Disclosure"},
		apiOp{Method: "PUT", Path: "/api/v1/stats/disclosure", Summary: "Change the minimum count of sensitive records a map cell shows them at (3–100)",
			Tag: "statistics", Access: "national administrator", Body: "Disclosure", Response: "Disclosure"},
	)
	schemas["Disclosure"] = obj(map[string]any{"min_cell_count": map[string]any{"type": "integer", "minimum": disclosure.LowestMinCellCount,
		"maximum": disclosure.HighestMinCellCount}}, "min_cell_count")
}
