package surveys_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"fmt"
	"slices"
	"strconv"
	"testing"

	"github.com/aldyn-kg/aldyn"
	"github.com/aldyn-kg/aldyn/internal/disclosure/disclosuretest"
	"github.com/aldyn-kg/aldyn/internal/opendata"
	"github.com/aldyn-kg/aldyn/internal/store/storetest"
	"github.com/aldyn-kg/aldyn/internal/survey"
	"github.com/aldyn-kg/aldyn/internal/surveys"
)

// TestTrustIndexDataset: a national survey with the two demo waves; the
// dataset carries exactly the trust indexes the module publishes as
// reliable, with their intervals, and none from fewer respondents than the
// module's minimum.
func TestTrustIndexDataset(t *testing.T) {
	db, ctx := storetest.MustOpenDB(t), context.Background()
	sv := surveys.Standard("national", "41700000000000")
	sv.Status = aldyn.SurveyRunning
	if err := db.CreateSurvey(ctx, aldyn.System, sv); err != nil {
		t.Fatal(err)
	}
	ts, err := db.TerritoryNames(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var districts []surveys.District
	for i, tr := range ts {
		if tr.Level == aldyn.LevelRegion {
			pop := float64(200000 + 150000*(i%5))
			if len(districts) == 0 {
				pop = 3000 // too few respondents: its indexes are withheld
			}
			districts = append(districts, surveys.District{tr.Code, pop})
		}
	}
	want := map[string]surveys.TrustRow{}
	withheld := 0
	for i, w := range surveys.DemoWaves {
		rs := surveys.Demo(w, districts, uint64(i+1))
		if _, err := db.AddResponses(ctx, aldyn.System, sv.ID, rs); err != nil {
			t.Fatal(err)
		}
		smp, err := surveys.LoadSample(ctx, db, sv, w.Wave)
		if err != nil {
			t.Fatal(err)
		}
		for _, by := range []string{"", surveys.ByTerritory} {
			rows, err := surveys.TrustIndex(smp, by)
			if err != nil {
				t.Fatal(err)
			}
			for _, r := range rows {
				code := r.Group
				if by == "" {
					code = sv.TerritoryCode
				}
				if r.Reliable && r.Estimate != nil {
					want[w.Wave+"|"+code+"|"+r.BodyType] = r
				} else {
					withheld++
				}
			}
		}
	}
	b := opendata.BuildDataset(ctx, db, opendata.Lookup("survey-trust-index"), opendata.Input{K: 5})
	if b.Err != nil {
		t.Fatal(b.Err)
	}
	res := b.Resource("trust-index.csv")
	if res == nil {
		t.Fatal("no trust-index.csv")
	}
	recs, err := csv.NewReader(bytes.NewReader(res.Body)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	header := []string{"survey", "wave", "level", "territory_code", "territory_ky", "territory_ru", "territory_en", "body_type", "trust_index", "ci_low", "ci_high", "n"}
	if !slices.Equal(recs[0], header) {
		t.Fatalf("header %v, want %v", recs[0], header)
	}
	if len(recs)-1 != len(want) || withheld == 0 {
		t.Fatalf("%d rows, want %d reliable ones (%d withheld)", len(recs)-1, len(want), withheld)
	}
	var cells []disclosuretest.Cell
	for _, r := range recs[1:] {
		w, ok := want[r[1]+"|"+r[3]+"|"+r[7]]
		if !ok {
			t.Fatalf("row %v: not a reliable published index", r)
		}
		for i, v := range []*float64{w.Estimate, w.CILow, w.CIHigh} {
			got, err := strconv.ParseFloat(r[8+i], 64)
			if err != nil || fmt.Sprintf("%.1f", got) != fmt.Sprintf("%.1f", *v) {
				t.Errorf("row %v: column %s %q, want %.1f", r[:8], header[8+i], r[8+i], *v)
			}
		}
		n, err := strconv.ParseInt(r[11], 10, 64)
		if err != nil || n != int64(w.UnweightedN) {
			t.Errorf("row %v: n %q, want %d", r[:8], r[11], w.UnweightedN)
		}
		cells = append(cells, disclosuretest.Cell{Key: fmt.Sprint(r[:8]), Published: n, True: int64(w.UnweightedN)})
	}
	// No index from fewer respondents than the surveys' minimum.
	for _, msg := range disclosuretest.Check(cells, nil, survey.MinRespondents) {
		t.Error(msg)
	}
}
