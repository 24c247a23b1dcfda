package demo

import (
	"context"
	"fmt"

	"github.com/aldyn-kg/aldyn"
	"github.com/aldyn-kg/aldyn/internal/residents"
	"github.com/aldyn-kg/aldyn/internal/store"
)

// VictimServices are the demo entries of the victim services directory:
// clearly fictitious organisations, their names marked demo, with phone
// numbers in the demo's 000 range that reach no one.
var VictimServices = []aldyn.VictimService{
	{TerritoryCode: Country, Kind: "hotline", Name: aldyn.Text{
		KY: "Зомбулуктан жабыр тарткандар үчүн «Демо-Жардам» ишеним телефону (демо)",
		RU: "Телефон доверия «Демо-Помощь» для пострадавших от насилия (демо)",
		EN: "“Demo Help” hotline for survivors of violence (demo)"},
		Hours: "24/7", Phones: []string{"+996 312 000 301"}, Serves: []string{"everyone"}, Free: true},
	{TerritoryCode: Country, Kind: "child_helpline", Name: aldyn.Text{
		KY: "«Демо-Бала» балдардын ишеним телефону (демо)",
		RU: "Детский телефон доверия «Демо-Бала» (демо)",
		EN: "“Demo Bala” child helpline (demo)"},
		Hours: "24/7", Phones: []string{"+996 312 000 302"}, Serves: []string{"children", "youth"}, Free: true},
	{TerritoryCode: Bishkek, Kind: "crisis_centre", Name: aldyn.Text{
		KY: "«Демо-Шоола» кризистик борбору (демо)",
		RU: "Кризисный центр «Демо-Шоола» (демо)",
		EN: "“Demo Shoola” crisis centre (demo)"},
		Address: "Бишкек ш., Демо көчөсү, 1", Hours: "9:00–18:00", Phones: []string{"+996 312 000 303", "+996 555 000 304"},
		Serves: []string{"women", "children", "families"}, Lat: new(42.8746), Lon: new(74.5698), Free: true},
	{TerritoryCode: Chui, Kind: "shelter", Name: aldyn.Text{
		KY: "Аялдар жана балдар үчүн «Демо-Уя» баш калкалоочу жайы (демо)",
		RU: "Убежище для женщин и детей «Демо-Уя» (демо)",
		EN: "“Demo Uya” shelter for women and children (demo)"},
		Hours: "24/7", Phones: []string{"+996 312 000 305"}, Serves: []string{"women", "children"}, Free: true},
	{TerritoryCode: Alamudun, Kind: "legal_aid", Name: aldyn.Text{
		KY: "Аламүдүн районундагы «Демо-Укук» акысыз юридикалык жардам бюросу (демо)",
		RU: "Бюро бесплатной юридической помощи «Демо-Укук» в Аламудинском районе (демо)",
		EN: "“Demo Ukuk” free legal aid office, Alamüdün District (demo)"},
		Address: "Лебединовка а., Демо көчөсү, 5", Hours: "9:00–17:00", Phones: []string{"+996 312 000 306"},
		Serves: []string{"everyone"}, Lat: new(42.8856), Lon: new(74.6853), Free: true},
	{TerritoryCode: Suzak, Kind: "rehabilitation_centre", Name: aldyn.Text{
		KY: "Сузак районундагы «Демо-Өмүр» реабилитациялык борбору (демо)",
		RU: "Реабилитационный центр «Демо-Омур» в Сузакском районе (демо)",
		EN: "“Demo Omur” rehabilitation centre, Suzak District (demo)"},
		Address: "Сузак а., Демо көчөсү, 12", Hours: "9:00–16:00", Phones: []string{"+996 3722 000 307"},
		Serves: []string{"women", "youth", "families"}, Lat: new(40.8986), Lon: new(72.9007), Free: false},
}

// LoadVictimServices adds the demo victim services the directory lacks:
// a second load finds them by name and territory and changes nothing.
func LoadVictimServices(ctx context.Context, db *store.DB) error {
	vs := make([]*aldyn.VictimService, len(VictimServices))
	rows := make([]int, len(VictimServices))
	for i := range VictimServices {
		v := VictimServices[i]
		v.Phones, v.Serves = append([]string(nil), v.Phones...), append([]string(nil), v.Serves...)
		v.Active, v.Demo = true, true
		if v.Lat == nil {
			lat, lon, err := demoPoint(ctx, db, v.TerritoryCode, i)
			if err != nil {
				return fmt.Errorf("demo victim service %d: %w", i+1, err)
			}
			v.Lat, v.Lon = lat, lon
		}
		vs[i], rows[i] = &v, i+1
	}
	_, err := db.ImportVictimServices(ctx, aldyn.System, vs, rows)
	return err
}

// demoPoint is a clearly fictitious point for the i-th demo service that
// has none (a hotline, a shelter whose address is kept secret), so that
// the public map shows the demo: near the centre of its territory as
// loaded, inside the territory's boundary, and away from any address.
// A territory with no centre gets no point.
func demoPoint(ctx context.Context, db *store.DB, code string, i int) (*float64, *float64, error) {
	t, err := db.FindTerritoryByCode(ctx, code)
	if err != nil || t.Lat == nil || t.Lon == nil {
		return nil, nil, err
	}
	bs, err := db.FindBoundaries(ctx, t.Path)
	if err != nil {
		return nil, nil, err
	}
	var ground []byte
	for _, b := range bs {
		if b.Territory.Code == code {
			ground = b.Geometry
		}
	}
	// Step out from the centre, each service its own direction, until the
	// point lies inside the boundary (a centre may fall outside a concave
	// territory).
	dirs := [][2]float64{{1, 1}, {-1, 1}, {1, -1}, {-1, -1}, {0, 1}, {1, 0}}
	d := dirs[i%len(dirs)]
	for step := 1; step <= 60; step++ {
		lat, lon := *t.Lat+d[0]*0.01*float64(step), *t.Lon+d[1]*0.01*float64(step)
		if ground == nil || residents.Contains(ground, lat, lon) {
			return &lat, &lon, nil
		}
	}
	return nil, nil, nil
}
