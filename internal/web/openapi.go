package web

import (
	"net/http"
	"strings"
	"sync"
)

// The OpenAPI 3 document of /api/v1. Each operation is declared here next
// to the others so the whole API reads in one place; a test checks that
// every registered API route is documented and nothing else is.

type apiParam struct {
	Name, In, Type, Description string
	Required                    bool
	Enum                        []string
}

type apiOp struct {
	Method, Path, Summary, Tag string
	Access                     string // who may call it
	Params                     []apiParam
	Body                       string // schema name of the JSON request body
	BodyType                   string // media type when not JSON
	Response                   string // schema name of the 2xx response
	Status                     string // 2xx status, default "200"
}

var (
	pageParams = []apiParam{
		{Name: "limit", In: "query", Type: "integer", Description: "items per page (1–500, default 25)"},
		{Name: "offset", In: "query", Type: "integer", Description: "items to skip"},
		{Name: "sort", In: "query", Type: "string", Description: "sort column; prefix with - for descending"},
	}
	idParam   = apiParam{Name: "id", In: "path", Type: "integer", Required: true}
	codeParam = apiParam{Name: "code", In: "path", Type: "string", Required: true, Description: "14-digit SOATE code, or a precinct code"}
)

func withPage(ps ...apiParam) []apiParam { return append(ps, pageParams...) }

var apiOps = []apiOp{
	{Method: "GET", Path: "/api/v1/openapi.json", Summary: "This OpenAPI document", Tag: "meta", Access: "public", Response: "object"},
	{Method: "GET", Path: "/api/v1/me", Summary: "The signed-in user", Tag: "users", Access: "signed in", Response: "User"},

	{Method: "GET", Path: "/api/v1/territories", Summary: "List territories with their latest population", Tag: "territories", Access: "public",
		Params: withPage(apiParam{Name: "level", In: "query", Type: "string", Enum: []string{"country", "region", "district", "city", "precinct"}},
			apiParam{Name: "parent", In: "query", Type: "string", Description: "code of the parent territory"},
			apiParam{Name: "q", In: "query", Type: "string", Description: "search in names and codes"}), Response: "TerritoryList"},
	{Method: "GET", Path: "/api/v1/territories/{code}", Summary: "One territory with its population figures", Tag: "territories", Access: "public",
		Params: []apiParam{codeParam}, Response: "TerritoryDetail"},
	{Method: "GET", Path: "/api/v1/boundaries", Summary: "Boundaries as a GeoJSON FeatureCollection", Tag: "territories", Access: "public",
		Params: []apiParam{{Name: "territory", In: "query", Type: "string", Description: "only this territory and those below it"},
			{Name: "lang", In: "query", Type: "string", Enum: []string{"ky", "ru", "en"}}}, Response: "FeatureCollection"},
	{Method: "GET", Path: "/api/v1/settlements", Summary: "Towns and villages from the embedded GeoNames gazetteer (CC BY 4.0) as GeoJSON points, biggest first", Tag: "territories", Access: "public",
		Params: []apiParam{{Name: "q", In: "query", Type: "string", Description: "start of a word of the Latin or Cyrillic name"},
			{Name: "territory", In: "query", Type: "string", Description: "SOATE code of an oblast, city of republican significance or town"},
			{Name: "limit", In: "query", Type: "integer", Description: "1–1000"},
			{Name: "lang", In: "query", Type: "string", Enum: []string{"ky", "ru", "en"}}}, Response: "FeatureCollection"},
	{Method: "POST", Path: "/api/v1/territories", Summary: "Add a police precinct under a territory", Tag: "territories", Access: "administrator (territory in scope)",
		Body: "PrecinctInput", Response: "Territory", Status: "201"},
	{Method: "POST", Path: "/api/v1/territories/import/{kind}", Summary: "Import boundaries (GeoJSON), populations (CSV) or precincts (CSV or GeoJSON); all or nothing",
		Tag: "territories", Access: "administrator", BodyType: "application/geo+json, text/csv",
		Params: []apiParam{{Name: "kind", In: "path", Type: "string", Required: true, Enum: []string{"boundaries", "populations", "precincts"}}}, Response: "ImportResult"},

	{Method: "GET", Path: "/api/v1/bodies", Summary: "List prevention bodies (internal fields only for users whose territory covers the body)", Tag: "bodies", Access: "public",
		Params: withPage(apiParam{Name: "q", In: "query", Type: "string"}, apiParam{Name: "type", In: "query", Type: "string"},
			apiParam{Name: "territory", In: "query", Type: "string"}), Response: "BodyList"},
	{Method: "GET", Path: "/api/v1/bodies/{id}", Summary: "One body", Tag: "bodies", Access: "public", Params: []apiParam{idParam}, Response: "Body"},
	{Method: "POST", Path: "/api/v1/bodies", Summary: "Create a body", Tag: "bodies", Access: "administrator (territory in scope)", Body: "BodyInput", Response: "Body", Status: "201"},
	{Method: "PUT", Path: "/api/v1/bodies/{id}", Summary: "Replace a body's fields", Tag: "bodies", Access: "administrator (territory in scope)", Params: []apiParam{idParam},
		Body: "BodyInput", Response: "Body"},
	{Method: "DELETE", Path: "/api/v1/bodies/{id}", Summary: "Delete a body without users", Tag: "bodies", Access: "administrator (territory in scope)", Params: []apiParam{idParam}, Status: "204"},

	{Method: "GET", Path: "/api/v1/users", Summary: "List users in the administrator's territory", Tag: "users", Access: "administrator",
		Params:   withPage(apiParam{Name: "q", In: "query", Type: "string"}, apiParam{Name: "role", In: "query", Type: "string"}, apiParam{Name: "body", In: "query", Type: "integer"}),
		Response: "UserList"},
	{Method: "GET", Path: "/api/v1/users/{id}", Summary: "One user", Tag: "users", Access: "administrator", Params: []apiParam{idParam}, Response: "User"},
	{Method: "POST", Path: "/api/v1/users", Summary: "Create a user; the response holds a one-time password", Tag: "users", Access: "administrator", Body: "UserInput",
		Response: "User", Status: "201"},
	{Method: "PATCH", Path: "/api/v1/users/{id}", Summary: "Change a user's name, role, body, language or disabled flag", Tag: "users", Access: "administrator",
		Params: []apiParam{idParam}, Body: "UserPatch", Response: "User"},

	{Method: "GET", Path: "/api/v1/audit", Summary: "The audit log of the administrator's territory", Tag: "audit", Access: "administrator",
		Params: withPage(apiParam{Name: "entity", In: "query", Type: "string"}, apiParam{Name: "entity_id", In: "query", Type: "string"},
			apiParam{Name: "action", In: "query", Type: "string", Enum: []string{"create", "update", "delete"}}, apiParam{Name: "actor", In: "query", Type: "string"},
			apiParam{Name: "from", In: "query", Type: "string", Description: "YYYY-MM-DD"}, apiParam{Name: "to", In: "query", Type: "string", Description: "YYYY-MM-DD, inclusive"}),
		Response: "AuditList"},

	{Method: "GET", Path: "/api/v1/stats/counts", Summary: "Offense counts grouped by category, territory, source and period, with shares, year-on-year change and rates per 100,000 residents",
		Tag: "statistics", Access: "signed in (the user's territory)", Params: append([]apiParam{
			{Name: "by", In: "query", Type: "string", Description: "comma-separated: category, territory, source, year, quarter, month (default category)"},
			{Name: "depth", In: "query", Type: "string", Enum: []string{"country", "region", "district"}, Description: "level territories are grouped at (default region)"}},
			statsParams...), Response: "Counts"},
	{Method: "GET", Path: "/api/v1/stats/timeprofile", Summary: "Counts by weekday (Monday first) and hour of day: a 7 × 24 table", Tag: "statistics",
		Access: "signed in (the user's territory)", Params: append([]apiParam{precinctParam}, statsParams...),
		Response: "TimeProfile"},
	{Method: "GET", Path: "/api/v1/stats/hotspots", Summary: "Grid cells of the fixed lattice with counts and Getis-Ord Gi* hot spots (Benjamini-Hochberg FDR 5 %) as GeoJSON; " +
		"sensitive records count for analysts and administrators only, in cells holding at least the minimum cell count of them", Tag: "statistics",
		Access: "signed in (the user's territory)", Params: append([]apiParam{
			{Name: "bbox", In: "query", Type: "string", Description: "minLon,minLat,maxLon,maxLat (default the whole country)"},
			{Name: "cell_m", In: "query", Type: "number", Description: "cell size in metres, 250–50000 (default from zoom, or without one about 32 cells across the box), snapped to 250 m × 2ⁿ"},
			{Name: "zoom", In: "query", Type: "integer", Description: "map zoom the cell size follows"},
			{Name: "radius", In: "query", Type: "integer", Description: "neighbourhood radius in cells, 0–5 (default 1: 3 × 3 cells)"},
			{Name: "density", In: "query", Type: "string", Enum: []string{"1"}, Description: "add a kernel density (records per km²) to each cell"}, precinctParam}, statsParams...),
		Response: "FeatureCollection"},
	{Method: "GET", Path: "/api/v1/stats/points", Summary: "Record locations (never of sensitive records), at most 20,000; below zoom 13, clusters of about 64 px with their counts", Tag: "statistics",
		Access: "analyst or administrator (the user's territory)", Params: append([]apiParam{{Name: "bbox", In: "query", Type: "string"},
			{Name: "zoom", In: "query", Type: "integer", Description: "map zoom; below 13 the points come as clusters (properties.count)"}, precinctParam}, statsParams...),
		Response: "FeatureCollection"},
	{Method: "GET", Path: "/api/v1/stats/forecast", Summary: "Monthly forecast with 80 % and 95 % intervals from a seasonal model chosen by back-test, and an anomaly flag for the latest month",
		Tag: "statistics", Access: "signed in (the user's territory)", Params: append([]apiParam{{Name: "horizon", In: "query", Type: "integer", Description: "months ahead, 3–12 (default 12)"},
			precinctParam}, statsParams...), Response: "Forecast"},
	{Method: "GET", Path: "/api/v1/stats/official", Summary: "The official aggregates published in the Concept, and the arithmetic checks they must pass (formulas in the request's language)", Tag: "statistics",
		Access: "public", Response: "Official"},
	{Method: "GET", Path: "/api/v1/stats/imports", Summary: "The offense import log", Tag: "statistics", Access: "national analyst or administrator",
		Params: withPage(), Response: "ImportLog"},
	{Method: "POST", Path: "/api/v1/stats/imports", Summary: "Import offense records (CSV, JSON Lines or XLSX): all or nothing unless skip_bad; 422 lists the rejected rows",
		Tag: "statistics", Access: "national analyst or administrator", BodyType: "text/csv, application/jsonl, application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
		Params: []apiParam{{Name: "format", In: "query", Type: "string", Enum: []string{"csv", "jsonl", "xlsx"}, Description: "default from the Content-Type"},
			{Name: "profile", In: "query", Type: "string", Description: "saved column profile"}, {Name: "skip_bad", In: "query", Type: "string", Enum: []string{"1"}},
			{Name: "name", In: "query", Type: "string", Description: "file name for the log"}}, Response: "OffenseImport"},
	{Method: "GET", Path: "/api/v1/stats/imports/jobs/{id}", Summary: "Progress of an import started from the upload page", Tag: "statistics",
		Access: "the user who started it, or an administrator", Params: []apiParam{idParam}, Response: "ImportJob"},
	{Method: "GET", Path: "/api/v1/stats/import-profiles", Summary: "Saved column profiles of offense imports", Tag: "statistics",
		Access: "national analyst or administrator", Response: "ImportProfiles"},
	{Method: "PUT", Path: "/api/v1/stats/import-profiles/{name}", Summary: "Save a column profile (how a register's columns and values map to record fields)", Tag: "statistics",
		Access: "national analyst or administrator", Params: []apiParam{{Name: "name", In: "path", Type: "string", Required: true}}, Body: "ImportProfile", Response: "ImportProfile"},
}

// precinctParam narrows a statistic to one precinct's records.
var precinctParam = apiParam{Name: "precinct", In: "query", Type: "string", Description: "precinct code: only the records of that precinct"}

var statsParams = []apiParam{
	{Name: "territory", In: "query", Type: "string", Description: "SOATE code within the user's territory (default: all of it)"},
	{Name: "category", In: "query", Type: "string", Description: "comma-separated category codes"},
	{Name: "source", In: "query", Type: "string", Enum: []string{"crimes", "offenses"}},
	{Name: "from", In: "query", Type: "string", Description: "YYYY, YYYY-MM or YYYY-MM-DD"},
	{Name: "to", In: "query", Type: "string", Description: "YYYY, YYYY-MM or YYYY-MM-DD, inclusive"},
}

func str() map[string]any            { return map[string]any{"type": "string"} }
func num() map[string]any            { return map[string]any{"type": "number"} }
func integer() map[string]any        { return map[string]any{"type": "integer"} }
func boolean() map[string]any        { return map[string]any{"type": "boolean"} }
func ref(name string) map[string]any { return map[string]any{"$ref": "#/components/schemas/" + name} }
func obj(props map[string]any, required ...string) map[string]any {
	o := map[string]any{"type": "object", "properties": props}
	if len(required) > 0 {
		o["required"] = required
	}
	return o
}
func listOf(item string) map[string]any {
	return obj(map[string]any{"items": map[string]any{"type": "array", "items": ref(item)}, "total": integer(), "limit": integer(), "offset": integer()})
}

var schemas = map[string]any{
	"Error": obj(map[string]any{"error": obj(map[string]any{"code": str(), "message": str(),
		"fields": map[string]any{"type": "object", "additionalProperties": str()}}, "code", "message")}, "error"),
	"Territory": obj(map[string]any{"code": str(), "slug": str(), "level": str(), "kind": str(), "parent_code": str(), "name_ky": str(), "name_ru": str(),
		"name_en": str(), "iso": str(), "lat": num(), "lon": num(), "source": str(), "population": integer(), "population_year": integer()}),
	"Population":      obj(map[string]any{"territory_code": str(), "year": integer(), "population": integer(), "kind": str(), "source": str()}),
	"TerritoryDetail": map[string]any{"allOf": []any{ref("Territory"), obj(map[string]any{"populations": map[string]any{"type": "array", "items": ref("Population")}})}},
	"TerritoryList":   listOf("Territory"),
	"FeatureCollection": obj(map[string]any{"type": str(), "features": map[string]any{"type": "array", "items": obj(map[string]any{
		"type": str(), "id": str(), "properties": map[string]any{"type": "object"}, "geometry": map[string]any{"type": "object"}})}}),
	"PrecinctInput": obj(map[string]any{"code": str(), "parent_code": str(), "name_ky": str(), "name_ru": str(), "name_en": str(), "lat": num(), "lon": num(),
		"boundary": map[string]any{"type": "object", "description": "optional GeoJSON Polygon or MultiPolygon (or a Feature holding one): closed rings, at most 10,000 points, within the Kyrgyz Republic"}},
		"code", "parent_code", "name_ky", "name_ru", "name_en"),
	"ImportIssue": obj(map[string]any{"row": integer(), "column": str(), "reason": str(), "value": str()}),
	"ImportResult": obj(map[string]any{"kind": str(), "report": obj(map[string]any{"matched": integer(), "changed": integer(), "unchanged": integer(),
		"unmatched": map[string]any{"type": "array", "items": ref("ImportIssue")}}), "rejected": map[string]any{"type": "array", "items": ref("ImportIssue")}}),
	"Body": obj(map[string]any{"id": integer(), "territory_code": str(), "type": str(), "name_ky": str(), "name_ru": str(), "name_en": str(), "address": str(),
		"phone": str(), "email": str(), "website": str(), "contact_person": str(), "direct_phone": str(), "notes": str(),
		"created_at": map[string]any{"type": "string", "format": "date-time"}, "updated_at": map[string]any{"type": "string", "format": "date-time"}}),
	"BodyInput": obj(map[string]any{"territory_code": str(), "type": str(), "name_ky": str(), "name_ru": str(), "name_en": str(), "address": str(), "phone": str(),
		"email": str(), "website": str(), "contact_person": str(), "direct_phone": str(), "notes": str()}, "territory_code", "type", "name_ky", "name_ru", "name_en"),
	"BodyList": listOf("Body"),
	"User": obj(map[string]any{"id": integer(), "login": str(), "name": str(), "role": str(), "body_id": integer(), "lang": str(), "disabled": boolean(),
		"must_change_password": boolean(), "territory_code": str(), "one_time_password": str()}),
	"UserInput": obj(map[string]any{"login": str(), "name": str(), "role": str(), "body_id": integer(), "lang": str()}, "login", "name", "role", "body_id"),
	"UserPatch": obj(map[string]any{"name": str(), "role": str(), "body_id": integer(), "lang": str(), "disabled": boolean()}),
	"UserList":  listOf("User"),
	"AuditEntry": obj(map[string]any{"id": integer(), "at": map[string]any{"type": "string", "format": "date-time"}, "user_id": integer(), "actor": str(),
		"action": str(), "entity": str(), "entity_id": str(), "territory_code": str(), "before": map[string]any{}, "after": map[string]any{}}),
	"AuditList": listOf("AuditEntry"),
	"Counts": obj(map[string]any{"by": map[string]any{"type": "array", "items": str()}, "period_from": str(), "period_to": str(), "total": integer(), "solved": integer(), "synthetic": integer(),
		"rows": map[string]any{"type": "array", "items": obj(map[string]any{"category": str(), "category_name": str(), "territory_code": str(), "territory_name": str(),
			"source": str(), "year": integer(), "quarter": integer(), "month": integer(), "count": integer(), "solved": integer(), "synthetic": integer(),
			"share": num(), "solved_share": num(), "yoy_change": num(), "rate_per_100k": num(), "population_years": map[string]any{"type": "array", "items": integer()},
			"population_citations": map[string]any{"type": "array", "items": str()}})}}),
	"TimeProfile": obj(map[string]any{"grid": map[string]any{"type": "array", "items": map[string]any{"type": "array", "items": integer()}},
		"unknown_hour": integer(), "total": integer()}),
	"Forecast": obj(map[string]any{"territory_code": str(), "category": str(), "model": str(), "anomaly": boolean(),
		"history": map[string]any{"type": "array", "items": obj(map[string]any{"month": str(), "count": integer()})},
		"months":  map[string]any{"type": "array", "items": ref("ForecastMonth")}, "latest": ref("ForecastMonth"),
		"back_tests": map[string]any{"type": "array", "items": obj(map[string]any{"model": str(), "mae": num(), "mase": num(), "naive_mae": num(), "origins": integer()})}}),
	"ForecastMonth": obj(map[string]any{"month": str(), "mean": num(), "lo80": num(), "hi80": num(), "lo95": num(), "hi95": num(), "actual": num()}),
	"Official": obj(map[string]any{"figures": map[string]any{"type": "array", "items": obj(map[string]any{"key": str(), "indicator_en": str(), "indicator_ky": str(),
		"territory": str(), "year": str(), "value": num(), "unit": str(), "source_en": str(), "section": str(), "value_as_stated": str()})},
		"checks": map[string]any{"type": "array", "items": obj(map[string]any{"id": str(), "formula": str(), "stated": str(), "value": num(), "display": str(), "ok": boolean()})}}),
	"ImportLog": listOf("ImportLogEntry"),
	"ImportLogEntry": obj(map[string]any{"id": integer(), "started_at": str(), "finished_at": str(), "actor": str(), "file_name": str(), "sha256": str(), "format": str(),
		"rows_read": integer(), "accepted": integer(), "rejected": integer(), "duplicates": integer(), "existing": integer(), "inserted": integer(),
		"status": str(), "error": str(), "synthetic": boolean()}),
	"OffenseImport": obj(map[string]any{"import_id": integer(), "file_name": str(), "sha256": str(), "bytes": integer(), "charset": str(), "rows": integer(), "accepted": integer(), "rejected": integer(),
		"duplicates": integer(), "errors": map[string]any{"type": "array", "items": ref("ImportIssue")}, "errors_omitted": integer(), "inserted": integer(), "existing": integer(), "committed": boolean()}),
	"ImportProfiles": map[string]any{"type": "array", "items": ref("ImportProfile")},
	"ImportProfile": obj(map[string]any{"name": str(), "source": str(), "columns": map[string]any{"type": "object", "additionalProperties": str()},
		"date_formats": map[string]any{"type": "array", "items": str()}, "decimal": str(),
		"categories": map[string]any{"type": "object", "additionalProperties": str()}, "articles": map[string]any{"type": "object", "additionalProperties": str()},
		"place_types": map[string]any{"type": "object", "additionalProperties": str()}}),
	"ImportJob": obj(map[string]any{"id": integer(), "file": str(), "state": str(), "done": integer(), "total": integer(), "rows": integer(), "message": str(),
		"report": ref("OffenseImport")}),
}

var (
	openAPIOnce sync.Once
	openAPIDoc  map[string]any
)

// OpenAPI returns the document.
func OpenAPI() map[string]any {
	openAPIOnce.Do(func() {
		paths := map[string]any{}
		for _, op := range apiOps {
			item, _ := paths[op.Path].(map[string]any)
			if item == nil {
				item = map[string]any{}
				paths[op.Path] = item
			}
			var params []any
			for _, p := range op.Params {
				schema := map[string]any{"type": p.Type}
				if len(p.Enum) > 0 {
					schema["enum"] = p.Enum
				}
				params = append(params, map[string]any{"name": p.Name, "in": p.In, "required": p.Required || p.In == "path", "description": p.Description, "schema": schema})
			}
			params = append(params, map[string]any{"name": "Accept-Language", "in": "header", "schema": map[string]any{"type": "string"},
				"description": "ky, ru or en: the language of error messages"})
			status := op.Status
			if status == "" {
				status = "200"
			}
			resp := map[string]any{"description": "OK"}
			if op.Response != "" && op.Response != "object" {
				mt := "application/json"
				if op.Response == "FeatureCollection" {
					mt = "application/geo+json"
				}
				resp["content"] = map[string]any{mt: map[string]any{"schema": ref(op.Response)}}
			}
			errResp := func(d string) map[string]any {
				return map[string]any{"description": d, "content": map[string]any{"application/json": map[string]any{"schema": ref("Error")}}}
			}
			o := map[string]any{
				"summary": op.Summary, "tags": []string{op.Tag}, "description": "Access: " + op.Access + ".",
				"operationId": strings.ToLower(op.Method) + strings.NewReplacer("/api/v1/", "", "/", "_", "{", "", "}", "", ".", "_").Replace(op.Path),
				"parameters":  params,
				"responses": map[string]any{status: resp, "400": errResp("Invalid input"), "401": errResp("Not signed in or bad token"),
					"403": errResp("Forbidden"), "404": errResp("Not found"), "413": errResp("Request too large")},
			}
			if op.Body != "" {
				o["requestBody"] = map[string]any{"required": true, "content": map[string]any{"application/json": map[string]any{"schema": ref(op.Body)}}}
			}
			if op.BodyType != "" {
				content := map[string]any{}
				for _, mt := range strings.Split(op.BodyType, ", ") {
					content[mt] = map[string]any{"schema": map[string]any{"type": "string", "format": "binary"}}
				}
				o["requestBody"] = map[string]any{"required": true, "content": content}
			}
			item[strings.ToLower(op.Method)] = o
		}
		openAPIDoc = map[string]any{
			"openapi": "3.0.3",
			"info": map[string]any{"title": "Aldyn API", "version": "1",
				"description": "Offense-prevention platform of the Kyrgyz Republic. Authenticate machines with `Authorization: Bearer <token>` (see `aldyn user token`). Lists are paginated with limit/offset and return {items,total,limit,offset}. Errors are {\"error\":{\"code\",\"message\",\"fields\"}} in the language of Accept-Language."},
			"paths": paths,
			"components": map[string]any{"schemas": schemas,
				"securitySchemes": map[string]any{"bearer": map[string]any{"type": "http", "scheme": "bearer"}, "session": map[string]any{"type": "apiKey", "in": "cookie", "name": "aldyn_session"}}},
			"security": []any{map[string]any{}, map[string]any{"bearer": []any{}}, map[string]any{"session": []any{}}},
		}
	})
	return openAPIDoc
}

func (s *Server) apiOpenAPI(w http.ResponseWriter, r *http.Request) error {
	return writeJSON(w, http.StatusOK, OpenAPI())
}
