package aldyn

// Actor is who makes a request: a signed-in user or the public. Every
// scope decision of the application is made here, from the actor's role,
// body and territory path.
type Actor struct {
	UserID        int64
	Login         string
	Role          string
	BodyID        int64
	TerritoryCode string
	TerritoryPath string
	Lang          string
}

// Public is the anonymous actor.
var Public = &Actor{Role: RolePublic}

// System is the actor of work done by the platform itself (migrations,
// demo data, command-line tools run by the operator).
var System = &Actor{Login: "system", Role: RoleAdministrator, TerritoryPath: "/"}

// SignedIn reports whether the actor has an account.
func (a *Actor) SignedIn() bool { return a != nil && a.Role != RolePublic }

// Is reports whether the actor has one of roles.
func (a *Actor) Is(roles ...string) bool {
	if a == nil {
		return false
	}
	for _, r := range roles {
		if a.Role == r {
			return true
		}
	}
	return false
}

// Covers reports whether the territory with the given path lies within the
// actor's territory (the territory itself or anything below it).
func (a *Actor) Covers(territoryPath string) bool {
	return a.SignedIn() && PathContains(a.TerritoryPath, territoryPath)
}

// ScopeUnder is the path prefix a store filter uses to limit non-public
// reads to the actor's territory.
func (a *Actor) ScopeUnder() string {
	if !a.SignedIn() {
		return "\x00" // matches nothing
	}
	return a.TerritoryPath
}

// CanAdminister reports whether the actor may manage users, bodies and
// territories at the territory with the given path.
func (a *Actor) CanAdminister(territoryPath string) bool {
	return a.Is(RoleAdministrator) && a.Covers(territoryPath)
}

// SeesSensitiveRecords reports whether sensitive records (IsSensitive)
// may count on the actor's maps and grids: analysts' and administrators'
// only, and even then in cells of at least the minimum count. For everyone
// else they are left out of every map, whatever the cell, period or box.
func (a *Actor) SeesSensitiveRecords() bool {
	return a.Is(RoleAnalyst, RoleAdministrator)
}

// CanSeeInternal reports whether the actor may read the internal fields of
// something attached to the territory with the given path.
func (a *Actor) CanSeeInternal(territoryPath string) bool { return a.Covers(territoryPath) }

// ForBody reports whether a body-bound action on bodyID is the actor's own:
// a reporter acts only for its body; coordinators and administrators for
// any body within their territory (checked separately with Covers).
func (a *Actor) ForBody(bodyID int64, bodyPath string) bool {
	if a.Is(RoleReporter) {
		return a.BodyID == bodyID
	}
	return a.Covers(bodyPath)
}
