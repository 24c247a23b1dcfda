package web

// OpenAPI operations and schemas of the victim services directory.

func init() {
	dateTime := map[string]any{"type": "string", "format": "date-time"}
	num := map[string]any{"type": "number"}
	strs := func(enum []string) map[string]any {
		items := str()
		if enum != nil {
			items = map[string]any{"type": "string", "enum": enum}
		}
		return map[string]any{"type": "array", "items": items}
	}
	kinds := []string{"shelter", "crisis_centre", "rehabilitation_centre", "hotline", "child_helpline", "legal_aid", "other"}
	groups := []string{"women", "children", "youth", "men", "families", "elderly", "disabled", "everyone"}
	kind := map[string]any{"type": "string", "enum": kinds}
	filter := []apiParam{
		{Name: "territory", In: "query", Type: "string", Description: "territory code: its services, those of the territories above it (national hotlines) and below it"},
		{Name: "kind", In: "query", Type: "string", Enum: kinds},
		{Name: "q", In: "query", Type: "string", Description: "text in a name or the address"},
		{Name: "all", In: "query", Type: "string", Enum: []string{"1"}, Description: "services not operating too (coordinators and administrators)"},
	}
	manage := "coordinator or administrator (territory in scope)"
	apiOps = append(apiOps,
		apiOp{Method: "GET", Path: "/api/v1/victim-services", Summary: "The victim services directory: shelters, crisis and rehabilitation centres, hotlines, the child helpline, legal aid; the most local first",
			Tag: "victim-services", Access: "public", Params: withPage(filter...), Response: "VictimServiceList"},
		apiOp{Method: "GET", Path: "/api/v1/victim-services/map", Summary: "The directory's services that have a point, as GeoJSON points linking to their pages",
			Tag: "victim-services", Access: "public", Params: append(filter[:3:3], apiParam{Name: "lang", In: "query", Type: "string", Enum: []string{"ky", "ru", "en"}}),
			Response: "FeatureCollection"},
		apiOp{Method: "GET", Path: "/api/v1/victim-services/{id}", Summary: "One victim service", Tag: "victim-services", Access: "public",
			Params: []apiParam{idParam}, Response: "VictimService"},
		apiOp{Method: "POST", Path: "/api/v1/victim-services", Summary: "Add a victim service", Tag: "victim-services", Access: manage,
			Body: "VictimServiceInput", Response: "VictimService", Status: "201"},
		apiOp{Method: "PUT", Path: "/api/v1/victim-services/{id}", Summary: "Change a victim service: the fields sent replace its own", Tag: "victim-services", Access: manage,
			Params: []apiParam{idParam}, Body: "VictimServiceInput", Response: "VictimService"},
		apiOp{Method: "DELETE", Path: "/api/v1/victim-services/{id}", Summary: "Remove a victim service", Tag: "victim-services", Access: manage,
			Params: []apiParam{idParam}, Status: "204"},
		apiOp{Method: "POST", Path: "/api/v1/victim-services/import", Summary: "Import services from a CSV or XLSX file (form field file): every bad cell reported with its row and column (422), all or nothing; a service with the same name in the same territory is updated, so a second import of the same file changes nothing",
			Tag: "victim-services", Access: manage, BodyType: "multipart/form-data", Response: "VictimServiceImport"},
	)
	schemas["VictimService"] = obj(map[string]any{"id": integer(), "name": ref("Text"), "kind": kind, "territory_code": str(), "address": str(),
		"hours": str(), "phones": strs(nil), "serves": strs(groups), "lat": num, "lon": num, "free": boolean(), "active": boolean(), "demo": boolean(),
		"created_at": dateTime, "updated_at": dateTime})
	schemas["VictimServiceInput"] = obj(map[string]any{"name": ref("Text"), "kind": kind, "territory_code": str(), "address": str(),
		"hours": str(), "phones": strs(nil), "serves": strs(groups), "lat": num, "lon": num, "free": boolean(), "active": boolean()},
		"name", "kind", "territory_code", "phones", "serves")
	schemas["VictimServiceList"] = listOf("VictimService")
	schemas["VictimServiceImport"] = obj(map[string]any{"created": integer(), "updated": integer(), "unchanged": integer()})
	if _, ok := schemas["Text"]; !ok {
		schemas["Text"] = obj(map[string]any{"ky": str(), "ru": str(), "en": str()})
	}
}
