package demo

import (
	"context"
	"fmt"

	"github.com/aldyn-kg/aldyn"
	"github.com/aldyn-kg/aldyn/internal/store"
)

// Demo ratings of district police departments by ayil okmotus and
// coordination commissions (issue 17 item 8), for the year the demo is
// loaded in, marked demo: four for Alamüdün and three for Suzak (counted
// in their scorecards), one for Sokuluk (shown flagged as too few).

// raterBodies are the demo rating bodies besides those of Bodies and
// residentBodies.
var raterBodies = []Body{
	{"tash-dobo-ao", aldyn.Body{TerritoryCode: Alamudun, Type: "local_government",
		NameKy: "Таш-Дөбө айыл өкмөтү", NameRu: "Таш-Дёбёнский айыл окмоту", NameEn: "Tash-Döbö Ayil Okmotu", Notes: "Demo record"}},
}

// sokuluk is the district rated once, by the oblast's commission.
const sokuluk = "41708222000000"

type demoRating struct {
	unit, body string
	scores     [7]int // in aldyn.RatingCriteria's order
}

var demoRatings = []demoRating{
	{Alamudun, "alamudun-ao", [7]int{4, 4, 3, 4, 3, 4, 4}},
	{Alamudun, "tash-dobo-ao", [7]int{3, 4, 3, 3, 2, 3, 3}},
	{Alamudun, "alamudun-commission", [7]int{4, 5, 4, 3, 4, 4, 4}},
	{Alamudun, "chui-commission", [7]int{4, 4, 3, 4, 3, 3, 4}},
	{Suzak, "suzak-ao", [7]int{3, 3, 2, 3, 3, 2, 3}},
	{Suzak, "suzak-commission", [7]int{3, 4, 3, 2, 3, 3, 3}},
	{Suzak, "jalal-abad-commission", [7]int{3, 3, 3, 3, 2, 3, 3}},
	{sokuluk, "chui-commission", [7]int{4, 3, 4, 4, 3, 4, 4}},
}

// LoadUnitRatings adds the demo ratings once (none when any rating of the
// year exists). Bodies or districts missing from the database (a test's
// reduced reference data) get none.
func LoadUnitRatings(ctx context.Context, db *store.DB) error {
	year := db.Now().Year()
	if got, err := db.UnitRatingSummaries(ctx, &year); err != nil || len(got) > 0 {
		return err
	}
	ids, err := BodyIDs(ctx, db)
	if err != nil {
		return err
	}
	for _, b := range residentBodies {
		if ids[b.Key], err = bodyID(ctx, db, b); err != nil {
			return err
		}
	}
	for _, b := range raterBodies {
		if ids[b.Key], err = bodyID(ctx, db, b); err != nil || ids[b.Key] != 0 {
			continue
		}
		body := b.Body
		if err := db.CreateBody(ctx, aldyn.System, &body); err != nil {
			return fmt.Errorf("demo body %s: %w", b.Key, err)
		}
		ids[b.Key] = body.ID
	}
	for _, d := range demoRatings {
		id := ids[d.body]
		if _, err := db.FindTerritoryByCode(ctx, d.unit); id == 0 || err != nil {
			continue
		}
		r := &aldyn.UnitRating{UnitCode: d.unit, Year: year, BodyID: id, Scores: map[string]int{}, Demo: true, Comment: "Демо баа"}
		for i, c := range aldyn.RatingCriteria {
			r.Scores[c] = d.scores[i]
		}
		if err := db.CreateUnitRating(ctx, aldyn.System, r); err != nil {
			return fmt.Errorf("demo rating of %s by %s: %w", d.unit, d.body, err)
		}
	}
	return nil
}

// bodyID finds the demo body b by its territory and Russian name (0 when
// it is not in the database).
func bodyID(ctx context.Context, db *store.DB, b Body) (int64, error) {
	code := b.TerritoryCode
	bs, _, err := db.FindBodies(ctx, aldyn.BodyFilter{TerritoryCode: &code, Page: aldyn.Page{Limit: aldyn.MaxLimit}})
	if err != nil {
		return 0, err
	}
	for _, x := range bs {
		if x.NameRu == b.NameRu {
			return x.ID, nil
		}
	}
	return 0, nil
}
