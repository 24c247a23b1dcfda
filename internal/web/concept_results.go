package web

import (
	"net/http"

	"github.com/aldyn-kg/aldyn/internal/datasets"
)

// The Concept's results page: the page the Coordination Council opens
// first. Its figures are national aggregates and plan counts, public.

func (s *Server) conceptResults(r *http.Request) (*datasets.ConceptResults, error) {
	c, err := theConcept()
	if err != nil {
		return nil, err
	}
	return datasets.ComputeConceptResults(r.Context(), s.db, c, s.db.Now())
}

func (s *Server) conceptResultsPage(w http.ResponseWriter, r *http.Request) error {
	res, err := s.conceptResults(r)
	if err != nil {
		return err
	}
	return s.render(w, r, http.StatusOK, "concept_results", &page{Title: info(r).loc.T("concept.results.title"), Data: res})
}

func (s *Server) apiConceptResults(w http.ResponseWriter, r *http.Request) error {
	res, err := s.conceptResults(r)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, res)
}
