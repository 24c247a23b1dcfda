package stats

import (
	"bytes"
	"math"
	"slices"
	"strings"
	"testing"

	"github.com/aldyn-kg/aldyn/internal/refdata"
)

func TestParseOfficial(t *testing.T) {
	figs := Official()
	if len(figs) != 80 {
		t.Fatalf("got %d figures, want 80", len(figs))
	}
	var fraud2020 []OfficialFigure
	for _, f := range figs {
		if f.Key == keyFraud && f.Year == "2020" {
			fraud2020 = append(fraud2020, f)
		}
	}
	if len(fraud2020) != 2 || fraud2020[0].Section != "1" || fraud2020[0].Value != 6736 ||
		fraud2020[1].Section != "5.2" || fraud2020[1].Value != 7007 {
		t.Errorf("fraud 2020: got %+v, want Table 1 6736 and §5.2 7007", fraud2020)
	}
	var damage OfficialFigure
	for _, f := range figs {
		if f.Key == "economic_crime_material_damage" && f.Year == "2018" {
			damage = f
		}
	}
	if damage.Value != 18600000000 || damage.ValueAsStated != "18,6 млрд сом" || damage.Unit != "KGS" {
		t.Errorf("damage 2018: got %+v", damage)
	}

	head := "indicator_key,indicator_en,indicator_ky,territory,year,value,unit,source_en,section,value_as_stated\n"
	for _, tc := range []struct{ name, csv, want string }{
		{"bad value", head + "a,b,c,KG,2020,1.2,count,s,1,x\na,b,c,KG,2021,\"1 200\",count,s,1,x\n", "row 3"},
		{"short row", head + "a,b,c,KG,2020,1,count\n", "row 2"},
		{"no key", head + ",b,c,KG,2020,1,count,s,1,x\n", "row 2"},
		{"bad header", strings.Replace(head, "value,", "val,", 1), "row 1"},
		{"empty", "", "row 1"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ParseOfficial(strings.NewReader(tc.csv))
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("got error %v, want one naming %s", err, tc.want)
			}
		})
	}
}

func checkByID(checks []Check) map[string]Check {
	m := make(map[string]Check)
	for _, c := range checks {
		m[c.ID] = c
	}
	return m
}

func TestOfficialChecks(t *testing.T) {
	got := checkByID(OfficialChecks(Official()))
	for _, want := range []struct {
		id, display string
		ok          bool
	}{
		{"C1", "25.65", true},
		{"C2", "743", true},
		{"C3", "90", true},
		{"C4", "78405, 72233, 82925", true},
		{"C5", "47, 25, 30", true},
		{"C6", "248", true},
		{"C7", "50", true},
		{"C8", "200", true},
		{"C9", "2.63", true},
		{"C10-2019", "30.81", true},
		{"C10-2020", "25.28", true},
		{"C10-2021", "29.73", true},
		{"Y2020", "-7.87", true},
		{"Y2021", "+14.80", true},
		{"D1", "271", false},
	} {
		t.Run(want.id, func(t *testing.T) {
			c, found := got[want.id]
			if !found {
				t.Fatalf("no check %s", want.id)
			}
			if c.Display != want.display || c.OK != want.ok {
				t.Errorf("got %q ok=%v, want %q ok=%v (%s %v)", c.Display, c.OK, want.display, want.ok, c.Formula, c.Args)
			}
			if c.Formula == "" || len(c.Args) == 0 || (c.Stated == "") == (c.StatedKey == "") || len(c.Missing) > 0 {
				t.Errorf("formula %q %v, stated %q or %q, missing %v", c.Formula, c.Args, c.Stated, c.StatedKey, c.Missing)
			}
		})
	}
	if v := got["C2"].Value; math.Abs(v-743.3333333) > 1e-6 {
		t.Errorf("C2 value: got %v, want 743.33…", v)
	}
	if len(got) != 15 {
		t.Errorf("got %d checks, want 15", len(got))
	}
}

// TestOfficialChecksFollowData changes figures in the CSV and expects the
// checks to follow: nothing is hard-coded.
func TestOfficialChecksFollowData(t *testing.T) {
	orig := string(refdata.MustRead("official-statistics.csv"))
	mutate := func(t *testing.T, old, new string) map[string]Check {
		t.Helper()
		if strings.Count(orig, old) != 1 {
			t.Fatalf("%q occurs %d times", old, strings.Count(orig, old))
		}
		figs, err := ParseOfficial(strings.NewReader(strings.Replace(orig, old, new, 1)))
		if err != nil {
			t.Fatal(err)
		}
		return checkByID(OfficialChecks(figs))
	}
	t.Run("§5.2 fraud set to Table 1's", func(t *testing.T) {
		got := mutate(t, "KG,2020,7007,count", "KG,2020,6736,count")
		if c := got["C1"]; c.Display != "25.28" || c.OK {
			t.Errorf("C1: got %q ok=%v, want 25.28 not OK", c.Display, c.OK)
		}
		if c := got["D1"]; c.Display != "0" || !c.OK {
			t.Errorf("D1: got %q ok=%v, want 0 OK", c.Display, c.OK)
		}
	})
	t.Run("road deaths changed", func(t *testing.T) {
		got := mutate(t, ",2230,count", ",2231,count")
		if c := got["C2"]; c.Display != "744" || c.OK {
			t.Errorf("C2: got %q ok=%v, want 744 not OK", c.Display, c.OK)
		}
	})
	t.Run("2020 total changed", func(t *testing.T) {
		got := mutate(t, "KG,2020,72233,count", "KG,2020,70000,count")
		if c := got["C4"]; c.OK {
			t.Errorf("C4: got OK with a total of 70000")
		}
		if c := got["Y2020"]; c.Display != "-10.72" {
			t.Errorf("Y2020: got %q, want -10.72", c.Display)
		}
	})
	t.Run("figure removed", func(t *testing.T) {
		var b bytes.Buffer
		for _, line := range strings.SplitAfter(orig, "\n") {
			if !strings.HasPrefix(line, "victims_not_reporting_share,") {
				b.WriteString(line)
			}
		}
		figs, err := ParseOfficial(&b)
		if err != nil {
			t.Fatal(err)
		}
		c := checkByID(OfficialChecks(figs))["C9"]
		if c.OK || !slices.Contains(c.Missing, "victims_not_reporting_share 2015") {
			t.Errorf("C9 without its figure: got %+v, want not OK and missing named", c)
		}
	})
}

func TestRoundHalfUp(t *testing.T) {
	for _, tc := range []struct {
		v    float64
		d    int
		want string
	}{
		{2.675, 2, "2.68"}, {2.665, 2, "2.67"}, {0.5, 0, "1"}, {1.5, 0, "2"}, {-7.875, 2, "-7.88"},
		{743.333, 0, "743"}, {0.004, 2, "0.00"}, {-0.001, 2, "0.00"}, {14.8, 2, "14.80"}, {0.05, 1, "0.1"},
	} {
		if got := roundHalfUp(tc.v, tc.d); got != tc.want {
			t.Errorf("roundHalfUp(%v, %d): got %q, want %q", tc.v, tc.d, got, tc.want)
		}
	}
}
