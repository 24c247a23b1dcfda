package synth

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"io"
	"sort"
	"strconv"

	"github.com/aldyn-kg/aldyn"
	"github.com/aldyn-kg/aldyn/internal/refdata"
)

// tableKeys maps the indicator keys of the Concept's Table 1 (section "1"
// of official-statistics.csv) to category codes; other is the total less
// the sum of these.
var tableKeys = map[string]string{
	"registered_crimes_murder_incl_attempts":    aldyn.CategoryMurder,
	"registered_crimes_grievous_bodily_harm":    aldyn.CategoryGraveHarm,
	"registered_crimes_rape_incl_attempts":      aldyn.CategoryRape,
	"registered_crimes_robbery_with_violence":   aldyn.CategoryRobberyViolent,
	"registered_crimes_robbery":                 aldyn.CategoryRobbery,
	"registered_crimes_theft":                   aldyn.CategoryTheft,
	"registered_crimes_fraud":                   aldyn.CategoryFraud,
	"registered_crimes_extortion":               aldyn.CategoryExtortion,
	"registered_crimes_drug_trafficking":        aldyn.CategoryDrugs,
	"registered_crimes_hooliganism":             aldyn.CategoryHooliganism,
	"registered_crimes_road_traffic_violations": aldyn.CategoryTraffic,
}

const totalKey = "registered_crimes_total"

const bishkekChuyKey = "crime_share_bishkek_chuy"

// OfficialTotals returns the registered crimes of Table 1 of the Concept by
// year and category, read from the embedded official statistics: only
// section "1" and territory KG count (§5.2 quotes a different fraud figure
// for 2020). Other is the total less the listed categories.
func OfficialTotals() (map[int]map[string]int, error) {
	o, err := parseOfficial(refdata.MustRead("official-statistics.csv"))
	return o.totals, err
}

// official are the figures the generator reproduces.
type official struct {
	totals map[int]map[string]int
	// bishkekChuy is the share of crimes in Bishkek and Chüy oblast (0–1).
	bishkekChuy float64
}

func parseOfficial(b []byte) (official, error) {
	recs, err := readCSV(b)
	if err != nil {
		return official{}, fmt.Errorf("official-statistics.csv: %w", err)
	}
	var o official
	totals := map[int]int{}
	out := map[int]map[string]int{}
	for i, r := range recs {
		if r["section"] != "1" {
			continue
		}
		if r["indicator_key"] == bishkekChuyKey && r["unit"] == "percent" {
			v, err := strconv.ParseFloat(r["value"], 64)
			if err != nil || v <= 0 || v >= 100 {
				return official{}, fmt.Errorf("official-statistics.csv row %d: bad share", i+2)
			}
			o.bishkekChuy = v / 100
			continue
		}
		if r["territory"] != "KG" || r["unit"] != "count" {
			continue
		}
		cat, listed := tableKeys[r["indicator_key"]]
		if !listed && r["indicator_key"] != totalKey {
			continue
		}
		year, err1 := strconv.Atoi(r["year"])
		n, err2 := strconv.Atoi(r["value"])
		if err1 != nil || err2 != nil || n < 0 {
			return official{}, fmt.Errorf("official-statistics.csv row %d: bad year or value", i+2)
		}
		if !listed {
			totals[year] = n
			continue
		}
		if out[year] == nil {
			out[year] = map[string]int{}
		}
		out[year][cat] = n
	}
	for year, byCat := range out {
		total, ok := totals[year]
		if !ok || len(byCat) != len(tableKeys) {
			return official{}, fmt.Errorf("official-statistics.csv: year %d lacks the total or a category of Table 1", year)
		}
		other := total
		for _, n := range byCat {
			other -= n
		}
		if other < 0 {
			return official{}, fmt.Errorf("official-statistics.csv: year %d: categories exceed the total", year)
		}
		byCat[aldyn.CategoryOther] = other
	}
	if len(out) == 0 || o.bishkekChuy == 0 {
		return official{}, fmt.Errorf("official-statistics.csv: no figures of Table 1 or no Bishkek and Chüy share")
	}
	o.totals = out
	return o, nil
}

// RefTerritories returns the embedded reference territories with their
// centroids and most recent populations, as the store seeds them.
func RefTerritories() ([]*aldyn.Territory, error) {
	recs, err := readCSV(refdata.MustRead("territories.csv"))
	if err != nil {
		return nil, fmt.Errorf("territories.csv: %w", err)
	}
	slugToCode := map[string]string{}
	for _, r := range recs {
		slugToCode[r["slug"]] = r["code"]
	}
	out := make([]*aldyn.Territory, 0, len(recs))
	for _, r := range recs {
		t := &aldyn.Territory{Code: r["code"], Slug: r["slug"], Level: r["level"], Kind: r["kind"],
			NameKy: r["name_ky"], NameRu: r["name_ru"], NameEn: r["name_en"], ISO: r["iso"]}
		if p := r["parent_slug"]; p != "" {
			t.ParentCode = slugToCode[p]
		}
		if lat, err := strconv.ParseFloat(r["lat"], 64); err == nil {
			t.Lat = &lat
		}
		if lon, err := strconv.ParseFloat(r["lon"], 64); err == nil {
			t.Lon = &lon
		}
		if p, err := strconv.ParseInt(r["population"], 10, 64); err == nil {
			t.Population = &p
			if y, err := strconv.Atoi(r["population_year"]); err == nil {
				t.PopulationYear = &y
			}
		}
		out = append(out, t)
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Code < out[j].Code })
	return out, nil
}

// readCSV reads a small headed CSV into maps.
func readCSV(b []byte) ([]map[string]string, error) {
	r := csv.NewReader(bytes.NewReader(b))
	head, err := r.Read()
	if err != nil {
		return nil, err
	}
	var out []map[string]string
	for {
		rec, err := r.Read()
		if err == io.EOF {
			return out, nil
		} else if err != nil {
			return nil, err
		}
		m := make(map[string]string, len(head))
		for i, h := range head {
			if i < len(rec) {
				m[h] = rec[i]
			}
		}
		out = append(out, m)
	}
}

func refDataOfficial() []byte { return refdata.MustRead("official-statistics.csv") }
