package importer_test

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"

	"github.com/aldyn-kg/aldyn"
	"github.com/aldyn-kg/aldyn/internal/importer"
)

func TestProfileJSON(t *testing.T) {
	p := importer.DefaultProfile()
	p.Source = importer.SourceOffenses
	p.DateFormats = []string{"D.M.YYYY"}
	p.Decimal = ","
	p.Categories = map[string]string{"Мелкое хулиганство": importer.CategoryHooliganism}
	b, err := json.Marshal(p)
	if err != nil {
		t.Fatal(err)
	}
	var back importer.Profile
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(back, p) {
		t.Errorf("got %+v after a round trip, want %+v", back, p)
	}
	if !strings.Contains(string(b), `"registration_number":"registration_number"`) {
		t.Errorf("got %s, want the columns keyed by field", b)
	}
}

func TestProfileValidate(t *testing.T) {
	if err := importer.DefaultProfile().Validate(); err != nil {
		t.Errorf("default profile: got %v, want nil", err)
	}
	bad := importer.Profile{
		Source:      "police",
		Columns:     map[string]string{"registration_number": "n", "registered_on": "N", "nickname": "x"},
		DateFormats: []string{"2006-01-02"},
		Decimal:     ";",
		Categories:  map[string]string{"x": "arson"},
		Articles:    map[string]string{"no number": importer.CategoryTheft},
		PlaceTypes:  map[string]string{"beach": "beach"},
	}
	err := bad.Validate()
	var e *aldyn.Error
	if !errorsAs(err, &e) {
		t.Fatalf("got %v, want an *aldyn.Error", err)
	}
	want := map[string]string{
		"name":                        "error.required",
		"source":                      "import.error.source",
		"columns.nickname":            "import.error.profile_field",
		"columns.registered_on":       "import.error.profile_duplicate_column",
		"columns.registration_number": "import.error.profile_duplicate_column",
		"columns.territory_code":      "error.required",
		"columns.category":            "error.required",
		"date_formats.0":              "import.error.date_format",
		"decimal":                     "import.error.decimal",
		"categories.x":                "import.error.category",
		"articles.no number":          "import.error.article",
		"place_types.beach":           "import.error.place_type",
	}
	if !reflect.DeepEqual(e.Fields, want) {
		t.Errorf("got %v, want %v", e.Fields, want)
	}
}

func TestCategories(t *testing.T) {
	if len(importer.Categories) != 12 {
		t.Fatalf("got %d categories, want the 11 rows of Table 1 and other", len(importer.Categories))
	}
	for _, c := range importer.Categories {
		if c.NameKy == "" || c.NameRu == "" || c.NameEn == "" || !importer.ValidCategory(c.Code) {
			t.Errorf("category %q lacks a name or is not valid", c.Code)
		}
	}
	for _, s := range importer.Subgroups {
		if !importer.ValidCategory(s.Category) || s.NameKy == "" || s.NameRu == "" || s.NameEn == "" {
			t.Errorf("subgroup %q: bad category or missing name", s.Code)
		}
		for _, a := range s.Articles {
			if importer.NormalizeArticle(a) != a {
				t.Errorf("subgroup %q: article %q is not normalized", s.Code, a)
			}
		}
	}
}

func TestIsSensitive(t *testing.T) {
	tests := []struct {
		category, subgroup string
		want               bool
	}{
		{"rape", "", true},
		{"other", "domestic_violence", true},
		{"other", "crimes_against_children", true},
		{"grave_harm", "domestic_violence", true},
		{"theft", "", false},
		{"murder", "murder", false},
		{"unknown", "unknown", false},
	}
	for _, tt := range tests {
		if got := importer.IsSensitive(tt.category, tt.subgroup); got != tt.want {
			t.Errorf("IsSensitive(%q, %q) = %v, want %v", tt.category, tt.subgroup, got, tt.want)
		}
	}
}

func TestNormalizeArticle(t *testing.T) {
	tests := map[string]string{
		"205":                    "205",
		" 0205 ":                 "205",
		"ст. 205 ч.2 п.1":        "205",
		"ч.2 ст.205":             "205",
		"часть 2 статьи 205":     "205",
		"205-1":                  "205-1",
		"205¹":                   "205-1",
		"Статья 205.1":           "205-1",
		"205-берене":             "205",
		"205-берененин 2-бөлүгү": "205",
		"art. 122":               "122",
		"":                       "",
		"ст.":                    "",
		"12345":                  "",
	}
	for in, want := range tests {
		if got := importer.NormalizeArticle(in); got != want {
			t.Errorf("NormalizeArticle(%q) = %q, want %q", in, got, want)
		}
	}
	if s, ok := importer.SubgroupOf(importer.SourceCrimes, "ст. 122 ч.1"); !ok || s.Category != importer.CategoryMurder {
		t.Errorf("got %+v %v, want article 122 in murder", s, ok)
	}
	if _, ok := importer.SubgroupOf(importer.SourceOffenses, "122"); ok {
		t.Error("got a subgroup for article 122 of the Code of Offenses, want none: the table maps the Criminal Code")
	}
}
