package datasets_test

import (
	"context"
	"testing"

	"github.com/aldyn-kg/aldyn"
	"github.com/aldyn-kg/aldyn/internal/datasets"
	"github.com/aldyn-kg/aldyn/internal/store/storetest"
)

var nationalAdmin = &aldyn.Actor{UserID: 1, Role: aldyn.RoleAdministrator, TerritoryPath: "/41700000000000/"}

// TestInstallConcept installs the Concept's data sets twice: everything
// validates, every rule names elements of its data set, and the second
// install changes nothing.
func TestInstallConcept(t *testing.T) {
	db, ctx := storetest.MustOpenDB(t), context.Background()
	created, err := datasets.Install(ctx, db, nationalAdmin)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"protection_orders", "juvenile", "police_staff", "training", "campaigns", "legal_acts", "complaints"}
	if len(created) != len(want) {
		t.Fatalf("created %v, want %v", created, want)
	}
	for _, code := range want {
		s, err := db.FindActiveDataSet(ctx, code)
		if err != nil {
			t.Fatalf("%s: %v", code, err)
		}
		for _, e := range s.Elements {
			if !e.Name.Complete() {
				t.Errorf("%s: element %s lacks a translation", code, e.Code)
			}
		}
		rules, _, err := db.FindValidationRules(ctx, aldyn.ValidationRuleFilter{DataSetCode: &code})
		if err != nil || len(rules) == 0 {
			t.Errorf("%s: rules %v %v", code, rules, err)
		}
	}
	again, err := datasets.Install(ctx, db, nationalAdmin)
	if err != nil || len(again) != 0 {
		t.Errorf("second install: %v %v", again, err)
	}
	ss, total, err := db.FindDataSets(ctx, aldyn.DataSetFilter{})
	if err != nil || total != len(want) || len(ss) != len(want) {
		t.Errorf("data sets after two installs: %d %v", total, err)
	}
}
