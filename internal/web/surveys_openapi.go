package web

// OpenAPI operations and schemas of surveys of residents, their responses
// and estimates, and the trust index.

func init() {
	dateTime := map[string]any{"type": "string", "format": "date-time"}
	nullable := func(m map[string]any) map[string]any { m["nullable"] = true; return m }
	xlsx := "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
	waveParam := apiParam{Name: "wave", In: "query", Type: "string", Description: "the survey round, e.g. 2026"}
	apiOps = append(apiOps,
		apiOp{Method: "GET", Path: "/api/v1/surveys", Summary: "Survey definitions: running ones for the public, all for staff", Tag: "surveys",
			Access: "public", Params: withPage(), Response: "SurveyList"},
		apiOp{Method: "POST", Path: "/api/v1/surveys/xlsform", Summary: "Create a draft survey from an XLSForm (survey, choices, settings sheets); every bad cell reported, nothing created",
			Tag: "surveys", Access: "coordinator, analyst or administrator (territory in scope)", BodyType: "multipart/form-data, " + xlsx,
			Params: []apiParam{{Name: "territory", In: "query", Type: "string", Description: "territory the survey covers (default the caller's)"},
				{Name: "slug", In: "query", Type: "string", Description: "address of the public form (default from form_id)"}}, Response: "Survey", Status: "201"},
		apiOp{Method: "GET", Path: "/api/v1/surveys/{id}", Summary: "One survey with its current version's questions", Tag: "surveys", Access: "public (running surveys)",
			Params: []apiParam{idParam}, Response: "Survey"},
		apiOp{Method: "GET", Path: "/api/v1/surveys/{id}/xlsform", Summary: "The survey as an XLSForm workbook (labels in ky, ru, en)", Tag: "surveys",
			Access: "public (running surveys)", Params: []apiParam{idParam}},
		apiOp{Method: "POST", Path: "/api/v1/surveys/{id}/status", Summary: "Start, close or reopen a survey; a survey that has run cannot go back to draft",
			Tag: "surveys", Access: "coordinator, analyst or administrator (survey's territory in scope)", Params: []apiParam{idParam}, Body: "SurveyStatusInput", Response: "Survey"},
		apiOp{Method: "GET", Path: "/api/v1/surveys/{id}/responses", Summary: "Responses of the caller's territory, newest first", Tag: "surveys",
			Access: "signed in (respondents' territory in scope)", Params: withPage(idParam, waveParam), Response: "SurveyResponseList"},
		apiOp{Method: "POST", Path: "/api/v1/surveys/{id}/responses", Summary: "Import responses from a KoboToolbox/ODK export (CSV or XLSX), all or nothing; a re-imported submission is skipped",
			Tag: "surveys", Access: "coordinator, analyst or administrator (respondents' territories in scope)", BodyType: "text/csv, " + xlsx + ", multipart/form-data",
			Params: []apiParam{idParam, waveParam, {Name: "format", In: "query", Type: "string", Enum: []string{"csv", "xlsx"}}}, Response: "SurveyImportResult"},
		apiOp{Method: "GET", Path: "/api/v1/surveys/{id}/estimates", Summary: "Weighted estimates (shares of each answer, or the mean) with 95 % intervals by linearization with the wave's design (stored raked weights and their margins); the actor's territory is a domain of the whole wave; fewer than 30 respondents withheld, a relative standard error above 30 % flagged unreliable. The trust index, victimization, scorecards and survey indicators publish these same estimates",
			Tag: "surveys", Access: "signed in (respondents' territory in scope)",
			Params: []apiParam{idParam, {Name: "question", In: "query", Type: "string", Required: true}, {Name: "by", In: "query", Type: "string", Description: "territory, or a single-choice question"}, waveParam,
				{Name: "yes", In: "query", Type: "string", Description: "answers of a choice question, comma-separated: one row per group, the share of these answers among all but dont_know (the trust index's share is trust_police with yes=rather_trust,fully_trust, ×100)"}},
			Response: "SurveyEstimates"},
		apiOp{Method: "POST", Path: "/api/v1/surveys/{id}/weighting", Summary: "Rake a wave's design weights to population margins (CSV: variable, category, population; variable territory or a single-choice question), trim at cap × the mean weight, store them for estimates; reports convergence, the weights' summary (min, max, design effect, effective sample size) and each margin cell's weighted against target share (cells). Refused with every bad row (row, column, reason): unknown column, variable or category, a negative or non-numeric population, margins whose totals differ by more than 0.5 %",
			Tag: "surveys", Access: "coordinator, analyst or administrator (survey's territory in scope)", BodyType: "text/csv, multipart/form-data",
			Params:   []apiParam{idParam, {Name: "wave", In: "query", Type: "string", Required: true}, {Name: "cap", In: "query", Type: "number", Description: "trim weights above cap × the mean weight (1–100; none when absent)"}},
			Response: "WeightingResult"},
		apiOp{Method: "GET", Path: "/api/v1/trust-index", Summary: "The trust index: share (0–100) who trust a body fully or rather, per body type, territory and wave, with intervals",
			Tag: "surveys", Access: "public",
			Params: []apiParam{{Name: "body_type", In: "query", Type: "string", Enum: []string{"police", "courts", "prosecutors", "local_government", "ayil_okmotu"}},
				{Name: "territory", In: "query", Type: "string"}, waveParam}, Response: "TrustIndex"},
		apiOp{Method: "GET", Path: "/api/v1/victimization", Summary: "Victimization prevalence and incidence per 100,000 by crime type, the reporting rate, and the dark figure against recorded offenses of the same categories, territory and year",
			Tag: "surveys", Access: "public",
			Params: []apiParam{{Name: "territory", In: "query", Type: "string", Description: "default the survey's territory"}, waveParam}, Response: "Victimization"},
		apiOp{Method: "GET", Path: "/api/v1/scorecards", Summary: "Police unit scorecards: per district, residents' trust and satisfaction (latest wave), share solved and change of registered offenses, share of residents' reports answered on time (with their count; flagged and left out of the score below 30 reports), the assessment by local self-government and the coordination commission (local_assessment: the mean of the year's unit ratings, with local_ratings; flagged local_few and left out of the score below the minimum ratings), each 0–100, combined with the published weights",
			Tag: "surveys", Access: "public", Params: []apiParam{waveParam}, Response: "Scorecards"},
	)
	if _, ok := schemas["Text"]; !ok {
		schemas["Text"] = obj(map[string]any{"ky": str(), "ru": str(), "en": str()})
	}
	text := ref("Text")
	schemas["SurveyChoice"] = obj(map[string]any{"name": str(), "label": text})
	schemas["SurveyQuestion"] = obj(map[string]any{"name": str(),
		"type":    map[string]any{"type": "string", "enum": []string{"select_one", "select_multiple", "likert", "integer", "decimal", "date", "text", "territory"}},
		"section": str(), "label": text, "hint": text, "required": boolean(), "relevant": str(), "list_name": str(),
		"choices": map[string]any{"type": "array", "items": ref("SurveyChoice")}})
	schemas["SurveySection"] = obj(map[string]any{"name": str(), "label": text, "relevant": str()})
	schemas["Survey"] = obj(map[string]any{"id": integer(), "slug": str(), "form_id": str(), "title": text,
		"status": map[string]any{"type": "string", "enum": []string{"draft", "running", "closed"}}, "one_per": map[string]any{"type": "string", "enum": []string{"invitation", "device", "none"}},
		"territory_code": str(), "version": integer(), "sections": map[string]any{"type": "array", "items": ref("SurveySection")},
		"questions": map[string]any{"type": "array", "items": ref("SurveyQuestion")}, "created_at": dateTime, "updated_at": dateTime})
	schemas["SurveyList"] = listOf("Survey")
	schemas["SurveyStatusInput"] = obj(map[string]any{"status": map[string]any{"type": "string", "enum": []string{"draft", "running", "closed"}}}, "status")
	schemas["SurveyResponse"] = obj(map[string]any{"id": integer(), "survey_id": integer(), "version": integer(), "wave": str(), "territory_code": str(),
		"answers": map[string]any{"type": "object", "additionalProperties": str()}, "weight": num(), "source": map[string]any{"type": "string", "enum": []string{"web", "interview", "import"}},
		"external_id": str(), "created_at": dateTime})
	schemas["SurveyResponseList"] = listOf("SurveyResponse")
	schemas["SurveyImportResult"] = obj(map[string]any{"added": integer(), "skipped": integer()})
	estimate := map[string]any{"group": str(), "choice": str(), "estimate": nullable(num()), "se": nullable(num()), "ci_low": nullable(num()), "ci_high": nullable(num()),
		"n": num(), "unweighted_n": integer(), "reliable": boolean()}
	schemas["SurveyEstimate"] = obj(estimate)
	schemas["SurveyEstimates"] = obj(map[string]any{"survey_id": integer(), "question": str(), "by": str(), "wave": str(),
		"items": map[string]any{"type": "array", "items": ref("SurveyEstimate")}})
	trust := map[string]any{"survey_id": integer(), "wave": str(), "territory_code": str(), "overall": boolean(), "body_type": str(),
		"value": nullable(num()), "se": nullable(num()), "ci_low": nullable(num()), "ci_high": nullable(num()), "n": num(), "unweighted_n": integer(), "reliable": boolean()}
	schemas["TrustIndexRow"] = obj(trust)
	schemas["Scorecards"] = obj(map[string]any{"survey_id": integer(), "wave": str(), "year": integer(), "good_from": num(), "fair_from": num(),
		"components": map[string]any{"type": "array", "items": obj(map[string]any{"key": str(), "weight": num()})},
		"items": map[string]any{"type": "array", "items": obj(map[string]any{"territory_code": str(), "name": str(), "respondents": integer(), "reports": integer(), "reports_few": boolean(),
			"report_back_held": integer(), "report_back_precincts": integer(), "report_back_per_precinct": nullable(num()),
			"local_ratings": integer(), "local_few": boolean(),
			"values": map[string]any{"type": "object", "additionalProperties": nullable(num())}, "score": nullable(num()),
			"grade": map[string]any{"type": "string", "enum": []string{"good", "fair", "weak", ""}}})}})
	summary := obj(map[string]any{"n": integer(), "sum": num(), "min": num(), "max": num(), "mean": num(), "design_effect": num(), "effective_n": num()})
	schemas["WeightingResult"] = obj(map[string]any{"iterations": integer(), "converged": boolean(), "deltas": map[string]any{"type": "array", "items": num()},
		"cap": num(), "trimmed": integer(), "before": summary, "after": summary})
	row := ref("SurveyEstimate")
	schemas["DarkFigure"] = obj(map[string]any{"crime": str(), "categories": map[string]any{"type": "array", "items": str()},
		"estimated": nullable(num()), "estimated_ci_low": nullable(num()), "estimated_ci_high": nullable(num()), "recorded": integer(),
		"ratio": nullable(num()), "ratio_ci_low": nullable(num()), "ratio_ci_high": nullable(num()), "reliable": boolean()})
	schemas["VictimizationResult"] = obj(map[string]any{"survey_id": integer(), "title": text, "wave": str(), "territory_code": str(), "year": integer(),
		"population": integer(), "reporting_rate": row,
		"crimes":       map[string]any{"type": "array", "items": obj(map[string]any{"crime": str(), "group": str(), "prevalence": row, "incidence_per_100k": row})},
		"dark_figures": map[string]any{"type": "array", "items": ref("DarkFigure")}})
	schemas["Victimization"] = obj(map[string]any{"caveat": str(), "items": map[string]any{"type": "array", "items": ref("VictimizationResult")}})
	schemas["TrustIndex"] = obj(map[string]any{"definition": str(), "items": map[string]any{"type": "array", "items": ref("TrustIndexRow")}})
}
