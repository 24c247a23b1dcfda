package opendata

import (
	"encoding/json"
	"fmt"
	"time"
)

// LicenceInfo is what catalogues say of a licence.
type LicenceInfo struct {
	ID, Title, URL string
}

// LicenceInfos describes aldyn.Licences.
var LicenceInfos = map[string]LicenceInfo{
	"CC-BY-4.0":  {"CC-BY-4.0", "Creative Commons Attribution 4.0 International", "https://creativecommons.org/licenses/by/4.0/"},
	"CC0-1.0":    {"CC0-1.0", "Creative Commons CC0 1.0 Universal", "https://creativecommons.org/publicdomain/zero/1.0/"},
	"ODC-By-1.0": {"ODC-By-1.0", "Open Data Commons Attribution License v1.0", "https://opendatacommons.org/licenses/by/1-0/"},
}

// tableSchema is a table's Frictionless Table Schema: field names, types,
// titles and descriptions in English, units, the suppressed flag, and the
// key of a count table (its fields before the count).
func tableSchema(t *Table) map[string]any {
	var fields []map[string]any
	var key []string
	keyDone := false
	for _, f := range t.Fields {
		fd := map[string]any{"name": f.Name, "type": f.Type, "title": f.Title.EN, "description": f.Description.EN}
		if f.Unit != "" {
			fd["unit"] = f.Unit
		}
		c := map[string]any{}
		switch {
		case f.Count:
			c["minimum"] = 0
			keyDone = true
		case f.Name == SuppressedField:
			c["required"] = true
		case f.Type == "boolean":
		}
		if len(c) > 0 {
			fd["constraints"] = c
		}
		if t.Flags != nil && !keyDone {
			key = append(key, f.Name)
		}
		fields = append(fields, fd)
	}
	s := map[string]any{"fields": fields, "missingValues": []string{""}}
	if len(key) > 0 {
		s["primaryKey"] = key
	}
	return s
}

// DataPackage writes datapackage.json for a build under a licence: a
// Tabular Data Package (Frictionless v1) whose resources are the CSV files
// beside it, each with its Table Schema.
func DataPackage(b *Build, licence string) (*Resource, error) {
	li := LicenceInfos[licence]
	d := b.Dataset
	var res []map[string]any
	for _, r := range b.Resources {
		if r.Format != "CSV" {
			continue
		}
		res = append(res, map[string]any{
			"profile": "tabular-data-resource", "name": r.Table.Name, "path": r.Name,
			"title": r.Table.Title.EN, "format": "csv", "mediatype": MediaCSV, "encoding": "utf-8",
			"bytes": len(r.Body), "hash": "sha256:" + r.SHA256,
			"dialect": map[string]any{"delimiter": ",", "header": true, "doubleQuote": true, "lineTerminator": "\n"},
			"schema":  tableSchema(r.Table),
		})
	}
	dp := map[string]any{
		"profile": "tabular-data-package", "name": d.Slug, "title": d.Title.EN, "description": d.Description.EN,
		"version":  fmt.Sprintf("%d.0.0", b.Version.Version),
		"created":  b.Version.CreatedAt.UTC().Format(time.RFC3339),
		"keywords": d.Keywords,
		// Name and title only: the v1 schema's oneOf refuses a licence with
		// both a name and a path, though its own examples give both.
		"licenses":  []map[string]any{{"name": li.ID, "title": li.Title}},
		"resources": res,
	}
	body, err := json.MarshalIndent(dp, "", "  ")
	if err != nil {
		return nil, err
	}
	return newResource(d, nil, "datapackage.json", "JSON", MediaJSON, body), nil
}
