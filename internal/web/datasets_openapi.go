package web

// OpenAPI operations and schemas of reported figures: data elements, data
// sets, validation rules and the forms bodies submit.

func init() {
	dateTime := map[string]any{"type": "string", "format": "date-time"}
	text := ref("Text")
	enum := func(vs ...string) map[string]any { return map[string]any{"type": "string", "enum": vs} }
	formParams := []apiParam{
		{Name: "code", In: "path", Type: "string", Required: true, Description: "data set code, e.g. protection_orders"},
		{Name: "body", In: "path", Type: "integer", Required: true, Description: "id of the reporting body"},
		{Name: "period", In: "path", Type: "string", Required: true, Description: "period as DHIS2 writes it: 202503, 2025Q1, 2025S1, 2025"},
	}
	const formPath = "/api/v1/data-sets/{code}/forms/{body}/{period}"
	apiOps = append(apiOps,
		apiOp{Method: "GET", Path: "/api/v1/data-elements", Summary: "Data elements with their disaggregations (category combinations)", Tag: "data sets",
			Access: "public", Params: withPage(apiParam{Name: "q", In: "query", Type: "string", Description: "text in code or names"}), Response: "DataElementList"},
		apiOp{Method: "GET", Path: "/api/v1/data-sets", Summary: "Data sets with their elements, newest version of each unless all_versions=true", Tag: "data sets",
			Access: "public", Params: withPage(apiParam{Name: "code", In: "query", Type: "string"}, apiParam{Name: "all_versions", In: "query", Type: "boolean"}),
			Response: "DataSetList"},
		apiOp{Method: "GET", Path: "/api/v1/validation-rules", Summary: "Validation rules: expressions over element codes with a severity and a message", Tag: "data sets",
			Access: "public", Params: withPage(apiParam{Name: "data_set", In: "query", Type: "string", Description: "data set code"}), Response: "ValidationRuleList"},
		apiOp{Method: "GET", Path: formPath, Summary: "A body's form for a period: its values, status and the soft rules it breaks (an empty draft when not started)",
			Tag: "data sets", Access: "the body's users; coordinators, analysts and administrators whose territory covers it", Params: formParams, Response: "DataForm"},
		apiOp{Method: "PUT", Path: formPath, Summary: "Save the form as a draft; every bad cell is reported and nothing is saved", Tag: "data sets",
			Access: "reporter or coordinator of the body", Params: formParams, Body: "DataFormInput", Response: "DataForm"},
		apiOp{Method: "POST", Path: formPath + "/submit", Summary: "Save and submit the form; a hard rule broken refuses it (400 with the rule's message in the caller's language) and saves nothing",
			Tag: "data sets", Access: "reporter or coordinator of the body", Params: formParams, Body: "DataFormInput", Response: "DataForm"},
		apiOp{Method: "POST", Path: formPath + "/accept", Summary: "Accept a submitted form; its values join the analysis", Tag: "data sets",
			Access: "coordinator whose territory covers the body (not the submitter)", Params: formParams, Body: "DataFormDecision", Response: "DataForm"},
		apiOp{Method: "POST", Path: formPath + "/return", Summary: "Return a submitted form for correction with a comment", Tag: "data sets",
			Access: "coordinator whose territory covers the body (not the submitter)", Params: formParams, Body: "DataFormDecision", Response: "DataForm"},
		apiOp{Method: "GET", Path: "/api/v1/data-values", Tag: "data sets", Access: "public; sensitive data sets' values from 1 to the disclosure threshold are suppressed except for national users",
			Summary: "Accepted values rolled up the territory tree, as DHIS2's analytics answers: headers dx, co, ou, pe, value, suppressed, rate",
			Params: []apiParam{
				{Name: "element", In: "query", Type: "string", Required: true, Description: "element codes, comma-separated"},
				{Name: "disagg", In: "query", Type: "boolean", Description: "keep the disaggregation (co); otherwise totals"},
				{Name: "territory", In: "query", Type: "string", Description: "SOATE code; the country by default"},
				{Name: "level", In: "query", Type: "string", Enum: []string{"", "region", "district"}, Description: "rows for the territories of this level under territory; empty: the territory itself"},
				{Name: "period_type", In: "query", Type: "string", Enum: []string{"month", "quarter", "half_year", "year"}, Description: "combine periods into this type by each element's aggregation"},
				{Name: "period", In: "query", Type: "string", Description: "periods to keep, comma-separated (2025Q1,2025Q2)"},
				{Name: "from", In: "query", Type: "string", Description: "first period"},
				{Name: "to", In: "query", Type: "string", Description: "last period"},
				{Name: "rates", In: "query", Type: "boolean"},
			}, Response: "DataValues"},
		apiOp{Method: "POST", Path: "/api/v1/disaggregations", Summary: "Create a disaggregation (category combination) with options in three languages",
			Tag: "data sets", Access: "national administrator", Body: "DisaggregationInput", Response: "Disaggregation", Status: "201"},
		apiOp{Method: "PUT", Path: "/api/v1/disaggregations/{id}", Summary: "Replace a disaggregation; one used by an element of a data set in use, or with values, is refused (409): make a new one",
			Tag: "data sets", Access: "national administrator", Params: []apiParam{idParam}, Body: "DisaggregationInput", Response: "Disaggregation"},
		apiOp{Method: "POST", Path: "/api/v1/data-elements", Summary: "Create a data element", Tag: "data sets", Access: "national administrator",
			Body: "DataElementInput", Response: "DataElement", Status: "201"},
		apiOp{Method: "POST", Path: "/api/v1/data-sets", Summary: "Create a data set as draft version 1", Tag: "data sets", Access: "national administrator",
			Body: "DataSetInput", Response: "DataSet", Status: "201"},
		apiOp{Method: "PUT", Path: "/api/v1/data-sets/{id}", Summary: "Change a draft data set version; an active one changes only by a new version (409)",
			Tag: "data sets", Access: "national administrator", Params: []apiParam{idParam}, Body: "DataSetInput", Response: "DataSet"},
		apiOp{Method: "POST", Path: "/api/v1/data-sets/{id}/activate", Summary: "Make a draft version the one bodies report, retiring the previous one (its forms keep it)",
			Tag: "data sets", Access: "national administrator", Params: []apiParam{idParam}, Response: "DataSet"},
		apiOp{Method: "POST", Path: "/api/v1/data-sets/{id}/versions", Summary: "Copy the newest version of the data set into a new draft version",
			Tag: "data sets", Access: "national administrator", Params: []apiParam{idParam}, Response: "DataSet", Status: "201"},
		apiOp{Method: "POST", Path: "/api/v1/validation-rules", Summary: "Create a validation rule over the data set's element codes", Tag: "data sets",
			Access: "national administrator", Body: "ValidationRuleInput", Response: "ValidationRule", Status: "201"},
		apiOp{Method: "PUT", Path: "/api/v1/validation-rules/{id}", Summary: "Replace a validation rule; it applies to forms submitted from then on", Tag: "data sets",
			Access: "national administrator", Params: []apiParam{idParam}, Body: "ValidationRuleInput", Response: "ValidationRule"},
		apiOp{Method: "GET", Path: "/api/v1/concept/results", Tag: "data sets", Access: "public", Response: "ConceptResults",
			Summary: "The Concept's eight overall results with the indicators computed from Aldyn's data (baseline, latest, trend), the measures serving each of its tasks, and tasks_without_measures"},
	)
	if _, ok := schemas["Text"]; !ok {
		schemas["Text"] = obj(map[string]any{"ky": str(), "ru": str(), "en": str()})
	}
	option := obj(map[string]any{"code": str(), "name": text})
	category := obj(map[string]any{"code": str(), "name": text, "options": map[string]any{"type": "array", "items": option}})
	schemas["Disaggregation"] = obj(map[string]any{"id": integer(), "code": str(), "name": text,
		"categories": map[string]any{"type": "array", "items": category}, "created_at": dateTime, "updated_at": dateTime})
	schemas["DataElement"] = obj(map[string]any{"id": integer(), "code": str(), "name": text, "description": text,
		"value_type": enum("integer", "number", "percent", "boolean", "text"), "unit": text, "aggregation": enum("sum", "average", "last"),
		"disaggregation_id": integer(), "disaggregation": ref("Disaggregation"), "created_at": dateTime, "updated_at": dateTime})
	schemas["DataElementList"] = listOf("DataElement")
	schemas["DataSet"] = obj(map[string]any{"id": integer(), "code": str(), "version": integer(), "name": text, "description": text,
		"period_type": enum("month", "quarter", "half_year", "year"), "body_types": map[string]any{"type": "array", "items": str()},
		"level": enum("country", "region", "district", "city"), "open_days": integer(), "deadline_days": integer(), "close_days": integer(),
		"sensitive": boolean(), "status": enum("draft", "active", "retired"), "element_ids": map[string]any{"type": "array", "items": integer()},
		"elements": map[string]any{"type": "array", "items": ref("DataElement")}, "created_at": dateTime, "updated_at": dateTime})
	schemas["DataSetList"] = listOf("DataSet")
	schemas["ValidationRule"] = obj(map[string]any{"id": integer(), "data_set_code": str(), "code": str(), "expression": str(),
		"severity": enum("hard", "soft"), "message": text, "created_at": dateTime, "updated_at": dateTime})
	schemas["ValidationRuleList"] = listOf("ValidationRule")
	// What the design forms read (dataElementForm, dataSetForm,
	// validationRuleForm): ids, status and times are the server's.
	schemas["DisaggregationInput"] = obj(map[string]any{"code": str(), "name": text,
		"categories": map[string]any{"type": "array", "items": category}}, "code", "name", "categories")
	schemas["DataElementInput"] = obj(map[string]any{"code": str(), "name": text, "description": text,
		"value_type": enum("integer", "number", "percent", "boolean", "text"), "unit": text, "aggregation": enum("sum", "average", "last"),
		"disaggregation_id": integer()}, "code", "name", "value_type")
	schemas["DataSetInput"] = obj(map[string]any{"code": str(), "name": text, "description": text,
		"period_type": enum("month", "quarter", "half_year", "year"), "body_types": map[string]any{"type": "array", "items": str()},
		"level": enum("country", "region", "district", "city"), "open_days": integer(), "deadline_days": integer(), "close_days": integer(),
		"sensitive": boolean(), "element_ids": map[string]any{"type": "array", "items": integer()}}, "code", "name", "period_type", "body_types", "level", "element_ids")
	schemas["ValidationRuleInput"] = obj(map[string]any{"data_set_code": str(), "code": str(), "expression": str(),
		"severity": enum("hard", "soft"), "message": text}, "data_set_code", "code", "expression", "severity", "message")
	rule := obj(map[string]any{"code": str(), "expression": str(), "severity": enum("hard", "soft"), "message": text})
	value := obj(map[string]any{"element": str(), "combo": str(), "value": map[string]any{"type": "number"}, "text": str()})
	schemas["DataForm"] = obj(map[string]any{"id": integer(), "data_set_id": integer(), "data_set_code": str(), "data_set_version": integer(),
		"body_id": integer(), "period": str(), "status": enum("draft", "submitted", "returned", "accepted"),
		"values": map[string]any{"type": "array", "items": value}, "warnings": map[string]any{"type": "array", "items": rule},
		"comment": str(), "version": integer(), "revision": integer(), "started": boolean(), "late": boolean(), "deadline": dateTime,
		"territory_code": str(), "submitted_at": dateTime, "first_submitted_at": dateTime, "decided_at": dateTime, "created_at": dateTime, "updated_at": dateTime})
	cells := map[string]any{"type": "object", "additionalProperties": map[string]any{"type": "object", "additionalProperties": str()},
		"description": "element code → combination key (option codes joined by commas; \"\" for a total) → the cell's text"}
	schemas["DataFormInput"] = obj(map[string]any{"values": cells, "revision": integer()}, "values")
	header := obj(map[string]any{"name": str(), "column": str(), "valueType": str()})
	schemas["DataValues"] = obj(map[string]any{"headers": map[string]any{"type": "array", "items": header},
		"rows":   map[string]any{"type": "array", "items": map[string]any{"type": "array", "items": map[string]any{}}},
		"height": integer(), "width": integer(),
		"metaData": obj(map[string]any{"items": map[string]any{"type": "object", "additionalProperties": obj(map[string]any{"name": str()})}})})
	yearValue := obj(map[string]any{"year": integer(), "value": map[string]any{"type": "number"}})
	resultIndicator := obj(map[string]any{"code": str(), "name": text, "unit": text, "source": enum("data_sets", "plans", "offenses", "survey", "residents", "meetings"),
		"values": map[string]any{"type": "array", "items": yearValue}, "baseline": yearValue, "latest": yearValue, "trend": map[string]any{"type": "number"}})
	result := obj(map[string]any{"n": integer(), "title": text, "verification": text, "indicators": map[string]any{"type": "array", "items": resultIndicator}})
	task := obj(map[string]any{"code": str(), "component": str(), "title": text, "measures": integer(), "cancelled": integer(), "plans": integer(), "budget_kgs": integer()})
	schemas["ConceptResults"] = obj(map[string]any{"results": map[string]any{"type": "array", "items": result},
		"tasks": map[string]any{"type": "array", "items": task}, "tasks_without_measures": map[string]any{"type": "array", "items": str()}})
	schemas["DataFormDecision"] = obj(map[string]any{"comment": str()})
}
