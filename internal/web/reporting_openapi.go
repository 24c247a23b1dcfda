package web

// The reporting module's part of the OpenAPI document.

func init() {
	cycleParam := apiParam{Name: "cycle", In: "query", Type: "integer", Description: "a reporting cycle of the plan (default: the latest begun)"}
	apiOps = append(apiOps,
		apiOp{Method: "GET", Path: "/api/v1/plans/{id}/cycles", Summary: "The reporting cycles of a plan, latest first", Tag: "reporting",
			Access: "signed in", Params: []apiParam{idParam}, Response: "CycleList"},
		apiOp{Method: "POST", Path: "/api/v1/plans/{id}/cycles", Summary: "Open a reporting cycle of an approved plan; the bodies responsible for its measures are notified",
			Tag: "reporting", Access: "coordinator (plan's territory in scope)", Params: []apiParam{idParam}, Body: "CycleInput", Response: "Cycle", Status: "201"},
		apiOp{Method: "POST", Path: "/api/v1/cycles/{id}/close", Summary: "Close a reporting cycle: no more submissions", Tag: "reporting",
			Access: "coordinator (plan's territory in scope)", Params: []apiParam{idParam}, Response: "Cycle"},
		apiOp{Method: "GET", Path: "/api/v1/tasks", Summary: "Reports the user's body owes in open cycles (overdue first) and, for coordinators, submitted reports awaiting their review",
			Tag: "reporting", Access: "signed in", Response: "TaskList"},
		apiOp{Method: "POST", Path: "/api/v1/reports", Summary: "Start the draft report of a measure for a cycle", Tag: "reporting",
			Access: "reporter or coordinator of the measure's responsible body", Body: "ReportInput", Response: "Report", Status: "201"},
		apiOp{Method: "GET", Path: "/api/v1/reports/{id}", Summary: "A report with its files and its history of submissions and decisions", Tag: "reporting",
			Access: "the reporting body; coordinators, analysts and administrators of the plan's territory", Params: []apiParam{idParam}, Response: "Report"},
		apiOp{Method: "PUT", Path: "/api/v1/reports/{id}", Summary: "Replace the editable fields of a draft or returned report; give the revision read (409 when the report was saved since, 400 without one)", Tag: "reporting",
			Access: "reporter or coordinator of the responsible body", Params: []apiParam{idParam}, Body: "ReportInput", Response: "Report"},
		apiOp{Method: "POST", Path: "/api/v1/reports/{id}/submit", Summary: "Submit a draft or returned report (409 from any other state)", Tag: "reporting",
			Access: "reporter or coordinator of the responsible body", Params: []apiParam{idParam}, Response: "Report"},
		apiOp{Method: "POST", Path: "/api/v1/reports/{id}/accept", Summary: "Accept a submitted report; its indicator values become the observed values", Tag: "reporting",
			Access: "coordinator of the plan's territory, not the submitter", Params: []apiParam{idParam}, Body: "Decision", Response: "Report"},
		apiOp{Method: "POST", Path: "/api/v1/reports/{id}/return", Summary: "Return a submitted report to its body; the comment is required", Tag: "reporting",
			Access: "coordinator of the plan's territory, not the submitter", Params: []apiParam{idParam}, Body: "Decision", Response: "Report"},
		apiOp{Method: "POST", Path: "/api/v1/reports/{id}/evidence", Summary: "Attach evidence files (field \"files\"): PDF, PNG or JPEG by content, at most 10 MB each and 5 per report",
			Tag: "reporting", Access: "reporter or coordinator of the responsible body, while the report is editable", Params: []apiParam{idParam},
			BodyType: "multipart/form-data", Response: "EvidenceList", Status: "201"},
		apiOp{Method: "GET", Path: "/api/v1/plans/{id}/dashboard", Summary: "The monitoring dashboard: measures by status, budget planned and spent, indicator progress, breakdowns and the cycle's reporting",
			Tag: "reporting", Access: "signed in, plan's territory in scope", Params: []apiParam{idParam, cycleParam}, Response: "Dashboard"},
		apiOp{Method: "GET", Path: "/api/v1/plans/{id}/report", Summary: "The monitoring report of a plan and cycle as XLSX, PDF or DOCX", Tag: "reporting",
			Access: "signed in, plan's territory in scope", Params: []apiParam{idParam, cycleParam,
				{Name: "format", In: "query", Type: "string", Enum: []string{"xlsx", "pdf", "docx"}, Description: "default xlsx"},
				{Name: "lang", In: "query", Type: "string", Enum: []string{"ky", "ru", "en"}, Description: "default the request's language"}}},
	)
	dateTime := map[string]any{"type": "string", "format": "date-time"}
	arr := func(item map[string]any) map[string]any { return map[string]any{"type": "array", "items": item} }
	text := obj(map[string]any{"ky": str(), "ru": str(), "en": str()})
	budgetLine := obj(map[string]any{"source": str(), "funder": str(), "amount_kgs": integer()})
	value := obj(map[string]any{"indicator_id": integer(), "period": str(), "territory_code": str(), "value": num()})
	counts := obj(map[string]any{"total": integer(), "not_started": integer(), "on_track": integer(), "at_risk": integer(), "overdue": integer(),
		"done": integer(), "cancelled": integer(), "done_on_time": integer()})
	group := obj(map[string]any{"component_code": str(), "body_id": integer(), "measures": counts, "planned_kgs": integer(), "spent_kgs": integer()})
	bodyReporting := obj(map[string]any{"body_id": integer(), "expected": integer(), "submitted": integer(), "accepted": integer(), "returned": integer(),
		"on_time": integer(), "late": integer(), "missing": integer(), "pending": integer()})
	schemas["Cycle"] = obj(map[string]any{"id": integer(), "plan_id": integer(), "period": str(), "from": dateTime, "to": dateTime, "deadline": dateTime, "status": str()})
	schemas["CycleList"] = listOf("Cycle")
	schemas["CycleInput"] = obj(map[string]any{"period": str(), "from": map[string]any{"type": "string", "format": "date"},
		"to": map[string]any{"type": "string", "format": "date"}, "deadline": map[string]any{"type": "string", "description": "YYYY-MM-DD (the end of that day, Bishkek time) or RFC 3339"}},
		"period", "from", "to", "deadline")
	schemas["Task"] = obj(map[string]any{"kind": str(), "cycle_id": integer(), "period": str(), "deadline": dateTime, "plan_id": integer(), "plan_title": text,
		"measure_id": integer(), "measure_code": str(), "measure_title": text, "body_id": integer(), "report_id": integer(),
		"status": map[string]any{"type": "string", "enum": []string{"not_started", "draft", "submitted", "returned", "accepted"}}, "comment": str(), "overdue": boolean()})
	schemas["TaskList"] = obj(map[string]any{"items": arr(ref("Task")), "total": integer()})
	schemas["ReportInput"] = obj(map[string]any{"cycle_id": integer(), "measure_id": integer(), "progress": integer(), "narrative": str(),
		"evidence": arr(str()), "spent": arr(budgetLine), "values": arr(value), "revision": integer()})
	schemas["Decision"] = obj(map[string]any{"comment": str()})
	schemas["Evidence"] = obj(map[string]any{"id": integer(), "report_id": integer(), "file_name": str(), "content_type": str(), "size": integer(),
		"sha256": str(), "user_id": integer(), "created_at": dateTime})
	schemas["EvidenceList"] = obj(map[string]any{"items": arr(ref("Evidence"))})
	schemas["Report"] = obj(map[string]any{"id": integer(), "cycle_id": integer(), "measure_id": integer(), "body_id": integer(), "status": str(),
		"progress": integer(), "narrative": str(), "evidence": arr(str()), "spent": arr(budgetLine), "values": arr(value), "comment": str(),
		"version": integer(), "revision": integer(), "submitted_by": integer(), "submitted_at": dateTime, "first_submitted_at": dateTime, "decided_by": integer(),
		"decided_at": dateTime, "created_at": dateTime, "updated_at": dateTime, "files": arr(ref("Evidence")),
		"history": arr(obj(map[string]any{"version": integer(), "status": str(), "by": str(), "at": dateTime, "comment": str()}))})
	schemas["Dashboard"] = obj(map[string]any{"plan_id": integer(), "at": dateTime, "measures": counts,
		"shares": obj(map[string]any{"not_started": num(), "on_track": num(), "at_risk": num(), "overdue": num(), "done": num(), "cancelled": num(), "done_on_time": num()}),
		"budget": obj(map[string]any{"sources": arr(obj(map[string]any{"source": str(), "planned_kgs": integer(), "spent_kgs": integer()})),
			"planned_kgs": integer(), "spent_kgs": integer(), "spent_share": num()}),
		"components": arr(group), "bodies": arr(group),
		"indicators": arr(obj(map[string]any{"indicator_id": integer(), "code": str(), "name": text, "unit": str(), "higher_is_better": boolean(),
			"baseline_value": num(), "baseline_year": integer(), "target_value": num(), "target_year": integer(), "actual_value": num(),
			"actual_period": str(), "progress": num(), "expected": num(), "state": str()})),
		"indicator_counts": obj(map[string]any{"total": integer(), "on_track": integer(), "at_risk": integer(), "off_track": integer(), "no_data": integer()}),
		"cycle":            obj(map[string]any{"cycle_id": integer(), "period": str(), "deadline": dateTime, "totals": bodyReporting, "bodies": arr(bodyReporting)}),
		"body_names":       map[string]any{"type": "object", "additionalProperties": str()}})
}
