package web

import "github.com/aldyn-kg/aldyn"

// OpenAPI operation and schema of the published unit ratings.

func init() {
	apiOps = append(apiOps,
		apiOp{Method: "GET", Path: "/api/v1/unit-ratings", Summary: "The yearly ratings of district police departments by local self-government bodies and coordination commissions: per unit and year, the number of ratings, the mean (1–5) of each criterion and the assessment 0–100, flagged few below the minimum ratings; no comment, no rater",
			Tag: "surveys", Access: "public",
			Params: []apiParam{{Name: "year", In: "query", Type: "integer", Description: "every year when absent"},
				{Name: "sort", In: "query", Type: "string", Enum: append([]string{"name", "year", "ratings", "score"}, aldyn.RatingCriteria...)}},
			Response: "UnitRatings"},
	)
	schemas["UnitRatingSummary"] = obj(map[string]any{"unit_code": str(), "name": str(), "year": integer(), "ratings": integer(),
		"means": map[string]any{"type": "object", "additionalProperties": num()}, "score": num(), "few": boolean()})
	schemas["UnitRatings"] = obj(map[string]any{"criteria": map[string]any{"type": "array", "items": str()}, "min_ratings": integer(),
		"items": map[string]any{"type": "array", "items": ref("UnitRatingSummary")}})
}
