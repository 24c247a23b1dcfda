package web

// OpenAPI operations and schemas of the residents' channel (staff side).

import "github.com/aldyn-kg/aldyn"

var publicReportParams = []apiParam{
	{Name: "category", In: "query", Type: "string", Description: "category code or id"},
	{Name: "territory", In: "query", Type: "string", Description: "territory code: reports in it or below"},
	{Name: "status", In: "query", Type: "string", Enum: []string{"received", "in_progress", "answered", "referred", "rejected"}},
	{Name: "from", In: "query", Type: "string", Description: "first day received, YYYY-MM-DD"},
	{Name: "to", In: "query", Type: "string", Description: "last day received, YYYY-MM-DD, inclusive"},
}

func init() {
	dateTime := map[string]any{"type": "string", "format": "date-time"}
	num := map[string]any{"type": "number"}
	date := map[string]any{"type": "string", "format": "date"}
	statuses := []string{"received", "in_progress", "answered", "referred", "rejected"}
	status := map[string]any{"type": "string", "enum": statuses}
	apiOps = append(apiOps,
		apiOp{Method: "GET", Path: "/api/v1/resident-categories", Summary: "Categories of residents' reports (active ones; all=1 for every one), with their competent body types and deadlines",
			Tag: "residents", Access: "public", Params: []apiParam{{Name: "all", In: "query", Type: "string", Enum: []string{"1"}}}, Response: "ResidentCategoryList"},
		apiOp{Method: "POST", Path: "/api/v1/resident-categories", Summary: "Add a category of residents' reports", Tag: "residents",
			Access: "national administrator", Body: "ResidentCategoryInput", Response: "ResidentCategory", Status: "201"},
		apiOp{Method: "PUT", Path: "/api/v1/resident-categories/{id}", Summary: "Replace a category's fields (its code stays)", Tag: "residents",
			Access: "national administrator", Params: []apiParam{idParam}, Body: "ResidentCategoryInput", Response: "ResidentCategory"},
		apiOp{Method: "GET", Path: "/api/v1/resident-reports", Summary: "Residents' reports the caller handles (a reporter: its body's) or covers, newest first; merged duplicates left out",
			Tag: "residents", Access: "signed in", Params: withPage(apiParam{Name: "status", In: "query", Type: "string", Enum: statuses},
				apiParam{Name: "category", In: "query", Type: "integer", Description: "category id"},
				apiParam{Name: "overdue", In: "query", Type: "string", Enum: []string{"1"}},
				apiParam{Name: "open", In: "query", Type: "string", Enum: []string{"1"}},
				apiParam{Name: "q", In: "query", Type: "string", Description: "text in the description"}), Response: "ResidentReportList"},
		apiOp{Method: "GET", Path: "/api/v1/resident-reports/{id}", Summary: "One report with its internal notes (contact details and the exact point included)",
			Tag: "residents", Access: "signed in (the receiving body, or the territory in scope)", Params: []apiParam{idParam}, Response: "ResidentReportDetail"},
		apiOp{Method: "POST", Path: "/api/v1/resident-reports/{id}/transition", Summary: "Move a report on: received → in_progress → answered, referred or rejected; text is the public answer or the reason",
			Tag: "residents", Access: "the receiving body's users, coordinators and administrators covering it", Params: []apiParam{idParam},
			Body: "ResidentTransition", Response: "ResidentReport"},
		apiOp{Method: "GET", Path: "/api/v1/public-reports", Summary: "Moderated residents' reports as the public sees them: names, phones, e-mails and personal numbers hidden, points rounded",
			Tag: "residents", Access: "public", Params: withPage(publicReportParams...), Response: "PublicReportList"},
		apiOp{Method: "GET", Path: "/api/v1/public-reports/map", Summary: "The public map of moderated reports: their rounded points in the view aggregated into cells of about 40 px (GeoJSON)",
			Tag: "residents", Access: "public", Params: append(publicReportParams,
				apiParam{Name: "bbox", In: "query", Type: "string", Description: "west,south,east,north in degrees"},
				apiParam{Name: "zoom", In: "query", Type: "integer", Description: "web map zoom, 0–22"}), Response: "FeatureCollection"},
		apiOp{Method: "GET", Path: "/api/v1/stats/residents", Summary: "The residents' layer of the analysts' map: reports made in the view (unpublished ones included) in cells of about 40 px, at their exact pins; the category filter takes the offense categories with residents' counterparts (drugs, hooliganism, traffic) and ignores the others (GeoJSON)",
			Tag: "statistics", Access: "signed in (a reporter: its body's reports; others: their territory's)", Params: append([]apiParam{
				{Name: "bbox", In: "query", Type: "string", Description: "minLon,minLat,maxLon,maxLat (default the whole country)"},
				{Name: "zoom", In: "query", Type: "integer", Description: "web map zoom, 0–22 (default 6)"}, precinctParam}, statsParams...),
			Response: "FeatureCollection"},
	)
	schemas["PublicReport"] = obj(map[string]any{"id": integer(), "category": str(), "category_code": str(), "territory_code": str(), "territory": str(),
		"status": status, "status_name": str(), "body": str(), "description": str(), "answer": str(), "supporters": integer(), "lat": num, "lon": num,
		"created_at": dateTime, "answered_at": dateTime, "overdue": boolean(),
		"answers": map[string]any{"type": "array", "description": "answers to the category's list questions (free answers are never public)",
			"items": obj(map[string]any{"question": str(), "answer": str()}, "question", "answer")}})
	schemas["PublicReportList"] = listOf("PublicReport")
	if _, ok := schemas["Text"]; !ok {
		schemas["Text"] = obj(map[string]any{"ky": str(), "ru": str(), "en": str()})
	}
	attributes := map[string]any{"type": "array", "items": ref("CategoryAttribute")}
	schemas["ResidentCategory"] = obj(map[string]any{"id": integer(), "code": str(), "name": ref("Text"), "description": ref("Text"),
		"body_types": map[string]any{"type": "array", "items": str()}, "deadline_days": integer(), "public": boolean(), "sensitive": boolean(),
		"active": boolean(), "position": integer(), "attributes": attributes, "created_at": dateTime, "updated_at": dateTime})
	schemas["ResidentCategoryInput"] = obj(map[string]any{"code": str(), "name": ref("Text"), "description": ref("Text"),
		"body_types": map[string]any{"type": "array", "items": str()}, "deadline_days": integer(), "public": boolean(), "sensitive": boolean(),
		"active": boolean(), "position": integer(), "attributes": attributes}, "code", "name")
	// A category's questions, as Open311 service definitions give them.
	schemas["CategoryAttribute"] = obj(map[string]any{"code": str(), "datatype": map[string]any{"type": "string", "enum": aldyn.AttributeDatatypes},
		"required": boolean(), "order": integer(), "description": ref("Text"), "datatype_description": ref("Text"),
		"values": map[string]any{"type": "array", "items": obj(map[string]any{"key": str(), "name": ref("Text")}, "key", "name"),
			"description": "the answers to choose, for singlevaluelist and multivaluelist only"}}, "code", "datatype", "description")
	schemas["ResidentCategoryList"] = obj(map[string]any{"items": map[string]any{"type": "array", "items": ref("ResidentCategory")}}, "items")
	schemas["ResidentReport"] = obj(map[string]any{"id": integer(), "category_id": integer(), "territory_code": str(), "settlement_id": integer(),
		"lat": num, "lon": num, "address": str(), "description": str(), "contact_name": str(), "contact_email": str(), "contact_phone": str(),
		"status": status, "body_id": integer(), "answer": str(), "reject_reason": str(), "duplicate_of": integer(), "supporters": integer(),
		"published": boolean(), "redactions": map[string]any{"type": "array", "items": str()}, "due_on": date, "escalated": boolean(),
		"source": map[string]any{"type": "string", "enum": []string{"web", "open311"}}, "demo": boolean(), "lang": str(),
		"created_at": dateTime, "updated_at": dateTime, "answered_at": dateTime, "media_count": integer(),
		"attributes": map[string]any{"type": "object", "description": "answers to the category's questions by code: one value, several for a multivaluelist",
			"additionalProperties": map[string]any{"type": "array", "items": str()}}})
	schemas["ResidentReportList"] = listOf("ResidentReport")
	schemas["ResidentNote"] = obj(map[string]any{"id": integer(), "report_id": integer(), "user_id": integer(), "author": str(), "text": str(), "created_at": dateTime})
	schemas["ResidentReportDetail"] = obj(map[string]any{"report": ref("ResidentReport"), "notes": map[string]any{"type": "array", "items": ref("ResidentNote")}})
	schemas["ResidentTransition"] = obj(map[string]any{"status": status, "text": str()}, "status")
}
