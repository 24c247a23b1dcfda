package web

// The plan API's operations and schemas in the OpenAPI document.

func init() {
	planID := apiParam{Name: "id", In: "path", Type: "integer", Required: true, Description: "plan version id"}
	const manage = "coordinator of the plan's territory (plan in scope); a draft"
	apiOps = append(apiOps,
		apiOp{Method: "GET", Path: "/api/v1/plans", Summary: "List plan versions: those of the user's territory when signed in, approved and closed ones for the public",
			Tag: "plans", Access: "public", Params: withPage(apiParam{Name: "q", In: "query", Type: "string", Description: "search in titles"},
				apiParam{Name: "kind", In: "query", Type: "string", Enum: []string{"national", "joint"}},
				apiParam{Name: "status", In: "query", Type: "string", Enum: []string{"draft", "approved", "superseded", "closed"}},
				apiParam{Name: "territory", In: "query", Type: "string", Description: "SOATE code of the plan's territory"}), Response: "PlanList"},
		apiOp{Method: "POST", Path: "/api/v1/plans", Summary: "Create the first version of a plan, a draft", Tag: "plans",
			Access: "coordinator (territory in scope)", Body: "PlanInput", Response: "Plan", Status: "201"},
		apiOp{Method: "GET", Path: "/api/v1/plans/{id}", Summary: "One plan version (the public reads approved and closed ones, without evidence notes)", Tag: "plans",
			Access: "public", Params: []apiParam{planID}, Response: "Plan"},
		apiOp{Method: "PUT", Path: "/api/v1/plans/{id}", Summary: "Replace a draft's fields; collected signatures are void", Tag: "plans",
			Access: manage, Params: []apiParam{planID}, Body: "PlanInput", Response: "Plan"},
		apiOp{Method: "POST", Path: "/api/v1/plans/{id}/sign", Summary: "Sign a draft for the caller's body, which must be a required signatory; 409 when already signed or not a draft",
			Tag: "plans", Access: "reporter or coordinator of a signatory body", Params: []apiParam{planID}, Response: "Plan"},
		apiOp{Method: "POST", Path: "/api/v1/plans/{id}/approve", Summary: "Approve a draft once every signatory signed; the version it amends becomes superseded; 409 otherwise",
			Tag: "plans", Access: manage, Params: []apiParam{planID}, Response: "Plan"},
		apiOp{Method: "POST", Path: "/api/v1/plans/{id}/amend", Summary: "Make a new draft version of an approved plan with copies of its measures and indicators; 409 otherwise",
			Tag: "plans", Access: "coordinator of the plan's territory; an approved plan", Params: []apiParam{planID}, Response: "Plan", Status: "201"},
		apiOp{Method: "POST", Path: "/api/v1/plans/{id}/close", Summary: "Close an approved plan; 409 otherwise", Tag: "plans",
			Access: "coordinator of the plan's territory; an approved plan", Params: []apiParam{planID}, Response: "Plan"},
		apiOp{Method: "GET", Path: "/api/v1/plans/{id}/measures", Summary: "The measures of a plan version", Tag: "plans", Access: "public (published plans) or the plan's staff",
			Params:   withPage(planID, apiParam{Name: "q", In: "query", Type: "string"}, apiParam{Name: "component", In: "query", Type: "string", Description: "Concept component code, e.g. 4.3"}),
			Response: "MeasureList"},
		apiOp{Method: "POST", Path: "/api/v1/plans/{id}/measures", Summary: "Add a measure to a draft", Tag: "plans", Access: manage, Params: []apiParam{planID},
			Body: "MeasureInput", Response: "Measure", Status: "201"},
		apiOp{Method: "GET", Path: "/api/v1/measures/{id}", Summary: "One measure", Tag: "plans", Access: "public (published plans) or the plan's staff",
			Params: []apiParam{idParam}, Response: "Measure"},
		apiOp{Method: "PUT", Path: "/api/v1/measures/{id}", Summary: "Replace a measure of a draft", Tag: "plans", Access: manage, Params: []apiParam{idParam},
			Body: "MeasureInput", Response: "Measure"},
		apiOp{Method: "DELETE", Path: "/api/v1/measures/{id}", Summary: "Delete a measure of a draft", Tag: "plans", Access: manage, Params: []apiParam{idParam}, Status: "204"},
		apiOp{Method: "GET", Path: "/api/v1/indicators", Summary: "Indicators of the plans of the user's territory, or of one plan the caller reads (required for the public)",
			Tag: "plans", Access: "public (with plan) or signed in", Params: withPage(apiParam{Name: "plan", In: "query", Type: "integer", Description: "plan version id"},
				apiParam{Name: "territory", In: "query", Type: "string", Description: "only plans of this territory and those below it"},
				apiParam{Name: "q", In: "query", Type: "string"}), Response: "IndicatorList"},
		apiOp{Method: "POST", Path: "/api/v1/plans/{id}/indicators", Summary: "Add an indicator to a draft", Tag: "plans", Access: manage, Params: []apiParam{planID},
			Body: "IndicatorInput", Response: "Indicator", Status: "201"},
		apiOp{Method: "GET", Path: "/api/v1/indicators/{id}", Summary: "One indicator with its targets", Tag: "plans", Access: "public (published plans) or the plan's staff",
			Params: []apiParam{idParam}, Response: "Indicator"},
		apiOp{Method: "PUT", Path: "/api/v1/indicators/{id}", Summary: "Replace an indicator of a draft", Tag: "plans", Access: manage, Params: []apiParam{idParam},
			Body: "IndicatorInput", Response: "Indicator"},
	)
	text := func() map[string]any { return obj(map[string]any{"ky": str(), "ru": str(), "en": str()}) }
	ids := func() map[string]any { return map[string]any{"type": "array", "items": integer()} }
	arr := func(item map[string]any) map[string]any { return map[string]any{"type": "array", "items": item} }
	dt := func() map[string]any { return map[string]any{"type": "string", "format": "date-time"} }
	date := func() map[string]any { return map[string]any{"type": "string", "format": "date"} }
	evidence := obj(map[string]any{"kind": map[string]any{"type": "string", "enum": []string{"statistics", "survey", "focus_group", "other"}}, "note": str()}, "kind", "note")
	budget := obj(map[string]any{"source": map[string]any{"type": "string", "enum": []string{"republican", "local", "partners", "other"}}, "funder": str(), "amount_kgs": integer()},
		"source", "amount_kgs")
	target := obj(map[string]any{"year": integer(), "value": num()}, "year", "value")
	schemas["Plan"] = obj(map[string]any{"id": integer(), "kind": str(), "title": text(), "territory_code": str(), "owner_body_id": integer(),
		"start_year": integer(), "end_year": integer(), "status": str(), "version": integer(), "parent_id": integer(), "evidence": arr(evidence),
		"required_signatures": ids(), "signatures": arr(obj(map[string]any{"body_id": integer(), "user_id": integer(), "at": dt()})),
		"created_at": dt(), "updated_at": dt()})
	schemas["PlanList"] = listOf("Plan")
	schemas["PlanInput"] = obj(map[string]any{"kind": map[string]any{"type": "string", "enum": []string{"national", "joint"}}, "title": text(),
		"territory_code": str(), "owner_body_id": integer(), "start_year": integer(), "end_year": integer(), "required_signatures": ids(), "evidence": arr(evidence)},
		"kind", "title", "territory_code", "owner_body_id", "start_year", "end_year")
	measure := map[string]any{"code": str(), "component_code": str(), "task_code": str(), "title": text(), "description": text(), "expected_result": text(),
		"responsible_body_id": integer(), "co_executor_ids": ids(), "start": date(), "due": date(), "budget": arr(budget), "indicator_ids": ids(), "cancelled": boolean()}
	schemas["MeasureInput"] = obj(measure, "code", "title", "responsible_body_id", "start", "due")
	full := map[string]any{"id": integer(), "plan_id": integer(), "created_at": dt(), "updated_at": dt()}
	for k, v := range measure {
		full[k] = v
	}
	full["start"], full["due"] = dt(), dt()
	schemas["Measure"] = obj(full)
	schemas["MeasureList"] = listOf("Measure")
	indicator := map[string]any{"code": str(), "name": text(), "unit": str(), "higher_is_better": boolean(),
		"kind": map[string]any{"type": "string", "enum": []string{"number", "percent", "rate_per_100k"}}, "numerator": str(), "denominator": str(),
		"source": map[string]any{"type": "string", "enum": []string{"manual", "offenses", "data_sets", "survey", "residents"}}, "offense_category": str(),
		"disaggregation": map[string]any{"type": "string", "enum": []string{"none", "territory"}}, "verification": text(),
		"frequency": map[string]any{"type": "string", "enum": []string{"monthly", "quarterly", "annual"}}, "baseline_value": num(), "baseline_year": integer(),
		"targets": arr(target)}
	schemas["IndicatorInput"] = obj(indicator, "code", "name", "kind", "source", "verification", "frequency", "baseline_value", "baseline_year", "targets")
	fullInd := map[string]any{"id": integer(), "plan_id": integer(), "created_at": dt(), "updated_at": dt()}
	for k, v := range indicator {
		fullInd[k] = v
	}
	schemas["Indicator"] = obj(fullInd)
	schemas["IndicatorList"] = listOf("Indicator")
}
