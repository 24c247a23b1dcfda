package web

import (
	"context"
	"net/http"
	"strconv"

	"github.com/aldyn-kg/aldyn"
)

// The guard: what a handler checks first. Who may pass (the require*
// checks, which nav.go also uses to offer only the pages a visitor can
// open) and which record the path names (routeID). Handlers return these
// errors; writeError maps them to statuses.

// routeID reads the numeric path value name. Anything but a positive
// integer names no record, so it is not found with the message notFound,
// as an id that does not exist would be.
func routeID(r *http.Request, name, notFound string) (int64, error) {
	id, err := strconv.ParseInt(r.PathValue(name), 10, 64)
	if err != nil || id <= 0 {
		return 0, aldyn.Errorf(aldyn.ENOTFOUND, notFound)
	}
	return id, nil
}

// guardedID is routeID for the path value "id", read once guard has let
// the caller through.
func guardedID(r *http.Request, guard func(*http.Request) error, notFound string) (int64, error) {
	if err := guard(r); err != nil {
		return 0, err
	}
	return routeID(r, "id", notFound)
}

// recordByPath loads the record whose id is the path value "id", once
// guard has let the caller through; a record the actor may not see
// (visible says no) is not found, as one that does not exist.
func recordByPath[T any](r *http.Request, guard func(*http.Request) error, notFound string,
	find func(context.Context, int64) (T, error), visible func(*aldyn.Actor, T) bool) (T, error) {
	var zero T
	id, err := guardedID(r, guard, notFound)
	if err != nil {
		return zero, err
	}
	x, err := find(r.Context(), id)
	if err != nil {
		return zero, err
	}
	if !visible(actor(r), x) {
		return zero, aldyn.Errorf(aldyn.ENOTFOUND, notFound)
	}
	return x, nil
}

// notFoundAs gives a not-found error the message key; other errors pass
// as they are.
func notFoundAs(err error, key string) error {
	if aldyn.ErrorCode(err) == aldyn.ENOTFOUND {
		return aldyn.Errorf(aldyn.ENOTFOUND, key)
	}
	return err
}

// forbidden is the error of a signed-in actor refused a page or an action.
func forbidden() error { return aldyn.Errorf(aldyn.EFORBIDDEN, "error.forbidden") }

// unauthorized is the error of a visitor who must sign in first.
func unauthorized() error { return aldyn.Errorf(aldyn.EUNAUTHORIZED, "error.unauthorized") }

// requireSignedIn lets any signed-in user through; what each may then
// read is limited by territory scope, not here.
func requireSignedIn(r *http.Request) error {
	if !actor(r).SignedIn() {
		return unauthorized()
	}
	return nil
}

// requireUser is requireSignedIn for handlers that need the user's record.
func requireUser(r *http.Request) (*aldyn.User, error) {
	if u := info(r).user; u != nil {
		return u, nil
	}
	return nil, unauthorized()
}

// requireRole lets signed-in actors holding one of roles through.
func requireRole(r *http.Request, roles ...string) error {
	if err := requireSignedIn(r); err != nil {
		return err
	}
	if !actor(r).Is(roles...) {
		return forbidden()
	}
	return nil
}

// requireAdmin lets administrators (of any territory) through.
func requireAdmin(r *http.Request) error { return requireRole(r, aldyn.RoleAdministrator) }

// requirePlanner refuses those who cannot manage plans anywhere.
func requirePlanner(r *http.Request) error { return requireRole(r, aldyn.RoleCoordinator) }

// requireCoordinatorOrAdmin lets coordinators and administrators through.
func requireCoordinatorOrAdmin(r *http.Request) error {
	return requireRole(r, aldyn.RoleCoordinator, aldyn.RoleAdministrator)
}

// requireNationalAdmin lets administrators of the whole country through.
func requireNationalAdmin(r *http.Request) error {
	if err := requireAdmin(r); err != nil {
		return err
	}
	if !national(actor(r)) {
		return forbidden()
	}
	return nil
}

// requireImporter lets analysts and administrators of the whole country
// import; others are told why, since the button is what they asked for.
func requireImporter(r *http.Request) error {
	a := actor(r)
	if !a.SignedIn() {
		return unauthorized()
	}
	if !a.Is(aldyn.RoleAnalyst, aldyn.RoleAdministrator) || !national(a) {
		return aldyn.Errorf(aldyn.EFORBIDDEN, "stats.import.forbidden")
	}
	return nil
}

const countryCode = "41700000000000"

// national says whether the actor's scope is the whole country.
func national(a *aldyn.Actor) bool { return a.TerritoryPath == aldyn.TerritoryPath("", countryCode) }
