package web

// OpenAPI operations and schemas of report-back meetings of precinct
// inspectors.

func init() {
	dateTime := map[string]any{"type": "string", "format": "date-time"}
	status := map[string]any{"type": "string", "enum": []string{"scheduled", "held", "not_held"}}
	role := map[string]any{"type": "string", "enum": []string{"precinct_inspector", "juvenile_inspector"}}
	params := withPage(
		apiParam{Name: "territory", In: "query", Type: "string", Description: "territory code: meetings in its precincts"},
		apiParam{Name: "precinct", In: "query", Type: "string", Description: "precinct code"},
		apiParam{Name: "status", In: "query", Type: "string", Enum: []string{"scheduled", "held", "not_held"}},
		apiParam{Name: "from", In: "query", Type: "string", Description: "first day, YYYY-MM-DD"},
		apiParam{Name: "to", In: "query", Type: "string", Description: "last day, YYYY-MM-DD, inclusive"},
		apiParam{Name: "sort", In: "query", Type: "string", Enum: []string{"starts", "precinct", "status", "attendance", "id"}})
	apiOps = append(apiOps,
		apiOp{Method: "GET", Path: "/api/v1/report-back-meetings", Summary: "Report-back meetings of precinct and juvenile inspectors as the public sees them: date, place, inspector, precinct and, after the meeting, the outcome with issues and answers (phones, e-mails and personal numbers blanked)",
			Tag: "residents", Access: "public", Params: params, Response: "ReportBackMeetingList"},
		apiOp{Method: "GET", Path: "/api/v1/report-back-meetings/{id}", Summary: "One report-back meeting as the public sees it", Tag: "residents", Access: "public",
			Params: []apiParam{idParam}, Response: "ReportBackMeeting"},
		apiOp{Method: "POST", Path: "/api/v1/report-back-meetings", Summary: "Schedule a report-back meeting (or record one held); an issue with a category_id becomes a residents' report routed to the competent body",
			Tag: "residents", Access: "the police body's reporters for its precincts; coordinators and administrators covering the precinct", Body: "ReportBackMeetingInput",
			Response: "ReportBackMeetingRecord", Status: "201"},
		apiOp{Method: "PUT", Path: "/api/v1/report-back-meetings/{id}", Summary: "Change a meeting or record its outcome: scheduled → held (attendance required) or not_held (reason required); fields left out keep their values",
			Tag: "residents", Access: "the police body's reporters for its precincts; coordinators and administrators covering the precinct", Params: []apiParam{idParam},
			Body: "ReportBackMeetingInput", Response: "ReportBackMeetingRecord"},
		apiOp{Method: "GET", Path: "/api/v1/report-back-meetings/{id}/issues", Summary: "The issues raised at a meeting as staff typed them, with their moderation: the public reads an issue only once it is published, with the blanked words and personal-data shapes hidden",
			Tag: "residents", Access: "coordinators and administrators covering the precinct", Params: []apiParam{idParam}, Response: "ReportBackIssueList"},
		apiOp{Method: "PUT", Path: "/api/v1/report-back-meetings/{id}/issues/{issue}", Summary: "Moderate an issue: publish or withdraw it and set the words (names) blanked in its text and answer; audited",
			Tag: "residents", Access: "coordinators and administrators covering the precinct", Params: []apiParam{idParam, {Name: "issue", In: "path", Type: "integer", Required: true}},
			Body: "ReportBackIssueModeration", Response: "ReportBackIssueModeration"},
	)
	issue := obj(map[string]any{"text": str(), "answer": str()})
	schemas["ReportBackMeeting"] = obj(map[string]any{"id": integer(), "precinct_code": str(), "precinct": str(), "territory_code": str(), "territory": str(),
		"body": str(), "inspector_name": str(), "inspector_role": role, "starts_at": dateTime, "place": str(), "status": status,
		"not_held_reason": str(), "attendance": integer(), "issues": map[string]any{"type": "array", "items": issue}, "upcoming": boolean()})
	schemas["ReportBackMeetingList"] = listOf("ReportBackMeeting")
	inputIssue := obj(map[string]any{"id": integer(), "text": str(), "answer": str(), "category_id": integer(), "report_id": integer()}, "text")
	schemas["ReportBackIssue"] = obj(map[string]any{"id": integer(), "text": str(), "answer": str(), "category_id": integer(), "report_id": integer(),
		"published": boolean(), "redactions": map[string]any{"type": "array", "items": str()}})
	schemas["ReportBackIssueList"] = map[string]any{"type": "array", "items": ref("ReportBackIssue")}
	schemas["ReportBackIssueModeration"] = obj(map[string]any{"published": boolean(), "redactions": map[string]any{"type": "array", "items": map[string]any{"type": "string", "maxLength": 100}}})
	input := map[string]any{"precinct_code": str(), "body_id": integer(), "inspector_name": str(),
		"inspector_role": role, "starts_at": dateTime, "place": str(), "status": status, "not_held_reason": str(),
		"attendance": map[string]any{"type": "integer", "minimum": 0}, "issues": map[string]any{"type": "array", "items": inputIssue}}
	schemas["ReportBackMeetingInput"] = obj(input, "precinct_code", "body_id", "inspector_name", "inspector_role", "starts_at", "place")
	record := map[string]any{"id": integer(), "demo": boolean(), "created_at": dateTime, "updated_at": dateTime}
	for k, v := range input {
		record[k] = v
	}
	record["issues"] = map[string]any{"type": "array", "items": ref("ReportBackIssue")}
	schemas["ReportBackMeetingRecord"] = obj(record)
}
