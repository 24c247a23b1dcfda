package web

// OpenAPI operations and schemas of coordination meetings, decisions,
// questions and plan risk registers.

func init() {
	date := map[string]any{"type": "string", "format": "date"}
	dateTime := map[string]any{"type": "string", "format": "date-time"}
	text := ref("Text")
	ids := map[string]any{"type": "array", "items": integer()}
	apiOps = append(apiOps,
		apiOp{Method: "GET", Path: "/api/v1/meetings", Summary: "Meetings of coordination bodies in the caller's territory, newest first", Tag: "meetings",
			Access: "signed in", Params: withPage(apiParam{Name: "body", In: "query", Type: "integer", Description: "id of the coordination body"},
				apiParam{Name: "from", In: "query", Type: "string", Description: "first day, YYYY-MM-DD"},
				apiParam{Name: "to", In: "query", Type: "string", Description: "last day, YYYY-MM-DD, inclusive"},
				apiParam{Name: "status", In: "query", Type: "string", Enum: []string{"planned", "held"}}), Response: "MeetingList"},
		apiOp{Method: "POST", Path: "/api/v1/meetings", Summary: "Create a meeting of a coordination body", Tag: "meetings",
			Access: "coordinator or administrator (body's territory in scope)", Body: "MeetingInput", Response: "Meeting", Status: "201"},
		apiOp{Method: "GET", Path: "/api/v1/meetings/{id}", Summary: "One meeting with its decisions", Tag: "meetings", Access: "signed in (territory in scope)",
			Params: []apiParam{idParam}, Response: "Meeting"},
		apiOp{Method: "PUT", Path: "/api/v1/meetings/{id}", Summary: "Replace a meeting's fields; a held meeting stays held", Tag: "meetings",
			Access: "coordinator or administrator (territory in scope)", Params: []apiParam{idParam}, Body: "MeetingInput", Response: "Meeting"},
		apiOp{Method: "POST", Path: "/api/v1/meetings/{id}/decisions", Summary: "Add a decision, optionally a task with a responsible body and deadline",
			Tag: "meetings", Access: "coordinator or administrator (territory in scope)", Params: []apiParam{idParam}, Body: "DecisionInput", Response: "Decision", Status: "201"},
		apiOp{Method: "PUT", Path: "/api/v1/decisions/{id}", Summary: "Change a decision; fields left out keep their values. The responsible body (reporter or coordinator) sends only status open→done and progress",
			Tag: "meetings", Access: "coordinator of the meeting's territory, or the responsible body", Params: []apiParam{idParam}, Body: "DecisionInput", Response: "Decision"},
		apiOp{Method: "GET", Path: "/api/v1/questions", Summary: "Reports and questions sent up by commissions, received (box=in) or sent (box=out) by bodies in the caller's territory",
			Tag: "meetings", Access: "signed in", Params: withPage(apiParam{Name: "box", In: "query", Type: "string", Enum: []string{"in", "out"}},
				apiParam{Name: "answered", In: "query", Type: "boolean"}), Response: "QuestionList"},
		apiOp{Method: "POST", Path: "/api/v1/questions", Summary: "Send a report or question from a commission to the coordination body above it",
			Tag: "meetings", Access: "coordinator or administrator of the sending commission", Body: "QuestionInput", Response: "Question", Status: "201"},
		apiOp{Method: "POST", Path: "/api/v1/questions/{id}/answer", Summary: "Answer a question, once", Tag: "meetings",
			Access: "coordinator or administrator of the receiving body", Params: []apiParam{idParam}, Body: "AnswerInput", Response: "Question"},
		apiOp{Method: "GET", Path: "/api/v1/plans/{id}/risks", Summary: "A plan's risk register, pre-filled with the Concept's §8 risks on first access", Tag: "risks",
			Access: "signed in (plan's territory in scope, or above the caller's)", Params: []apiParam{idParam}, Response: "RiskList"},
		apiOp{Method: "POST", Path: "/api/v1/plans/{id}/risks", Summary: "Add a risk to a plan's register", Tag: "risks", Access: "coordinator managing the plan",
			Params: []apiParam{idParam}, Body: "RiskInput", Response: "Risk", Status: "201"},
		apiOp{Method: "PUT", Path: "/api/v1/risks/{id}", Summary: "Replace a risk's fields", Tag: "risks", Access: "coordinator managing the plan",
			Params: []apiParam{idParam}, Body: "RiskInput", Response: "Risk"},
	)
	if _, ok := schemas["Text"]; !ok {
		schemas["Text"] = obj(map[string]any{"ky": str(), "ru": str(), "en": str()})
	}
	schemas["Decision"] = obj(map[string]any{"id": integer(), "meeting_id": integer(), "text": str(), "responsible_body_id": integer(), "deadline": date,
		"status": map[string]any{"type": "string", "enum": []string{"open", "done", "cancelled"}}, "progress": str(), "overdue": boolean(),
		"meeting_body_id": integer(), "meeting_date": dateTime, "created_at": dateTime, "updated_at": dateTime})
	schemas["DecisionInput"] = obj(map[string]any{"text": str(), "responsible_body_id": integer(), "deadline": date,
		"status": map[string]any{"type": "string", "enum": []string{"open", "done", "cancelled"}}, "progress": str()})
	schemas["Meeting"] = obj(map[string]any{"id": integer(), "body_id": integer(), "date": dateTime, "agenda": text, "minutes": str(),
		"status": map[string]any{"type": "string", "enum": []string{"planned", "held"}}, "participants": ids, "territory_code": str(),
		"decisions": map[string]any{"type": "array", "items": ref("Decision")}, "created_at": dateTime, "updated_at": dateTime})
	schemas["MeetingInput"] = obj(map[string]any{"body_id": integer(), "date": date, "agenda": text, "minutes": str(),
		"status": map[string]any{"type": "string", "enum": []string{"planned", "held"}}, "participants": ids}, "body_id", "date", "agenda")
	schemas["MeetingList"] = listOf("Meeting")
	schemas["Question"] = obj(map[string]any{"id": integer(), "kind": map[string]any{"type": "string", "enum": []string{"question", "report"}},
		"from_body_id": integer(), "to_body_id": integer(), "subject": str(), "text": str(), "answer": str(), "answered_at": dateTime, "created_at": dateTime})
	schemas["QuestionInput"] = obj(map[string]any{"kind": map[string]any{"type": "string", "enum": []string{"question", "report"}},
		"from_body_id": integer(), "to_body_id": integer(), "subject": str(), "text": str()}, "from_body_id", "to_body_id", "subject", "text")
	schemas["QuestionList"] = listOf("Question")
	schemas["AnswerInput"] = obj(map[string]any{"answer": str()}, "answer")
	schemas["Risk"] = obj(map[string]any{"id": integer(), "plan_id": integer(), "concept_n": integer(), "text": text, "mitigation": text,
		"owner_body_id": integer(), "likelihood": integer(), "impact": integer(), "score": integer(),
		"level":  map[string]any{"type": "string", "enum": []string{"low", "medium", "high"}},
		"status": map[string]any{"type": "string", "enum": []string{"open", "mitigated", "closed"}}, "created_at": dateTime, "updated_at": dateTime})
	schemas["RiskInput"] = obj(map[string]any{"text": text, "mitigation": text, "owner_body_id": integer(),
		"likelihood": map[string]any{"type": "integer", "minimum": 1, "maximum": 5}, "impact": map[string]any{"type": "integer", "minimum": 1, "maximum": 5},
		"status": map[string]any{"type": "string", "enum": []string{"open", "mitigated", "closed"}}}, "text", "likelihood", "impact")
	schemas["RiskList"] = obj(map[string]any{"plan_id": integer(), "items": map[string]any{"type": "array", "items": ref("Risk")}})
}
