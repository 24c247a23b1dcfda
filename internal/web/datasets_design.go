package web

import (
	"context"
	"net/http"

	"github.com/aldyn-kg/aldyn"
)

// Designing reported figures through the API: disaggregations, data
// elements, data set versions (a draft changes; an active one changes by
// a new version) and validation rules. National administrators only; the
// store checks it again inside each write.

func (s *Server) registerDataSetDesign() {
	s.handle("POST", "/api/v1/disaggregations", s.apiDisaggregationCreate)
	s.handle("POST", "/api/v1/data-elements", s.apiDataElementCreate)
	s.handle("POST", "/api/v1/data-sets", s.apiDataSetCreate)
	s.handle("PUT", "/api/v1/data-sets/{id}", s.apiDataSetUpdate)
	s.handle("POST", "/api/v1/data-sets/{id}/activate", s.apiDataSetActivate)
	s.handle("POST", "/api/v1/data-sets/{id}/versions", s.apiDataSetNewVersion)
	s.handle("POST", "/api/v1/validation-rules", s.apiValidationRuleCreate)
	s.handle("PUT", "/api/v1/validation-rules/{id}", s.apiValidationRuleUpdate)
}

// designJSON reads a design object and stores it with save, answering
// status with it as stored.
func designJSON[T any](s *Server, w http.ResponseWriter, r *http.Request, status int, save func(context.Context, *aldyn.Actor, *T) error) error {
	if err := requireNationalAdmin(r); err != nil {
		return err
	}
	v := new(T)
	if err := decodeJSON(r, v); err != nil {
		return err
	}
	if err := save(r.Context(), actor(r), v); err != nil {
		return err
	}
	return writeJSON(w, status, v)
}

func (s *Server) apiDisaggregationCreate(w http.ResponseWriter, r *http.Request) error {
	return designJSON(s, w, r, http.StatusCreated, s.db.CreateDisaggregation)
}

func (s *Server) apiDataElementCreate(w http.ResponseWriter, r *http.Request) error {
	return designJSON(s, w, r, http.StatusCreated, s.db.CreateDataElement)
}

func (s *Server) apiDataSetCreate(w http.ResponseWriter, r *http.Request) error {
	return designJSON(s, w, r, http.StatusCreated, s.db.CreateDataSet)
}

func (s *Server) apiValidationRuleCreate(w http.ResponseWriter, r *http.Request) error {
	return designJSON(s, w, r, http.StatusCreated, s.db.CreateValidationRule)
}

func (s *Server) apiDataSetUpdate(w http.ResponseWriter, r *http.Request) error {
	id, err := routeID(r, "id", "datasets.error.not_found")
	if err != nil {
		return err
	}
	return designJSON(s, w, r, http.StatusOK, func(ctx context.Context, a *aldyn.Actor, ds *aldyn.DataSet) error {
		return s.db.UpdateDataSet(ctx, a, id, ds)
	})
}

func (s *Server) apiValidationRuleUpdate(w http.ResponseWriter, r *http.Request) error {
	id, err := routeID(r, "id", "datasets.error.rule_not_found")
	if err != nil {
		return err
	}
	return designJSON(s, w, r, http.StatusOK, func(ctx context.Context, a *aldyn.Actor, v *aldyn.ValidationRule) error {
		return s.db.UpdateValidationRule(ctx, a, id, v)
	})
}

func (s *Server) apiDataSetActivate(w http.ResponseWriter, r *http.Request) error {
	if err := requireNationalAdmin(r); err != nil {
		return err
	}
	id, err := routeID(r, "id", "datasets.error.not_found")
	if err != nil {
		return err
	}
	ds, err := s.db.ActivateDataSet(r.Context(), actor(r), id)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, ds)
}

// apiDataSetNewVersion copies the newest version of the data set of id
// into a new draft.
func (s *Server) apiDataSetNewVersion(w http.ResponseWriter, r *http.Request) error {
	if err := requireNationalAdmin(r); err != nil {
		return err
	}
	id, err := routeID(r, "id", "datasets.error.not_found")
	if err != nil {
		return err
	}
	old, err := s.db.FindDataSetByID(r.Context(), id)
	if err != nil {
		return err
	}
	ds, err := s.db.NewDataSetVersion(r.Context(), actor(r), old.Code)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusCreated, ds)
}
