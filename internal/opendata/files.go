package opendata

import (
	"bytes"
	"encoding/json"
	"math"
	"time"

	"github.com/paulmach/orb"

	"github.com/aldyn-kg/aldyn/internal/export"
)

// Media types of the resources.
const (
	MediaCSV     = "text/csv"
	MediaXLSX    = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
	MediaJSON    = "application/json"
	MediaGeoJSON = "application/geo+json"
)

// exportTable is t for package export: one column per field, headed by
// the field's name (the same header in every language and format, as the
// Table Schema names it).
func exportTable(t *Table) export.Table {
	et := export.Table{Title: t.Name, Rows: t.Rows}
	for _, f := range t.Fields {
		k := export.Text
		switch f.Type {
		case "integer":
			k = export.Int
		case "number":
			k = export.Float
		case "year":
			k = export.Year
		case "date":
			k = export.Date
		}
		et.Columns = append(et.Columns, export.Column{Key: f.Name, Label: f.Name, Kind: k})
	}
	return et
}

// tableFiles writes a table as CSV, XLSX, JSON and, for spatial tables,
// GeoJSON.
func tableFiles(d *Dataset, t *Table) ([]*Resource, error) {
	var out []*Resource
	var buf bytes.Buffer
	if err := export.WriteCSV(&buf, exportTable(t), export.CSVData); err != nil {
		return nil, err
	}
	out = append(out, newResource(d, t, "csv", "CSV", MediaCSV, buf.Bytes()))
	buf.Reset()
	if err := export.WriteXLSX(&buf, exportTable(t)); err != nil {
		return nil, err
	}
	out = append(out, newResource(d, t, "xlsx", "XLSX", MediaXLSX, buf.Bytes()))
	js, err := tableJSON(t)
	if err != nil {
		return nil, err
	}
	out = append(out, newResource(d, t, "json", "JSON", MediaJSON, js))
	if d.Spatial && t.Shapes != nil {
		gj, err := tableGeoJSON(t)
		if err != nil {
			return nil, err
		}
		out = append(out, newResource(d, t, "geojson", "GeoJSON", MediaGeoJSON, gj))
	}
	return out, nil
}

// record is a row as a JSON object, fields in the table's order.
func record(t *Table, row []any) json.RawMessage {
	var b bytes.Buffer
	b.WriteByte('{')
	for i, f := range t.Fields {
		if i > 0 {
			b.WriteByte(',')
		}
		k, _ := json.Marshal(f.Name)
		b.Write(k)
		b.WriteByte(':')
		v := row[i]
		if tm, ok := v.(time.Time); ok {
			v = tm.Format(time.DateOnly)
		}
		js, _ := json.Marshal(v)
		b.Write(js)
	}
	b.WriteByte('}')
	return b.Bytes()
}

// tableJSON is the table as a JSON array of records.
func tableJSON(t *Table) ([]byte, error) {
	var b bytes.Buffer
	b.WriteByte('[')
	for i, r := range t.Rows {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteByte('\n')
		b.Write(record(t, r))
	}
	b.WriteString("\n]\n")
	return b.Bytes(), nil
}

// tableGeoJSON is a spatial table as a FeatureCollection (RFC 7946): each
// row its ground (a Polygon, or a MultiPolygon when a territory's part of
// a square is in pieces) with the row's values as properties.
func tableGeoJSON(t *Table) ([]byte, error) {
	var b bytes.Buffer
	b.WriteString(`{"type":"FeatureCollection","features":[`)
	for i, r := range t.Rows {
		if i > 0 {
			b.WriteByte(',')
		}
		geom, err := shapeJSON(t.Shapes[i])
		if err != nil {
			return nil, err
		}
		b.WriteString("\n{\"type\":\"Feature\",\"geometry\":")
		b.Write(geom)
		b.WriteString(`,"properties":`)
		b.Write(record(t, r))
		b.WriteByte('}')
	}
	b.WriteString("\n]}\n")
	return b.Bytes(), nil
}

// shapeJSON is a shape as a GeoJSON geometry, coordinates to 6 decimals
// (about 0.1 m): a Polygon when it is one piece.
func shapeJSON(mp orb.MultiPolygon) ([]byte, error) {
	poly := func(p orb.Polygon) [][][2]float64 {
		out := make([][][2]float64, len(p))
		for i, r := range p {
			out[i] = make([][2]float64, len(r))
			for j, pt := range r {
				out[i][j] = [2]float64{math.Round(pt[0]*1e6) / 1e6, math.Round(pt[1]*1e6) / 1e6}
			}
		}
		return out
	}
	if len(mp) == 1 {
		return json.Marshal(map[string]any{"type": "Polygon", "coordinates": poly(mp[0])})
	}
	cs := make([][][][2]float64, len(mp))
	for i, p := range mp {
		cs[i] = poly(p)
	}
	return json.Marshal(map[string]any{"type": "MultiPolygon", "coordinates": cs})
}
