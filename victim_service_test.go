package aldyn_test

import (
	"errors"
	"maps"
	"slices"
	"testing"

	"github.com/aldyn-kg/aldyn"
)

func TestVictimServiceValidateListsEveryBadField(t *testing.T) {
	good := func() *aldyn.VictimService {
		return &aldyn.VictimService{Name: aldyn.Text{KY: "Жай", RU: "Приют", EN: "Shelter"}, Kind: "shelter", TerritoryCode: "41708203000000",
			Phones: []string{" +996 312 000 501 ", "+996 312 000 501", "111"}, Serves: []string{"women", "women", "children"}}
	}
	v := good()
	if err := v.Validate(); err != nil {
		t.Fatalf("a good service: %v", err)
	}
	if !slices.Equal(v.Phones, []string{"+996 312 000 501", "111"}) || !slices.Equal(v.Serves, []string{"women", "children"}) {
		t.Errorf("normalized: got %v %v", v.Phones, v.Serves)
	}
	lat, far := 42.8, 10.0
	long := string(make([]rune, 301))
	for _, c := range []struct {
		name   string
		break_ func(*aldyn.VictimService)
		want   []string
	}{
		{"names", func(v *aldyn.VictimService) { v.Name = aldyn.Text{} }, []string{"name_en", "name_ky", "name_ru"}},
		{"kind missing", func(v *aldyn.VictimService) { v.Kind = "" }, []string{"kind"}},
		{"kind unknown", func(v *aldyn.VictimService) { v.Kind = "spa" }, []string{"kind"}},
		{"territory missing", func(v *aldyn.VictimService) { v.TerritoryCode = "" }, []string{"territory_code"}},
		{"territory shape", func(v *aldyn.VictimService) { v.TerritoryCode = "417" }, []string{"territory_code"}},
		{"no phone", func(v *aldyn.VictimService) { v.Phones = []string{" "} }, []string{"phones"}},
		{"phone shape", func(v *aldyn.VictimService) { v.Phones = []string{"call us"} }, []string{"phones"}},
		{"too many phones", func(v *aldyn.VictimService) {
			v.Phones = []string{"+996 1", "+996 312 000 502", "+996 312 000 503", "+996 312 000 504", "+996 312 000 505", "+996 312 000 506"}
		}, []string{"phones"}},
		{"nobody served", func(v *aldyn.VictimService) { v.Serves = nil }, []string{"serves"}},
		{"group unknown", func(v *aldyn.VictimService) { v.Serves = []string{"aliens"} }, []string{"serves"}},
		{"address long", func(v *aldyn.VictimService) { v.Address = long }, []string{"address"}},
		{"hours long", func(v *aldyn.VictimService) { v.Hours = long }, []string{"hours"}},
		{"half a point", func(v *aldyn.VictimService) { v.Lat = &lat }, []string{"lat"}},
		{"point outside", func(v *aldyn.VictimService) { v.Lat, v.Lon = &far, &far }, []string{"lat", "lon"}},
		{"everything", func(v *aldyn.VictimService) { *v = aldyn.VictimService{Lon: &lat} },
			[]string{"kind", "lat", "name_en", "name_ky", "name_ru", "phones", "serves", "territory_code"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			v := good()
			c.break_(v)
			var e *aldyn.Error
			if !errors.As(v.Validate(), &e) {
				t.Fatalf("got no validation error")
			}
			if got := slices.Sorted(maps.Keys(e.Fields)); !slices.Equal(got, c.want) {
				t.Errorf("got %v, want %v", got, c.want)
			}
		})
	}
}

func TestCanManageVictimService(t *testing.T) {
	district, other := "/41700000000000/41708000000000/41708203000000/", "/41700000000000/41703000000000/41703220000000/"
	for _, c := range []struct {
		actor *aldyn.Actor
		path  string
		want  bool
	}{
		{&aldyn.Actor{Role: aldyn.RoleAdministrator, TerritoryPath: "/41700000000000/"}, other, true},
		{&aldyn.Actor{Role: aldyn.RoleCoordinator, TerritoryPath: district}, district, true},
		{&aldyn.Actor{Role: aldyn.RoleCoordinator, TerritoryPath: district}, other, false},
		{&aldyn.Actor{Role: aldyn.RoleCoordinator, TerritoryPath: district}, "/41700000000000/", false},
		{&aldyn.Actor{Role: aldyn.RoleAnalyst, TerritoryPath: "/41700000000000/"}, district, false},
		{&aldyn.Actor{Role: aldyn.RoleReporter, TerritoryPath: district}, district, false},
		{aldyn.Public, district, false},
	} {
		if got := c.actor.CanManageVictimService(c.path); got != c.want {
			t.Errorf("%s of %s on %s: got %v, want %v", c.actor.Role, c.actor.TerritoryPath, c.path, got, c.want)
		}
	}
}
