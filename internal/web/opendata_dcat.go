package web

import (
	"encoding/json"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/aldyn-kg/aldyn/internal/opendata"
)

// The DCAT-AP catalogue of the published datasets, so that national and
// European portals can harvest it: one RDF graph, written as JSON-LD
// (/catalog.jsonld) and as Turtle (/catalog.ttl). Classes and properties
// follow DCAT-AP 2.1 (and hold in 3.0): a dcat:Catalog with dct:title,
// dct:description and dct:publisher; dcat:Dataset with dct:title,
// dct:description, dcat:distribution, dcat:keyword, dcat:theme (the EU
// data themes), dct:publisher, dct:spatial, dct:temporal,
// dct:accrualPeriodicity (the EU frequencies), dct:issued, dct:modified;
// dcat:Distribution with dcat:accessURL, dcat:downloadURL, dct:format (the
// EU file types), dcat:mediaType (IANA), dct:license and dcat:byteSize.

var rdfPrefixes = [][2]string{
	{"adms", "http://www.w3.org/ns/adms#"},
	{"dcat", "http://www.w3.org/ns/dcat#"},
	{"dct", "http://purl.org/dc/terms/"},
	{"foaf", "http://xmlns.com/foaf/0.1/"},
	{"rdf", "http://www.w3.org/1999/02/22-rdf-syntax-ns#"},
	{"spdx", "http://spdx.org/rdf/terms#"},
	{"vcard", "http://www.w3.org/2006/vcard/ns#"},
	{"xsd", "http://www.w3.org/2001/XMLSchema#"},
}

const euAuthority = "http://publications.europa.eu/resource/authority/"

// rdfObject is an IRI, a blank node ("_:…") or a literal with a language
// or a datatype (a prefixed name).
type rdfObject struct {
	IRI, Literal, Lang, Datatype string
}

type rdfTriple struct {
	S, P string // subject IRI or blank node; predicate as a prefixed name
	O    rdfObject
}

type rdfGraph struct{ triples []rdfTriple }

func (g *rdfGraph) iri(s, p, o string) {
	g.triples = append(g.triples, rdfTriple{s, p, rdfObject{IRI: o}})
}
func (g *rdfGraph) lit(s, p, v, lang string) {
	if v != "" {
		g.triples = append(g.triples, rdfTriple{s, p, rdfObject{Literal: v, Lang: lang}})
	}
}
func (g *rdfGraph) typed(s, p, v, dt string) {
	g.triples = append(g.triples, rdfTriple{s, p, rdfObject{Literal: v, Datatype: dt}})
}

var (
	euFileType = map[string]string{"CSV": "CSV", "XLSX": "XLSX", "JSON": "JSON", "GeoJSON": "GEOJSON"}
	euTheme    = map[string]string{opendata.ThemeOffenses: "JUST", opendata.ThemeOfficial: "JUST", opendata.ThemePlans: "GOVE", opendata.ThemeCoordination: "GOVE"}
)

// catalogGraph is the catalogue of a snapshot's published datasets.
func (s *Server) catalogGraph(r *http.Request, snap *opendata.Snapshot) *rdfGraph {
	base := baseURL(r)
	pub := s.openPublisher(r)
	g := &rdfGraph{}
	cat := base + "/catalog"
	pubIRI := base + "/bodies/" + strconv.FormatInt(pub.ID, 10)
	g.iri(cat, "rdf:type", "http://www.w3.org/ns/dcat#Catalog")
	g.lit(cat, "dct:title", "Aldyn ачык маалыматтары", "ky")
	g.lit(cat, "dct:title", "Открытые данные Aldyn", "ru")
	g.lit(cat, "dct:title", "Aldyn open data", "en")
	g.lit(cat, "dct:description", "Укук бузуулардын алдын алуу саясатынын жеке маалыматсыз статистикасы.", "ky")
	g.lit(cat, "dct:description", "Обезличенная статистика политики профилактики правонарушений.", "ru")
	g.lit(cat, "dct:description", "Depersonalised statistics of the offense-prevention policy of the Kyrgyz Republic.", "en")
	g.iri(cat, "dct:publisher", pubIRI)
	g.iri(cat, "foaf:homepage", base+"/open")
	for _, l := range []string{"KIR", "RUS", "ENG"} {
		g.iri(cat, "dct:language", euAuthority+"language/"+l)
	}
	g.iri(pubIRI, "rdf:type", "http://xmlns.com/foaf/0.1/Agent")
	g.lit(pubIRI, "foaf:name", pub.NameKy, "ky")
	g.lit(pubIRI, "foaf:name", pub.NameRu, "ru")
	g.lit(pubIRI, "foaf:name", pub.Title, "en")
	var modified time.Time
	blank := 0
	for _, b := range snap.Published() {
		d := b.Dataset
		ds := base + "/open/" + d.Slug
		g.iri(cat, "dcat:dataset", ds)
		g.iri(ds, "rdf:type", "http://www.w3.org/ns/dcat#Dataset")
		g.lit(ds, "dct:identifier", d.Slug, "")
		for _, l := range []string{"ky", "ru", "en"} {
			g.lit(ds, "dct:title", d.Title.In(l), l)
			g.lit(ds, "dct:description", d.Description.In(l), l)
		}
		for _, k := range d.Keywords {
			g.lit(ds, "dcat:keyword", k, "en")
		}
		g.iri(ds, "dcat:theme", euAuthority+"data-theme/"+euTheme[d.Theme])
		g.iri(ds, "dct:publisher", pubIRI)
		g.iri(ds, "dcat:landingPage", ds)
		g.iri(ds, "dct:spatial", euAuthority+"country/KGZ")
		g.iri(ds, "dct:accrualPeriodicity", euAuthority+"frequency/"+d.Frequency)
		g.typed(ds, "dct:issued", b.Version.CreatedAt.UTC().Format(time.RFC3339), "xsd:dateTime")
		g.typed(ds, "dct:modified", b.Version.BuiltAt.UTC().Format(time.RFC3339), "xsd:dateTime")
		g.lit(ds, "adms:versionInfo", strconv.Itoa(b.Version.Version), "")
		if b.Version.BuiltAt.After(modified) {
			modified = b.Version.BuiltAt
		}
		if !b.From.IsZero() {
			blank++
			p := "_:period" + strconv.Itoa(blank)
			g.iri(ds, "dct:temporal", p)
			g.iri(p, "rdf:type", "http://purl.org/dc/terms/PeriodOfTime")
			g.typed(p, "dcat:startDate", b.From.Format(time.DateOnly), "xsd:date")
			g.typed(p, "dcat:endDate", b.To.AddDate(0, 0, -1).Format(time.DateOnly), "xsd:date")
		}
		li := opendata.LicenceInfos[snap.Licence(d.Slug)]
		for _, res := range b.Resources {
			dist := ds + "/" + res.Name
			g.iri(ds, "dcat:distribution", dist)
			g.iri(dist, "rdf:type", "http://www.w3.org/ns/dcat#Distribution")
			g.lit(dist, "dct:title", res.Table.Title.EN+" ("+res.Format+")", "en")
			g.iri(dist, "dcat:accessURL", dist)
			g.iri(dist, "dcat:downloadURL", dist)
			g.iri(dist, "dct:format", euAuthority+"file-type/"+euFileType[res.Format])
			g.iri(dist, "dcat:mediaType", "https://www.iana.org/assignments/media-types/"+res.MediaType)
			g.iri(dist, "dct:license", li.URL)
			g.typed(dist, "dcat:byteSize", strconv.Itoa(len(res.Body)), "xsd:nonNegativeInteger")
			g.typed(dist, "dct:modified", b.Version.CreatedAt.UTC().Format(time.RFC3339), "xsd:dateTime")
		}
		if dp := snap.Packages[d.Slug]; dp != nil {
			dist := ds + "/datapackage.json"
			g.iri(ds, "dcat:distribution", dist)
			g.iri(dist, "rdf:type", "http://www.w3.org/ns/dcat#Distribution")
			g.lit(dist, "dct:title", "Frictionless Data Package", "en")
			g.iri(dist, "dcat:accessURL", dist)
			g.iri(dist, "dcat:downloadURL", dist)
			g.iri(dist, "dct:format", euAuthority+"file-type/JSON")
			g.iri(dist, "dcat:mediaType", "https://www.iana.org/assignments/media-types/application/json")
			g.iri(dist, "dct:conformsTo", "https://specs.frictionlessdata.io/tabular-data-package/")
			g.iri(dist, "dct:license", li.URL)
		}
	}
	if !modified.IsZero() {
		g.typed(cat, "dct:modified", modified.UTC().Format(time.RFC3339), "xsd:dateTime")
	}
	return g
}

// subjects groups the triples by subject, in first-seen order.
func (g *rdfGraph) subjects() ([]string, map[string][]rdfTriple) {
	var order []string
	by := map[string][]rdfTriple{}
	for _, t := range g.triples {
		if _, ok := by[t.S]; !ok {
			order = append(order, t.S)
		}
		by[t.S] = append(by[t.S], t)
	}
	return order, by
}

// jsonLD writes the graph as JSON-LD: a @context of the prefixes and a
// @graph of node objects.
func (g *rdfGraph) jsonLD() any {
	ctx := map[string]any{}
	for _, p := range rdfPrefixes {
		ctx[p[0]] = p[1]
	}
	order, by := g.subjects()
	var nodes []map[string]any
	for _, s := range order {
		n := map[string]any{"@id": s}
		var types []string
		for _, t := range by[s] {
			if t.P == "rdf:type" {
				types = append(types, t.O.IRI)
				continue
			}
			var v map[string]any
			switch {
			case t.O.IRI != "":
				v = map[string]any{"@id": t.O.IRI}
			case t.O.Lang != "":
				v = map[string]any{"@value": t.O.Literal, "@language": t.O.Lang}
			case t.O.Datatype != "":
				v = map[string]any{"@value": t.O.Literal, "@type": t.O.Datatype}
			default:
				v = map[string]any{"@value": t.O.Literal}
			}
			list, _ := n[t.P].([]map[string]any)
			n[t.P] = append(list, v)
		}
		if len(types) > 0 {
			n["@type"] = types
		}
		nodes = append(nodes, n)
	}
	return map[string]any{"@context": ctx, "@graph": nodes}
}

func turtleIRI(s string) string {
	if strings.HasPrefix(s, "_:") {
		return s
	}
	r := strings.NewReplacer(">", "%3E", "<", "%3C", `"`, "%22", " ", "%20", `\`, "%5C")
	return "<" + r.Replace(s) + ">"
}

func turtleString(s string) string {
	r := strings.NewReplacer(`\`, `\\`, `"`, `\"`, "\n", `\n`, "\r", `\r`, "\t", `\t`)
	return `"` + r.Replace(s) + `"`
}

// turtle writes the graph in Turtle.
func (g *rdfGraph) turtle() []byte {
	var b strings.Builder
	for _, p := range rdfPrefixes {
		b.WriteString("@prefix " + p[0] + ": <" + p[1] + "> .\n")
	}
	order, by := g.subjects()
	for _, s := range order {
		b.WriteString("\n" + turtleIRI(s))
		ts := by[s]
		sort.SliceStable(ts, func(i, j int) bool { return ts[i].P == "rdf:type" && ts[j].P != "rdf:type" })
		for i, t := range ts {
			sep := " ;\n    "
			if i == 0 {
				sep = "\n    "
			}
			p := t.P
			if p == "rdf:type" {
				p = "a"
			}
			var o string
			switch {
			case t.O.IRI != "":
				o = turtleIRI(t.O.IRI)
			case t.O.Lang != "":
				o = turtleString(t.O.Literal) + "@" + t.O.Lang
			case t.O.Datatype != "":
				o = turtleString(t.O.Literal) + "^^" + t.O.Datatype
			default:
				o = turtleString(t.O.Literal)
			}
			b.WriteString(sep + p + " " + o)
		}
		b.WriteString(" .\n")
	}
	return []byte(b.String())
}

func (s *Server) catalogJSONLD(w http.ResponseWriter, r *http.Request) error {
	return s.serveCatalog(w, r, "application/ld+json; charset=utf-8", func(g *rdfGraph) ([]byte, error) {
		return json.MarshalIndent(g.jsonLD(), "", " ")
	})
}

func (s *Server) catalogTTL(w http.ResponseWriter, r *http.Request) error {
	return s.serveCatalog(w, r, "text/turtle; charset=utf-8", func(g *rdfGraph) ([]byte, error) { return g.turtle(), nil })
}

// serveCatalog answers the catalogue in one serialisation, computed once
// per snapshot and host.
func (s *Server) serveCatalog(w http.ResponseWriter, r *http.Request, ctype string, write func(*rdfGraph) ([]byte, error)) error {
	snap, err := s.open.cat.Current(r.Context())
	if err != nil {
		return err
	}
	a, err := s.open.cachedAnswer(snap, baseURL(r)+"\x00"+r.URL.Path, func() (openAnswer, error) {
		b, err := write(s.catalogGraph(r, snap))
		if err != nil {
			return openAnswer{}, err
		}
		return openAnswer{body: b, gz: gzipIfLarge(b), etag: `"` + shortHash(b) + `"`, ctype: ctype, status: http.StatusOK,
			modified: (&ckanView{snap: snap}).modified()}, nil
	})
	if err != nil {
		return err
	}
	serveBytes(w, r, a.body, a.gz, a.etag, a.ctype, a.modified, true)
	return nil
}
