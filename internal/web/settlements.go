package web

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/aldyn-kg/aldyn"
	"github.com/aldyn-kg/aldyn/internal/settlements"
)

// settlementsAttribution credits the gazetteer wherever its names are
// drawn, as CC BY 4.0 asks.
const settlementsAttribution = `Settlements: <a href="https://www.geonames.org/">GeoNames</a> (<a href="https://creativecommons.org/licenses/by/4.0/">CC BY 4.0</a>)`

// apiSettlements serves the embedded gazetteer as GeoJSON points named in
// the request's language, biggest places first, each with the lowest map
// zoom at which it is worth a label.
func (s *Server) apiSettlements(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	lang := info(r).lang
	if l := q.Get("lang"); aldyn.IsLanguage(l) {
		lang = l
	}
	f := settlements.Filter{Query: q.Get("q"), Territory: strings.TrimSpace(q.Get("territory"))}
	if len([]rune(f.Query)) > 100 {
		return badParam("q")
	}
	if f.Territory != "" && !aldyn.ValidTerritoryCode(f.Territory) {
		return badParam("territory")
	}
	if v := q.Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 1000 {
			return badParam("limit")
		}
		f.Limit = n
	}
	ss := settlements.Find(f)
	fc := featureCollection{Type: "FeatureCollection", Features: make([]geoFeature, 0, len(ss)),
		Meta: map[string]any{"attribution": settlementsAttribution, "licence": "CC-BY-4.0"}}
	for _, st := range ss {
		props := map[string]any{"name": st.Label(lang), "name_latin": st.Name, "feature": st.Feature,
			"min_zoom": st.MinZoom(), "region_code": st.RegionCode, "territory_code": st.TerritoryCode, "geonameid": st.GeonameID}
		if st.Population > 0 {
			props["population"] = st.Population
		}
		fc.Features = append(fc.Features, geoFeature{Type: "Feature",
			Geometry: geoGeometry{Type: "Point", Coordinates: [2]float64{st.Lon, st.Lat}}, Properties: props})
	}
	w.Header().Set("Content-Type", "application/geo+json")
	// The list changes only with the binary.
	w.Header().Set("Cache-Control", "public, max-age=3600")
	return writeJSON(w, http.StatusOK, fc)
}
