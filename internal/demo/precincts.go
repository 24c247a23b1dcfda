package demo

import (
	"context"
	"fmt"
	"math"

	"github.com/aldyn-kg/aldyn"
	"github.com/aldyn-kg/aldyn/internal/store"
)

// Demo precincts: community police posts (участковый пункт милиции) in a
// few cities and districts, so that the precinct rankings and profile
// pages have something to show. Each territory's posts stand on a ring
// around its reference centre; a synthetic record located in the
// territory belongs to the nearest post, as a post's area is the part of
// the territory around it. Records without a location have no precinct.
var demoPrecincts = []struct {
	parent string
	posts  int
	radius float64 // degrees of latitude from the centre
}{
	{"41711201000000", 4, 0.02}, // Bishkek, Leninsky
	{"41711202000000", 4, 0.02}, // Bishkek, Oktyabrsky
	{"41711203000000", 4, 0.02}, // Bishkek, Pervomaysky
	{"41711204000000", 4, 0.02}, // Bishkek, Sverdlovsky
	{"41721000000000", 5, 0.03}, // Osh
	{"41703410000000", 3, 0.02}, // Jalal-Abad city
	{"41703220000000", 4, 0.08}, // Suzak district
	{"41708203000000", 4, 0.08}, // Alamüdün district
}

// post is a demo precinct and the point it stands at.
type post struct {
	code     string
	lat, lon float64
}

// ensurePrecincts creates the demo precincts that do not exist yet and
// returns them by the code of their territory. Territories missing from
// the database (a test's reduced reference data) get none.
func ensurePrecincts(ctx context.Context, db *store.DB) (map[string][]post, error) {
	out := map[string][]post{}
	for _, spec := range demoPrecincts {
		parent, err := db.FindTerritoryByCode(ctx, spec.parent)
		if aldyn.ErrorCode(err) == aldyn.ENOTFOUND || err == nil && (parent.Lat == nil || parent.Lon == nil) {
			continue
		}
		if err != nil {
			return nil, err
		}
		for k := 1; k <= spec.posts; k++ {
			angle := 2 * math.Pi * float64(k-1) / float64(spec.posts)
			lat := *parent.Lat + spec.radius*math.Sin(angle)
			lon := *parent.Lon + spec.radius*math.Cos(angle)/math.Cos(*parent.Lat*math.Pi/180)
			p := post{code: fmt.Sprintf("%s-D%d", spec.parent, k), lat: lat, lon: lon}
			out[spec.parent] = append(out[spec.parent], p)
			if _, err := db.FindTerritoryByCode(ctx, p.code); err == nil {
				continue
			} else if aldyn.ErrorCode(err) != aldyn.ENOTFOUND {
				return nil, err
			}
			t := &aldyn.Territory{Code: p.code, ParentCode: spec.parent, Lat: &lat, Lon: &lon, Source: "synthetic demo data",
				NameKy: fmt.Sprintf("%s, милициянын №%d участкалык пункту (демо)", parent.NameKy, k),
				NameRu: fmt.Sprintf("%s, участковый пункт милиции №%d (демо)", parent.NameRu, k),
				NameEn: fmt.Sprintf("%s, community police post No. %d (demo)", parent.NameEn, k)}
			if err := db.CreatePrecinct(ctx, aldyn.System, t, nil); err != nil {
				return nil, fmt.Errorf("demo precinct %s: %w", p.code, err)
			}
		}
	}
	return out, nil
}

// nearestPost returns the code of the post nearest a location.
func nearestPost(posts []post, lat, lon float64) string {
	best, bestD := "", math.Inf(1)
	k := math.Cos(lat * math.Pi / 180)
	for _, p := range posts {
		dy, dx := p.lat-lat, (p.lon-lon)*k
		if d := dx*dx + dy*dy; d < bestD {
			best, bestD = p.code, d
		}
	}
	return best
}
