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
	s.handleUpload(method, pattern, 0, h)
}

// handleUpload registers a route that accepts request bodies up to limit
// bytes (0: the default limit).
func (s *Server) handleUpload(method, pattern string, limit int64, h func(http.ResponseWriter, *http.Request) error) {
	rt := Route{Method: method, Pattern: pattern, API: strings.HasPrefix(pattern, "/api/"), maxBody: limit, handler: h}
	s.routes = append(s.routes, rt)
	s.mux.Handle(method+" "+pattern, s.instrument(rt))
}

// registerRoutes lists the whole URL space, one group a module (its pages
// and API routes). A new route goes here, into its module's group.
func (s *Server) registerRoutes() {
	// State that the handlers below share.
	s.initResidents()
	s.initOpenData()

	s.mux.Handle("GET /static/", http.StripPrefix("/static/", static.Handler()))

	// Operations, home page, language (ops.go).
	s.handle("GET", "/healthz", s.healthz)
	s.handle("GET", "/readyz", s.readyz)
	s.handle("GET", "/{$}", s.home)
	s.handle("GET", "/lang/{lang}", s.setLanguage)

	// Sign-in, profile and API tokens (session.go).
	s.handle("GET", "/login", s.loginPage)
	s.handle("POST", "/login", s.loginSubmit)
	s.handle("POST", "/logout", s.logout)
	s.handle("GET", "/profile", s.profilePage)
	s.handle("POST", "/profile/password", s.profilePassword)
	s.handle("POST", "/profile/tokens", s.profileTokenCreate)
	s.handle("POST", "/profile/tokens/{id}/revoke", s.profileTokenAction(s.db.RevokeAPIToken, "common.saved"))
	s.handle("POST", "/profile/tokens/{id}/renew", s.profileTokenAction(s.renewToken, "user.token_renewed"))
	s.handle("GET", "/api/v1/me", s.apiMe)

	// Territories, precincts and their boundaries (territories.go).
	s.handle("GET", "/territories", s.territoriesPage)
	s.handle("GET", "/territories/{code}", s.territoryPage)
	s.handle("GET", "/territories/{code}/precincts/new", s.precinctNewPage)
	s.handle("POST", "/territories/{code}/precincts", s.precinctCreate)
	s.handle("GET", "/territories-import", s.territoryImportPage)
	s.handleUpload("POST", "/territories-import", importLimit, s.territoryImport)
	s.handle("GET", "/api/v1/territories", s.apiTerritories)
	s.handle("GET", "/api/v1/territories/{code}", s.apiTerritory)
	s.handle("GET", "/api/v1/boundaries", s.apiBoundaries)
	s.handle("POST", "/api/v1/territories", s.apiPrecinctCreate)
	s.handleUpload("POST", "/api/v1/territories/import/{kind}", importLimit, s.apiTerritoryImport)

	// Settlements gazetteer (settlements.go).
	s.handle("GET", "/api/v1/settlements", s.apiSettlements)

	// Bodies (bodies.go).
	s.handle("GET", "/bodies", s.bodiesPage)
	s.handle("GET", "/bodies/new", s.bodyNewPage)
	s.handle("POST", "/bodies", s.bodyCreate)
	s.handle("GET", "/bodies/{id}", s.bodyPage)
	s.handle("GET", "/bodies/{id}/edit", s.bodyEditPage)
	s.handle("POST", "/bodies/{id}", s.bodyUpdate)
	s.handle("POST", "/bodies/{id}/delete", s.bodyDelete)
	s.handle("GET", "/api/v1/bodies", s.apiBodies)
	s.handle("GET", "/api/v1/bodies/{id}", s.apiBody)
	s.handle("POST", "/api/v1/bodies", s.bodyCreate)
	s.handle("PUT", "/api/v1/bodies/{id}", s.bodyUpdate)
	s.handle("DELETE", "/api/v1/bodies/{id}", s.bodyDelete)

	// Users (users.go).
	s.handle("GET", "/users", s.usersPage)
	s.handle("GET", "/users/new", s.userNewPage)
	s.handle("POST", "/users", s.userCreate)
	s.handle("GET", "/users/{id}", s.userPage)
	s.handle("POST", "/users/{id}", s.userUpdate)
	s.handle("POST", "/users/{id}/reset-password", s.userResetPassword)
	s.handle("GET", "/api/v1/users", s.apiUsers)
	s.handle("GET", "/api/v1/users/{id}", s.apiUser)
	s.handle("POST", "/api/v1/users", s.apiUserCreate)
	s.handle("PATCH", "/api/v1/users/{id}", s.apiUserUpdate)

	// Audit log (audit.go).
	s.handle("GET", "/audit", s.auditPage)
	s.handle("GET", "/api/v1/audit", s.apiAudit)

	// Offense statistics (stats.go, stats_pages.go).
	s.handle("GET", "/stats", s.statsPage)
	s.handle("GET", "/stats/map", s.statsMapPage)
	s.handle("GET", "/stats/official", s.officialPage)
	s.handle("GET", "/stats/precincts/{code}", s.precinctPage)
	s.handle("GET", "/stats/charts/timeprofile", s.timeProfileChartPage)
	s.handle("GET", "/api/v1/stats/counts", s.cachedStats(s.apiCounts))
	s.handle("GET", "/api/v1/stats/timeprofile", s.cachedStats(s.apiTimeProfile))
	s.handle("GET", "/api/v1/stats/hotspots", s.cachedStats(s.apiHotspots))
	s.handle("GET", "/api/v1/stats/points", s.cachedStats(s.apiPoints))
	s.handle("GET", "/api/v1/stats/forecast", s.cachedStats(s.apiForecast))
	s.handle("GET", "/api/v1/stats/official", s.cachedStats(s.apiOfficial))

	// Offense imports and their column profiles (offense_imports.go).
	s.handle("GET", "/stats/imports", s.offenseImportsPage)
	s.handleUpload("POST", "/stats/imports", maxOffenseUpload, s.offenseImportUpload)
	s.handle("GET", "/stats/imports/jobs/{id}", s.offenseImportJobPage)
	s.handle("GET", "/stats/imports/jobs/{id}/errors.csv", s.offenseImportErrors)
	s.handle("GET", "/api/v1/stats/imports", s.apiOffenseImports)
	s.handleUpload("POST", "/api/v1/stats/imports", maxOffenseUpload, s.apiOffenseImport)
	s.handle("GET", "/api/v1/stats/imports/jobs/{id}", s.apiOffenseImportJob)
	s.handle("POST", "/stats/import-profiles", s.offenseProfileForm)
	s.handle("GET", "/api/v1/stats/import-profiles", s.apiOffenseProfiles)
	s.handle("PUT", "/api/v1/stats/import-profiles/{name}", s.apiSaveOffenseProfile)

	// Offense classification (classification.go).
	s.handle("GET", "/stats/classification", s.classificationPage)
	s.handle("POST", "/stats/classification", s.classificationSave)
	s.handle("POST", "/stats/classification/{code}/delete", s.subgroupDelete)
	s.handle("GET", "/api/v1/stats/categories", s.apiCategories)
	s.handle("PUT", "/api/v1/stats/categories/subgroups/{code}", s.apiSaveSubgroup)
	s.handle("DELETE", "/api/v1/stats/categories/subgroups/{code}", s.subgroupDelete)

	// Disclosure threshold (disclosure.go).
	s.handle("POST", "/stats/disclosure", s.disclosureSave)
	s.handle("GET", "/api/v1/stats/disclosure", s.apiDisclosure)
	s.handle("PUT", "/api/v1/stats/disclosure", s.apiSaveDisclosure)

	// Indicators computed from the records (indicators_compute.go).
	s.handle("POST", "/indicators/{id}/compute", s.indicatorCompute)
	s.handle("POST", "/api/v1/indicators/{id}/compute", s.indicatorCompute)

	// Territory monitoring dashboard (territory_dashboard.go).
	s.handle("GET", "/monitoring", s.territoryDashboardPage)
	s.handle("GET", "/api/v1/monitoring", s.apiTerritoryDashboard)

	// Residents' reports analytics (residents_analytics.go).
	s.handle("GET", "/api/v1/stats/residents", s.apiStatsResidents)
	s.handle("GET", "/residents/dashboard", s.residentDashboardPage)

	// Plans, their actions and public pages (plans.go).
	s.handle("GET", "/plans", s.plansPage)
	s.handle("GET", "/plans/new", s.planNewPage)
	s.handle("POST", "/plans", s.planCreate)
	s.handle("GET", "/plans/{id}", s.planPage)
	s.handle("GET", "/plans/{id}/edit", s.planEditPage)
	s.handle("POST", "/plans/{id}", s.planUpdate)
	s.handle("GET", "/plans/{id}/diff", s.planDiffPage)
	s.handle("GET", "/public/plans", s.publicPlansPage)
	s.handle("GET", "/public/plans/{id}", s.publicPlanPage)
	s.handle("GET", "/api/v1/plans", s.apiPlans)
	s.handle("POST", "/api/v1/plans", s.apiPlanCreate)
	s.handle("GET", "/api/v1/plans/{id}", s.apiPlan)
	s.handle("PUT", "/api/v1/plans/{id}", s.apiPlanUpdate)
	for _, a := range planActions {
		s.handle("POST", "/plans/{id}/"+a, s.planAction(a))
		s.handle("POST", "/api/v1/plans/{id}/"+a, s.apiPlanAction(a))
	}

	// A plan's measures and indicators (plans_items.go).
	s.handle("GET", "/plans/{id}/measures/new", s.measureNewPage)
	s.handle("POST", "/plans/{id}/measures", s.measureCreate)
	s.handle("GET", "/measures/{id}", s.measurePage)
	s.handle("GET", "/measures/{id}/edit", s.measureEditPage)
	s.handle("POST", "/measures/{id}", s.measureUpdate)
	s.handle("POST", "/measures/{id}/delete", s.measureDelete)
	s.handle("GET", "/plans/{id}/indicators/new", s.indicatorNewPage)
	s.handle("POST", "/plans/{id}/indicators", s.indicatorCreate)
	s.handle("GET", "/indicators/{id}", s.indicatorPage)
	s.handle("GET", "/indicators/{id}/edit", s.indicatorEditPage)
	s.handle("POST", "/indicators/{id}", s.indicatorUpdate)
	s.handle("GET", "/api/v1/plans/{id}/measures", s.apiMeasures)
	s.handle("POST", "/api/v1/plans/{id}/measures", s.apiMeasureCreate)
	s.handle("GET", "/api/v1/measures/{id}", s.apiMeasure)
	s.handle("PUT", "/api/v1/measures/{id}", s.apiMeasureUpdate)
	s.handle("DELETE", "/api/v1/measures/{id}", s.apiMeasureDelete)
	s.handle("GET", "/api/v1/indicators", s.apiIndicators)
	s.handle("POST", "/api/v1/plans/{id}/indicators", s.apiIndicatorCreate)
	s.handle("GET", "/api/v1/indicators/{id}", s.apiIndicator)
	s.handle("PUT", "/api/v1/indicators/{id}", s.apiIndicatorUpdate)

	// A plan's spreadsheet template and import (plans_template.go).
	s.handle("GET", "/plans/{id}/template", s.planTemplate)
	s.handle("GET", "/plans/{id}/import", s.planImportPage)
	s.handleUpload("POST", "/plans/{id}/import", maxTemplateUpload, s.planImport)

	// Reporting cycles, reports, evidence and the plan dashboard (reporting*.go).
	s.handle("GET", "/plans/{id}/cycles", s.cyclesPage)
	s.handle("POST", "/plans/{id}/cycles", s.cycleCreate)
	s.handle("GET", "/cycles/{id}", s.cyclePage)
	s.handle("POST", "/cycles/{id}/close", s.cycleClose)
	s.handle("GET", "/tasks", s.tasksPage)
	s.handle("GET", "/notifications", s.notificationsPage)
	s.handle("POST", "/notifications/{id}/read", s.notificationRead)
	s.handle("GET", "/cycles/{cid}/measures/{mid}/report", s.reportFormPage)
	s.handleUpload("POST", "/cycles/{cid}/measures/{mid}/report", evidenceRequestLimit, s.reportFormSave)
	s.handle("GET", "/reports/{id}", s.reportPage)
	s.handle("POST", "/reports/{id}/submit", s.reportSubmit)
	s.handle("POST", "/reports/{id}/accept", s.reportAccept)
	s.handle("POST", "/reports/{id}/return", s.reportReturn)
	s.handleUpload("POST", "/reports/{id}/evidence", evidenceRequestLimit, s.reportEvidenceUpload)
	s.handle("GET", "/evidence/{id}", s.evidenceDownload)
	s.handle("POST", "/evidence/{id}/delete", s.evidenceDelete)
	s.handle("GET", "/plans/{id}/dashboard", s.dashboardPage)
	s.handle("GET", "/api/v1/plans/{id}/cycles", s.apiCycles)
	s.handle("POST", "/api/v1/plans/{id}/cycles", s.apiCycleCreate)
	s.handle("POST", "/api/v1/cycles/{id}/close", s.apiCycleClose)
	s.handle("GET", "/api/v1/tasks", s.apiTasks)
	s.handle("POST", "/api/v1/reports", s.apiReportCreate)
	s.handle("GET", "/api/v1/reports/{id}", s.apiReport)
	s.handle("PUT", "/api/v1/reports/{id}", s.apiReportUpdate)
	s.handle("POST", "/api/v1/reports/{id}/submit", s.apiReportSubmit)
	s.handle("POST", "/api/v1/reports/{id}/accept", s.apiReportAccept)
	s.handle("POST", "/api/v1/reports/{id}/return", s.apiReportReturn)
	s.handleUpload("POST", "/api/v1/reports/{id}/evidence", evidenceRequestLimit, s.apiEvidenceUpload)
	s.handle("GET", "/api/v1/plans/{id}/dashboard", s.apiDashboard)
	s.handle("GET", "/api/v1/plans/{id}/report", s.apiPlanReport)

	// Coordination home: reminders (coordination_home.go).
	s.handle("POST", "/reminders", s.reminderSend)

	// Meetings, decisions and questions (meetings.go).
	s.handle("GET", "/meetings", s.meetingsPage)
	s.handle("GET", "/meetings/new", s.meetingNewPage)
	s.handle("POST", "/meetings", s.meetingCreate)
	s.handle("GET", "/meetings/{id}", s.meetingPage)
	s.handle("GET", "/meetings/{id}/edit", s.meetingEditPage)
	s.handle("POST", "/meetings/{id}", s.meetingUpdate)
	s.handle("POST", "/meetings/{id}/decisions", s.decisionCreate)
	s.handle("GET", "/decisions", s.decisionsPage)
	s.handle("POST", "/decisions/{id}", s.decisionUpdate)
	s.handle("GET", "/questions", s.questionsPage)
	s.handle("POST", "/questions", s.questionCreate)
	s.handle("GET", "/questions/{id}", s.questionPage)
	s.handle("POST", "/questions/{id}/answer", s.questionAnswer)
	s.handle("GET", "/api/v1/meetings", s.apiMeetings)
	s.handle("POST", "/api/v1/meetings", s.apiMeetingCreate)
	s.handle("GET", "/api/v1/meetings/{id}", s.apiMeeting)
	s.handle("PUT", "/api/v1/meetings/{id}", s.apiMeetingUpdate)
	s.handle("POST", "/api/v1/meetings/{id}/decisions", s.apiDecisionCreate)
	s.handle("PUT", "/api/v1/decisions/{id}", s.apiDecisionUpdate)
	s.handle("GET", "/api/v1/questions", s.apiQuestions)
	s.handle("POST", "/api/v1/questions", s.apiQuestionCreate)
	s.handle("POST", "/api/v1/questions/{id}/answer", s.apiQuestionAnswer)

	// A plan's risk register (risks.go).
	s.handle("GET", "/plans/{id}/risks", s.risksPage)
	s.handle("GET", "/plans/{id}/risks/new", s.riskNewPage)
	s.handle("POST", "/plans/{id}/risks", s.riskCreate)
	s.handle("GET", "/risks/{id}/edit", s.riskEditPage)
	s.handle("POST", "/risks/{id}", s.riskUpdate)
	s.handle("GET", "/api/v1/plans/{id}/risks", s.apiRisks)
	s.handle("POST", "/api/v1/plans/{id}/risks", s.apiRiskCreate)
	s.handle("PUT", "/api/v1/risks/{id}", s.apiRiskUpdate)

	// Residents' reports: the public form and tracking (residents.go).
	s.handle("GET", "/report", s.residentForm)
	s.handleUpload("POST", "/report", residentRequestLimit, s.residentSubmit)
	s.handle("GET", "/reports/track/{code}", s.residentTrack)
	s.handle("POST", "/reports/track/{code}/support", s.residentSupport)
	s.handle("GET", "/reports/media/{id}", s.residentMedia)

	// Residents' reports: handling by staff (residents_handle.go).
	s.handle("GET", "/residents", s.residentsPage)
	s.handle("GET", "/residents/{id}", s.residentPage)
	s.handleUpload("POST", "/residents/{id}/status", answerRequestLimit, s.residentStatus)
	s.handle("POST", "/residents/{id}/notes", s.residentNote)
	s.handle("POST", "/residents/{id}/reassign", s.residentReassign)
	s.handle("POST", "/residents/{id}/merge", s.residentMerge)
	s.handle("POST", "/residents/{id}/moderate", s.residentModerate)
	s.handle("GET", "/api/v1/resident-reports", s.apiResidentReports)
	s.handle("GET", "/api/v1/resident-reports/{id}", s.apiResidentReport)
	s.handle("POST", "/api/v1/resident-reports/{id}/transition", s.apiResidentTransition)

	// Residents' report categories (residents_categories.go).
	s.handle("GET", "/resident-categories", s.residentCategoriesPage)
	s.handle("GET", "/resident-categories/new", s.residentCategoryNewPage)
	s.handle("POST", "/resident-categories", s.residentCategoryCreate)
	s.handle("GET", "/resident-categories/{id}", s.residentCategoryEditPage)
	s.handle("POST", "/resident-categories/{id}", s.residentCategoryUpdate)
	s.handle("GET", "/api/v1/resident-categories", s.apiResidentCategories)
	s.handle("POST", "/api/v1/resident-categories", s.residentCategoryCreate)
	s.handle("PUT", "/api/v1/resident-categories/{id}", s.residentCategoryUpdate)

	// Residents' reports published (residents_public.go).
	s.handle("GET", "/reports", s.publicReportsPage)
	s.handle("GET", "/reports/public/{id}", s.publicReportPage)
	s.handle("POST", "/reports/public/{id}/support", s.publicReportSupport)
	s.handle("GET", "/api/v1/public-reports", s.apiPublicReports)
	s.handle("GET", "/api/v1/public-reports/map", s.apiPublicReportsMap)

	// Open311 GeoReport v2 (open311.go).
	s.handle("GET", "/open311/v2/{file}", s.open311Get)
	s.handle("POST", "/open311/v2/{file}", s.open311Post)
	s.handle("GET", "/open311/v2/services/{file}", s.open311Service)
	s.handle("GET", "/open311/v2/requests/{file}", s.open311Request)
	s.handle("GET", "/open311/v2/tokens/{file}", s.open311Token)

	// Victim services directory (residents_victims.go).
	s.handle("GET", "/victim-services", s.victimServicesPage)
	s.handle("GET", "/victim-services/new", s.victimServiceNewPage)
	s.handle("POST", "/victim-services", s.victimServiceCreate)
	s.handle("GET", "/victim-services/import", s.victimServiceImportPage)
	s.handleUpload("POST", "/victim-services/import", importLimit, s.victimServiceImport)
	s.handle("GET", "/victim-services/{id}", s.victimServicePage)
	s.handle("GET", "/victim-services/{id}/edit", s.victimServiceEditPage)
	s.handle("POST", "/victim-services/{id}", s.victimServiceUpdate)
	s.handle("POST", "/victim-services/{id}/delete", s.victimServiceDelete)
	s.handle("GET", "/api/v1/victim-services", s.apiVictimServices)
	s.handle("GET", "/api/v1/victim-services/map", s.apiVictimServicesMap)
	s.handle("GET", "/api/v1/victim-services/{id}", s.apiVictimService)
	s.handle("POST", "/api/v1/victim-services", s.victimServiceCreate)
	s.handle("PUT", "/api/v1/victim-services/{id}", s.victimServiceUpdate)
	s.handle("DELETE", "/api/v1/victim-services/{id}", s.victimServiceDelete)
	s.handleUpload("POST", "/api/v1/victim-services/import", importLimit, s.victimServiceImport)

	// Report-back meetings and their issues (report_back.go).
	s.handle("GET", "/report-back-meetings", s.reportBackCalendar)
	s.handle("GET", "/report-back-meetings/manage", s.reportBackManage)
	s.handle("GET", "/report-back-meetings/new", s.reportBackNewPage)
	s.handle("POST", "/report-back-meetings", s.reportBackCreate)
	s.handle("GET", "/report-back-meetings/{id}/edit", s.reportBackEditPage)
	s.handle("POST", "/report-back-meetings/{id}", s.reportBackUpdate)
	s.handle("GET", "/api/v1/report-back-meetings", s.apiReportBackList)
	s.handle("GET", "/api/v1/report-back-meetings/{id}", s.apiReportBack)
	s.handle("POST", "/api/v1/report-back-meetings", s.apiReportBackCreate)
	s.handle("PUT", "/api/v1/report-back-meetings/{id}", s.apiReportBackUpdate)
	s.handle("GET", "/report-back-meetings/{id}/issues", s.reportBackIssuesPage)
	s.handle("POST", "/report-back-meetings/{id}/issues/{issue}", s.reportBackIssueModerate)
	s.handle("GET", "/api/v1/report-back-meetings/{id}/issues", s.apiReportBackIssues)
	s.handle("PUT", "/api/v1/report-back-meetings/{id}/issues/{issue}", s.apiReportBackIssueModerate)

	// Data sets and their forms (datasets.go, datasets_analysis.go, datasets_xlsx.go).
	s.handle("GET", "/data-sets", s.dataSetsPage)
	s.handle("GET", "/data-sets/{code}", s.dataSetPage)
	s.handle("GET", "/data-sets/{code}/forms/{body}/{period}", s.dataFormPage)
	s.handle("POST", "/data-sets/{code}/forms/{body}/{period}", s.dataFormSave)
	s.handle("POST", "/data-sets/{code}/forms/{body}/{period}/accept", s.dataFormAccept)
	s.handle("POST", "/data-sets/{code}/forms/{body}/{period}/return", s.dataFormReturn)
	s.handle("GET", "/api/v1/data-elements", s.apiDataElements)
	s.handle("GET", "/api/v1/data-sets", s.apiDataSets)
	s.handle("GET", "/api/v1/validation-rules", s.apiValidationRules)
	s.handle("GET", "/api/v1/data-sets/{code}/forms/{body}/{period}", s.apiDataForm)
	s.handle("PUT", "/api/v1/data-sets/{code}/forms/{body}/{period}", s.apiDataFormEnter(false))
	s.handle("POST", "/api/v1/data-sets/{code}/forms/{body}/{period}/submit", s.apiDataFormEnter(true))
	s.handle("POST", "/api/v1/data-sets/{code}/forms/{body}/{period}/accept", s.apiDataFormDecision(true))
	s.handle("POST", "/api/v1/data-sets/{code}/forms/{body}/{period}/return", s.apiDataFormDecision(false))
	s.handle("GET", "/data-sets/{code}/analysis", s.dataSetAnalysisPage)
	s.handle("GET", "/api/v1/data-values", s.apiDataValues)
	s.handle("GET", "/data-sets/{code}/forms/{body}/{period}/xlsx", s.dataFormXLSX)
	s.handleUpload("POST", "/data-sets/{code}/forms/{body}/{period}/xlsx", maxFormUpload, s.dataFormImport)
	s.handle("POST", "/data-sets/{code}/forms/{body}/{period}/remind", s.dataFormRemind)

	// The Concept's results (concept_results.go).
	s.handle("GET", "/concept", s.conceptResultsPage)
	s.handle("GET", "/api/v1/concept/results", s.apiConceptResults)

	// Data design: breakdowns, elements, sets and rules (datasets_design*.go).
	s.handle("POST", "/api/v1/disaggregations", s.apiDisaggregationCreate)
	s.handle("PUT", "/api/v1/disaggregations/{id}", s.apiDisaggregationUpdate)
	s.handle("POST", "/api/v1/data-elements", s.apiDataElementCreate)
	s.handle("POST", "/api/v1/data-sets", s.apiDataSetCreate)
	s.handle("PUT", "/api/v1/data-sets/{id}", s.apiDataSetUpdate)
	s.handle("POST", "/api/v1/data-sets/{id}/activate", s.apiDataSetActivate)
	s.handle("POST", "/api/v1/data-sets/{id}/versions", s.apiDataSetNewVersion)
	s.handle("POST", "/api/v1/validation-rules", s.apiValidationRuleCreate)
	s.handle("PUT", "/api/v1/validation-rules/{id}", s.apiValidationRuleUpdate)
	s.handle("GET", "/data-design", s.designPage)
	s.handle("GET", "/data-design/breakdowns/new", s.designBreakdownNew)
	s.handle("POST", "/data-design/breakdowns", s.designBreakdownCreate)
	s.handle("GET", "/data-design/breakdowns/{id}", s.designBreakdownEdit)
	s.handle("POST", "/data-design/breakdowns/{id}", s.designBreakdownUpdate)
	s.handle("GET", "/data-design/elements/new", s.designElementNew)
	s.handle("POST", "/data-design/elements", s.designElementCreate)
	s.handle("GET", "/data-design/elements/{id}", s.designElementEdit)
	s.handle("POST", "/data-design/elements/{id}", s.designElementUpdate)
	s.handle("GET", "/data-design/sets/new", s.designSetNew)
	s.handle("POST", "/data-design/sets", s.designSetCreate)
	s.handle("GET", "/data-design/sets/{id}", s.designSetEdit)
	s.handle("POST", "/data-design/sets/{id}", s.designSetUpdate)
	s.handle("POST", "/data-design/sets/{id}/activate", s.designSetActivate)
	s.handle("POST", "/data-design/sets/{id}/versions", s.designSetNewVersion)
	s.handle("GET", "/data-design/rules/new", s.designRuleNew)
	s.handle("POST", "/data-design/rules", s.designRuleCreate)
	s.handle("GET", "/data-design/rules/{id}", s.designRuleEdit)
	s.handle("POST", "/data-design/rules/{id}", s.designRuleUpdate)

	// Module pages (modules.go).
	s.handle("GET", "/modules/{module}", s.modulePage)

	// Open data: catalogue, administration, files (opendata.go).
	s.handle("GET", "/open", s.openList)
	s.handle("GET", "/open/policy", s.openPolicy)
	s.handle("GET", "/open/admin", s.openAdmin)
	s.handle("POST", "/open/admin/{slug}", s.openAdminSave)
	s.handle("POST", "/open/admin/sensitive", s.openAdminSensitive)
	s.handle("GET", "/open/admin/{slug}", s.openAdminDataset)
	s.handle("GET", "/open/{slug}", s.openDataset)
	s.handle("GET", "/open/{slug}/{file}", s.machine(s.openFile))
	s.handle("GET", "/catalog.jsonld", s.machine(s.catalogJSONLD))
	s.handle("GET", "/catalog.ttl", s.machine(s.catalogTTL))

	// Open data: CKAN's action API, each action at GET and POST (opendata_api.go).
	for _, prefix := range ckanPrefixes {
		for _, a := range ckanActions {
			h := s.machine(s.ckanAction(a))
			s.handle("GET", prefix+a, h)
			s.handle("POST", prefix+a, h)
		}
		unknown := s.machine(s.ckanUnknownAction)
		s.handle("GET", prefix+"{action}", unknown)
		s.handle("POST", prefix+"{action}", unknown)
	}

	// Surveys, trust index, victimization and scorecards (surveys*.go).
	s.handle("GET", "/surveys", s.surveysPage)
	s.handleUpload("POST", "/surveys/xlsform", maxSurveyUpload, s.surveyXLSFormUpload)
	s.handle("POST", "/surveys/standard", s.surveyStandardCreate)
	s.handle("POST", "/surveys/{id}/status", s.surveyStatus)
	s.handle("GET", "/surveys/{slug}", s.surveyFormPage)
	s.handle("POST", "/surveys/{slug}", s.surveySubmit)
	s.handle("GET", "/trust-index", s.trustIndexPage)
	s.handle("GET", "/victimization", s.victimizationPage)
	s.handle("GET", "/scorecards", s.scorecardsPage)
	s.handle("GET", "/scorecards/weights", s.scorecardWeightsPage)
	s.handle("GET", "/scorecards/units/{code}", s.scorecardUnitPage)
	s.handle("POST", "/scorecards/weights", s.scorecardWeightsSave)
	s.handle("GET", "/api/v1/surveys", s.surveysPage)
	s.handleUpload("POST", "/api/v1/surveys/xlsform", maxSurveyUpload, s.surveyXLSFormUpload)
	s.handle("GET", "/api/v1/surveys/{id}", s.apiSurvey)
	s.handle("GET", "/api/v1/surveys/{id}/xlsform", s.surveyXLSForm)
	s.handle("POST", "/api/v1/surveys/{id}/status", s.surveyStatus)
	s.handle("GET", "/api/v1/surveys/{id}/responses", s.apiSurveyResponses)
	s.handleUpload("POST", "/api/v1/surveys/{id}/responses", maxSurveyUpload, s.apiSurveyImport)
	s.handle("GET", "/api/v1/surveys/{id}/estimates", s.apiSurveyEstimates)
	s.handleUpload("POST", "/api/v1/surveys/{id}/weighting", maxSurveyUpload, s.apiSurveyWeighting)
	s.handle("GET", "/api/v1/trust-index", s.apiTrustIndex)
	s.handle("GET", "/api/v1/victimization", s.apiVictimization)
	s.handle("GET", "/api/v1/scorecards", s.apiScorecards)

	// Unit ratings (unit_ratings.go).
	s.handle("GET", "/scorecards/ratings", s.unitRatingsTablePage)
	s.handle("GET", "/api/v1/unit-ratings", s.apiUnitRatings)
	s.handle("GET", "/unit-ratings", s.unitRatingsPage)
	s.handle("GET", "/unit-ratings/new", s.unitRatingNewPage)
	s.handle("POST", "/unit-ratings", s.unitRatingCreate)
	s.handle("GET", "/unit-ratings/{id}", s.unitRatingEditPage)
	s.handle("POST", "/unit-ratings/{id}", s.unitRatingUpdate)

	// A survey's staff pages: design, responses, estimates, weighting (surveys_staff.go).
	s.handle("GET", "/surveys/{id}/design", s.surveyDesignPage)
	s.handle("GET", "/surveys/{id}/responses", s.surveyResponsesPage)
	s.handle("GET", "/surveys/{id}/estimates", s.surveyEstimatesPage)
	s.handle("POST", "/surveys/{id}/invitations", s.surveyInvitations)
	s.handle("GET", "/surveys/{id}/weighting", s.surveyWeightingPage)
	s.handleUpload("POST", "/surveys/{id}/weighting", maxSurveyUpload, s.surveyWeightingRun)

	// About, licences and the API's own description (about.go, openapi.go).
	s.handle("GET", "/about", s.about)
	s.handle("GET", "/api/v1/openapi.json", s.apiOpenAPI)

	// Unknown paths get the same error rendering as everything else.
	s.mux.Handle("/", s.instrument(Route{Pattern: "/", handler: s.notFound}))
}
