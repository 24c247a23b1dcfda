// Package datasets owns the logic of reported figures (issue 19) beyond
// storing them: the Concept's own data sets shipped ready to install, the
// XLSX of a filled form, and the analysis of accepted values.
package datasets

import (
	"context"
	_ "embed"
	"fmt"

	"gopkg.in/yaml.v3"

	"github.com/aldyn-kg/aldyn"
	"github.com/aldyn-kg/aldyn/internal/store"
)

//go:embed concept.yaml
var conceptYAML []byte

// Shipped is the Concept's set of disaggregations, elements, data sets
// and rules, as concept.yaml holds them.
type Shipped struct {
	Disaggregations []aldyn.Disaggregation `yaml:"disaggregations"`
	Elements        []shippedElement       `yaml:"elements"`
	DataSets        []shippedDataSet       `yaml:"data_sets"`
}

type shippedElement struct {
	Code           string     `yaml:"code"`
	Name           aldyn.Text `yaml:"name"`
	Unit           aldyn.Text `yaml:"unit"`
	ValueType      string     `yaml:"value_type"`
	Aggregation    string     `yaml:"aggregation"`
	Disaggregation string     `yaml:"disaggregation"`
}

type shippedDataSet struct {
	Code         string     `yaml:"code"`
	Name         aldyn.Text `yaml:"name"`
	Description  aldyn.Text `yaml:"description"`
	PeriodType   string     `yaml:"period_type"`
	BodyTypes    []string   `yaml:"body_types"`
	Level        string     `yaml:"level"`
	DeadlineDays int        `yaml:"deadline_days"`
	Sensitive    bool       `yaml:"sensitive"`
	Elements     []string   `yaml:"elements"`
	Rules        []struct {
		Code       string     `yaml:"code"`
		Expression string     `yaml:"expression"`
		Severity   string     `yaml:"severity"`
		Message    aldyn.Text `yaml:"message"`
	} `yaml:"rules"`
}

// Concept parses the shipped definitions.
func Concept() (*Shipped, error) {
	var s Shipped
	if err := yaml.Unmarshal(conceptYAML, &s); err != nil {
		return nil, fmt.Errorf("datasets concept.yaml: %w", err)
	}
	return &s, nil
}

// Install creates what is missing of the shipped definitions and activates
// the data sets it creates; what exists (by code) is left as it is, so
// installing twice changes nothing. It returns the codes of the data sets
// created.
func Install(ctx context.Context, db *store.DB, actor *aldyn.Actor) ([]string, error) {
	sh, err := Concept()
	if err != nil {
		return nil, err
	}
	disaggs, err := db.FindDisaggregations(ctx)
	if err != nil {
		return nil, err
	}
	dIDs := map[string]int64{}
	for _, d := range disaggs {
		dIDs[d.Code] = d.ID
	}
	for _, d := range sh.Disaggregations {
		if dIDs[d.Code] != 0 {
			continue
		}
		if err := db.CreateDisaggregation(ctx, actor, &d); err != nil {
			return nil, fmt.Errorf("disaggregation %s: %w", d.Code, err)
		}
		dIDs[d.Code] = d.ID
	}
	elems, err := aldyn.AllPages(aldyn.Page{}, func(p aldyn.Page) ([]*aldyn.DataElement, int, error) {
		return db.FindDataElements(ctx, aldyn.DataElementFilter{Page: p})
	})
	if err != nil {
		return nil, err
	}
	eIDs := map[string]int64{}
	for _, e := range elems {
		eIDs[e.Code] = e.ID
	}
	for _, x := range sh.Elements {
		if eIDs[x.Code] != 0 {
			continue
		}
		e := &aldyn.DataElement{Code: x.Code, Name: x.Name, Unit: x.Unit, ValueType: x.ValueType, Aggregation: x.Aggregation}
		if x.Disaggregation != "" {
			if e.DisaggregationID = dIDs[x.Disaggregation]; e.DisaggregationID == 0 {
				return nil, fmt.Errorf("element %s: no disaggregation %s", x.Code, x.Disaggregation)
			}
		}
		if err := db.CreateDataElement(ctx, actor, e); err != nil {
			return nil, fmt.Errorf("element %s: %w", x.Code, err)
		}
		eIDs[x.Code] = e.ID
	}
	var created []string
	for _, x := range sh.DataSets {
		code := x.Code
		existing, _, err := db.FindDataSets(ctx, aldyn.DataSetFilter{Code: &code, Page: aldyn.Page{Limit: 1}})
		if err != nil {
			return nil, err
		}
		if len(existing) > 0 {
			continue
		}
		s := &aldyn.DataSet{Code: x.Code, Name: x.Name, Description: x.Description, PeriodType: x.PeriodType, BodyTypes: x.BodyTypes,
			Level: x.Level, DeadlineDays: x.DeadlineDays, Sensitive: x.Sensitive}
		for _, c := range x.Elements {
			if eIDs[c] == 0 {
				return nil, fmt.Errorf("data set %s: no element %s", x.Code, c)
			}
			s.ElementIDs = append(s.ElementIDs, eIDs[c])
		}
		if err := db.CreateDataSet(ctx, actor, s); err != nil {
			return nil, fmt.Errorf("data set %s: %w", x.Code, err)
		}
		for _, r := range x.Rules {
			rule := &aldyn.ValidationRule{DataSetCode: x.Code, Code: r.Code, Expression: r.Expression, Severity: r.Severity, Message: r.Message}
			if err := db.CreateValidationRule(ctx, actor, rule); err != nil {
				return nil, fmt.Errorf("data set %s rule %s: %w", x.Code, r.Code, err)
			}
		}
		if _, err := db.ActivateDataSet(ctx, actor, s.ID); err != nil {
			return nil, err
		}
		created = append(created, x.Code)
	}
	return created, nil
}
