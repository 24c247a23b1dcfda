package territories_test

import (
	"reflect"
	"strings"
	"testing"

	"github.com/aldyn-kg/aldyn/internal/territories"
)

func TestParsePopulations(t *testing.T) {
	in := "\ufeffterritory_code;year;population;source;kind\n" +
		"41708203000000;2024;190 123;NSC table 1.01;estimate\n" +
		"123;2024;1000;NSC;\n" +
		"41708203000000;20x4;-5;;guess\n" +
		"41708203000000;2024;190123;NSC;\n"
	ps, issues, err := territories.ParsePopulations(strings.NewReader(in))
	if err != nil {
		t.Fatal(err)
	}
	if len(ps) != 1 || ps[0].Population != 190123 || ps[0].Year != 2024 || ps[0].Kind != "estimate" {
		t.Errorf("got %+v, want one record of 190123 in 2024", ps)
	}
	want := []territories.Issue{
		{Row: 3, Column: "territory_code", Reason: "error.territory_code", Value: "123"},
		{Row: 4, Column: "year", Reason: "import.error.year", Value: "20x4"},
		{Row: 4, Column: "population", Reason: "import.error.population", Value: "-5"},
		{Row: 4, Column: "source", Reason: "error.required"},
		{Row: 4, Column: "kind", Reason: "import.error.kind", Value: "guess"},
		{Row: 5, Column: "year", Reason: "import.error.duplicate", Value: "row 2"},
	}
	if !reflect.DeepEqual(issues, want) {
		t.Errorf("got issues\n%+v\nwant\n%+v", issues, want)
	}
}

func TestParsePopulationsMissingColumns(t *testing.T) {
	_, issues, err := territories.ParsePopulations(strings.NewReader("code,year\n41708203000000,2024\n"))
	if err != nil {
		t.Fatal(err)
	}
	if len(issues) != 2 || issues[0].Column != "population" || issues[1].Column != "source" {
		t.Errorf("got %+v, want missing population and source", issues)
	}
}

func TestParseBoundaries(t *testing.T) {
	in := `{"type":"FeatureCollection","features":[
	 {"type":"Feature","properties":{"code":"41708203000000"},"geometry":{"type":"Polygon","coordinates":[[[74.5,42.8],[74.9,42.8],[74.9,43.0],[74.5,42.8]]]}},
	 {"type":"Feature","properties":{},"geometry":{"type":"Polygon","coordinates":[[[74.5,42.8],[74.9,42.8],[74.9,43.0],[74.5,42.8]]]}},
	 {"type":"Feature","properties":{"code":"41708203000000"},"geometry":{"type":"Point","coordinates":[74.5,42.8]}},
	 {"type":"Feature","id":"41703225000000","properties":{},"geometry":{"type":"Polygon","coordinates":[[[10,10],[11,10],[11,11],[10,10]]]}}
	]}`
	bs, issues, err := territories.ParseBoundaries(strings.NewReader(in))
	if err != nil {
		t.Fatal(err)
	}
	if len(bs) != 1 || bs[0].Code != "41708203000000" || bs[0].Row != 1 {
		t.Errorf("got %+v, want feature 1", bs)
	}
	want := []territories.Issue{
		{Row: 2, Column: "code", Reason: "error.required"},
		{Row: 3, Column: "geometry", Reason: "import.error.polygon", Value: "Point"},
		{Row: 4, Column: "geometry", Reason: "import.error.outside_country"},
	}
	if !reflect.DeepEqual(issues, want) {
		t.Errorf("got %+v, want %+v", issues, want)
	}
	_, issues, _ = territories.ParseBoundaries(strings.NewReader(`{"type":`))
	if len(issues) != 1 || issues[0].Reason != "import.error.geojson" {
		t.Errorf("malformed file: got %+v", issues)
	}
}

func TestParsePrecinctsCSV(t *testing.T) {
	in := "code,parent_code,name_ky,name_ru,name_en,lat,lon\n" +
		"41708203000000-P01,41708203000000,1-участок,Участок 1,Precinct 1,42.9,74.7\n" +
		"41708203000000-P02,41703225000000,2-участок,Участок 2,Precinct 2,,\n" +
		"P03,41708203000000,,Участок 3,Precinct 3,north,\n"
	ps, issues, err := territories.ParsePrecinctsCSV(strings.NewReader(in))
	if err != nil {
		t.Fatal(err)
	}
	if len(ps) != 1 || ps[0].Territory.Code != "41708203000000-P01" || *ps[0].Territory.Lat != 42.9 {
		t.Errorf("got %+v", ps)
	}
	want := []territories.Issue{
		{Row: 3, Column: "code", Reason: "territory.error.precinct_prefix"},
		{Row: 4, Column: "lat", Reason: "import.error.number", Value: "north"},
		{Row: 4, Column: "code", Reason: "territory.error.precinct_code"},
		{Row: 4, Column: "name_ky", Reason: "error.required"},
	}
	if !reflect.DeepEqual(issues, want) {
		t.Errorf("got\n%+v\nwant\n%+v", issues, want)
	}
}
