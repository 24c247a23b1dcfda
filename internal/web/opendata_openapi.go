package web

// OpenAPI operations of the CKAN action API subset (/api/3/action/…):
// read-only, public, answered as CKAN 2.10 answers. Each action takes its
// parameters from the query string or, as CKAN clients post them, from a
// JSON object.

func init() {
	for _, prefix := range ckanPrefixes {
		alias := ""
		if prefix != "/api/3/action/" {
			alias = " (the unversioned alias of /api/3/action/)"
		}
		for _, a := range ckanActions {
			for _, m := range []string{"GET", "POST"} {
				op := apiOp{Method: m, Path: prefix + a, Summary: "CKAN action " + a + alias + ": " + ckanDocs[a].Summary + " Open data; rate-limited per address, 429 with Retry-After.",
					Tag: "open data", Access: "public", Params: ckanDocs[a].Params, Response: "CKANResponse"}
				if m == "POST" {
					op.Params, op.Body = nil, "object"
				}
				apiOps = append(apiOps, op)
			}
		}
		for _, m := range []string{"GET", "POST"} {
			apiOps = append(apiOps, apiOp{Method: m, Path: prefix + "{action}", Summary: "Any other CKAN action" + alias + ": 400, CKAN's error envelope (Bad Request, action name not known).",
				Tag: "open data", Access: "public", Params: []apiParam{{Name: "action", In: "path", Type: "string", Required: true}}, Response: "CKANResponse"})
		}
	}
	schemas["CKANResponse"] = obj(map[string]any{
		"help": str(), "success": map[string]any{"type": "boolean"}, "result": map[string]any{},
		"error": map[string]any{"type": "object", "properties": map[string]any{"__type": str(), "message": str()}},
	}, "help", "success")
}
