package web

// OpenAPI operations of the CKAN action API subset (/api/3/action/…):
// read-only, public, answered as CKAN 2.10 answers. Each action takes its
// parameters from the query string or, as CKAN clients post them, from a
// JSON object.

func init() {
	params := map[string][]apiParam{
		"package_list": {{Name: "limit", In: "query", Type: "integer"}, {Name: "offset", In: "query", Type: "integer"}},
		"package_show": {{Name: "id", In: "query", Type: "string", Required: true, Description: "dataset name (slug)"}},
		"package_search": {{Name: "q", In: "query", Type: "string", Description: "words of the title, description and tags"},
			{Name: "fq", In: "query", Type: "string", Description: "filters field:value joined by spaces or AND; fields tags, organization, groups, res_format, name, license_id"},
			{Name: "rows", In: "query", Type: "integer", Description: "results per page (default 10, at most 1000)"},
			{Name: "start", In: "query", Type: "integer"},
			{Name: "sort", In: "query", Type: "string", Description: "name, title_string, metadata_modified or metadata_created, asc or desc"}},
		"organization_list": {{Name: "all_fields", In: "query", Type: "boolean"}},
		"organization_show": {{Name: "id", In: "query", Type: "string", Required: true}, {Name: "include_datasets", In: "query", Type: "boolean"}},
		"group_list":        {{Name: "all_fields", In: "query", Type: "boolean"}},
		"tag_list":          {{Name: "query", In: "query", Type: "string"}, {Name: "all_fields", In: "query", Type: "boolean"}},
		"resource_show":     {{Name: "id", In: "query", Type: "string", Required: true}},
		"status_show":       nil,
	}
	for _, a := range ckanActions {
		for _, m := range []string{"GET", "POST"} {
			op := apiOp{Method: m, Path: "/api/3/action/" + a, Summary: "CKAN action " + a + " (open data; rate-limited per address, 429 with Retry-After)",
				Tag: "open data", Access: "public", Params: params[a], Response: "CKANResponse"}
			if m == "POST" {
				op.Params, op.Body = nil, "object"
			}
			apiOps = append(apiOps, op)
		}
	}
	schemas["CKANResponse"] = obj(map[string]any{
		"help": str(), "success": map[string]any{"type": "boolean"}, "result": map[string]any{},
		"error": map[string]any{"type": "object", "properties": map[string]any{"__type": str(), "message": str()}},
	}, "help", "success")
}
