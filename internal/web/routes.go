package web

import (
	"net/http"
	"strings"

	"github.com/aldyn-kg/aldyn/internal/web/static"
)

// Route is one registered endpoint. The list of routes is what the access
// matrix and the OpenAPI document are checked against.
type Route struct {
	Method  string
	Pattern string // net/http ServeMux pattern path
	API     bool   // JSON API route (errors as JSON)
	maxBody int64  // request body limit when larger than the default (uploads)
	handler func(http.ResponseWriter, *http.Request) error
}

func (s *Server) handle(method, pattern string, h func(http.ResponseWriter, *http.Request) error) {
	rt := Route{Method: method, Pattern: pattern, API: strings.HasPrefix(pattern, "/api/"), handler: h}
	s.routes = append(s.routes, rt)
	s.mux.Handle(method+" "+pattern, s.instrument(rt))
}

// handleUpload registers a route that accepts request bodies up to limit bytes.
func (s *Server) handleUpload(method, pattern string, limit int64, h func(http.ResponseWriter, *http.Request) error) {
	rt := Route{Method: method, Pattern: pattern, API: strings.HasPrefix(pattern, "/api/"), maxBody: limit, handler: h}
	s.routes = append(s.routes, rt)
	s.mux.Handle(method+" "+pattern, s.instrument(rt))
}

func (s *Server) registerRoutes() {
	s.mux.Handle("GET /static/", http.StripPrefix("/static/", static.Handler()))
	// Each module registers its pages and API routes in its own file.
	s.registerOps()
	s.registerSession()
	s.registerTerritories()
	s.registerSettlements()
	s.registerBodies()
	s.registerUsers()
	s.registerAudit()
	s.registerStats()
	s.registerPlans()
	s.registerReporting()
	s.registerCoordinationHome()
	s.registerMeetings()
	s.registerResidents()
	s.registerReportBack()
	s.registerDataSets()
	s.registerModules()
	s.registerOpenData()
	s.registerSurveys()
	s.registerUnitRatings()
	s.registerSurveyStaff()
	s.registerAbout()
	s.handle("GET", "/api/v1/openapi.json", s.apiOpenAPI)
	// Unknown paths get the same error rendering as everything else.
	s.mux.Handle("/", s.instrument(Route{Pattern: "/", handler: s.notFound}))
}
