package surveyform

import (
	"bytes"
	"errors"
	"strings"
	"testing"

	"github.com/aldyn-kg/aldyn"
	"github.com/aldyn-kg/aldyn/internal/importer"
)

func mustKoboSurvey(tb testing.TB) *aldyn.Survey {
	tb.Helper()
	return mustRead(tb, mustWorkbook(tb, koboForm(), "survey", "choices", "settings"))
}

const district = "41708203000000"

func TestAnswersHonourSkipLogic(t *testing.T) {
	sv := mustKoboSurvey(t)
	in := map[string]string{"district": district, "sex": "f", "age": "34", "safe_night": "rather_safe",
		"victim": "theft", "reported": "yes", "why_not": "they would not help", "loss": "1500,5"}
	got, v := Answers(sv, in, 2026)
	if len(v) != 0 {
		t.Fatalf("got problems %v", v)
	}
	// why_not is asked only when reported = no: its answer is dropped.
	if _, ok := got["why_not"]; ok || got["loss"] != "1500.5" || got["victim"] != "theft" {
		t.Errorf("got %v; want why_not dropped, loss 1500.5", got)
	}
	// Under 18: the safety section is skipped, so its required question is not required.
	in["age"], in["safe_night"] = "16", ""
	if _, v := Answers(sv, in, 2026); len(v) != 0 {
		t.Errorf("a skipped section's required question: got %v", v)
	}
	for _, tt := range []struct {
		name, q, answer, reason string
	}{
		{"required", "sex", "", "surveys.error.answer_required"},
		{"unknown choice", "sex", "x", "surveys.error.answer_choice"},
		{"unknown choice among several", "victim", "theft arson", "surveys.error.answer_choice"},
		{"not an integer", "age", "34.5", "surveys.error.answer_integer"},
		{"not a number", "loss", "much", "surveys.error.answer_number"},
		{"not a date", "when", "01.03.2026", "surveys.error.answer_date"},
		{"not a territory code", "district", "Alamüdün", "surveys.error.answer_territory"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			in := map[string]string{"district": district, "sex": "m", "age": "40", "safe_night": "very_safe", "victim": "fraud", "reported": "yes", "loss": "1"}
			in[tt.q] = tt.answer
			if _, v := Answers(sv, in, 2026); v[tt.q] != tt.reason {
				t.Errorf("got %v, want %s: %s", v, tt.q, tt.reason)
			}
		})
	}
	for _, text := range []string{"call me on +996 555 123 456", "0555123456", "ПИН 21501199012345"} {
		in := map[string]string{"district": district, "sex": "m", "age": "40", "safe_night": "very_safe", "victim": "fraud", "reported": "no", "why_not": text}
		if _, v := Answers(sv, in, 2026); v["why_not"] != "surveys.error.answer_personal" {
			t.Errorf("free text %q: got %v, want it refused as personal data", text, v)
		}
	}
}

// A KoboToolbox export: metadata columns, group paths, a multiple choice
// both as one column and split per choice, a _uuid per submission.
const koboExport = `start,end,district,sex,age,safety/safe_night,victim,victim/theft,victim/fraud,victim/none,reported,why_not,loss,when,_id,_uuid,_submission_time,_weight
2026-03-01T10:00:00,2026-03-01T10:09:00,41708203000000,f,34,rather_unsafe,theft fraud,1,1,0,no,afraid,,2026-01-15,1,uuid-1,2026-03-01T10:09:10,1.5
2026-03-01T11:00:00,2026-03-01T11:05:00,41703220000000,m,51,very_safe,none,0,0,1,,,,,2,uuid-2,2026-03-01T11:05:10,0.8
2026-03-02T09:00:00,2026-03-02T09:07:00,41708203000000,f,16,,fraud,0,1,0,yes,,200,2026-02-01,3,uuid-3,2026-03-02T09:07:10,1
`

func TestReadKoboExport(t *testing.T) {
	sv := mustKoboSurvey(t)
	rs, err := ReadResponses(strings.NewReader(koboExport), importer.CSV, sv, "2026", 2026)
	if err != nil {
		t.Fatal(err)
	}
	if len(rs) != 3 {
		t.Fatalf("got %d responses, want 3", len(rs))
	}
	r := rs[0]
	if r.ExternalID != "uuid-1" || r.Weight != 1.5 || r.TerritoryCode != district || r.Answers["victim"] != "theft fraud" ||
		r.Answers["safe_night"] != "rather_unsafe" || r.Answers["why_not"] != "afraid" || r.Wave != "2026" {
		t.Errorf("first response: got %+v", r)
	}
	if _, ok := r.Answers["start"]; ok {
		t.Error("metadata kept as an answer")
	}
	if _, ok := rs[2].Answers["safe_night"]; ok {
		t.Error("a skipped section's answer kept")
	}
}

func TestReadResponsesReportsEveryBadRow(t *testing.T) {
	sv := mustKoboSurvey(t)
	bad := strings.Replace(koboExport, ",f,34,rather_unsafe,", ",x,34,rather_unsafe,", 1)
	bad = strings.Replace(bad, ",m,51,very_safe,", ",m,fifty,very_safe,", 1)
	bad = strings.Replace(bad, ",yes,,200,", ",yes,,200,", 1)
	bad = strings.Replace(bad, "uuid-3,2026-03-02T09:07:10,1", "uuid-3,2026-03-02T09:07:10,-2", 1)
	_, err := ReadResponses(strings.NewReader(bad), importer.CSV, sv, "2026", 2026)
	var errs RowErrors
	if !errors.As(err, &errs) {
		t.Fatalf("got %v, want row errors", err)
	}
	want := []RowError{{2, "sex", "surveys.error.answer_choice"}, {3, "age", "surveys.error.answer_integer"}, {4, "_weight", "surveys.error.weight"}}
	for _, w := range want {
		found := false
		for _, e := range errs {
			found = found || e == w
		}
		if !found {
			t.Errorf("got %v, want %+v among them", errs, w)
		}
	}
	noSex := strings.Replace(koboExport, "district,sex,", "district,gender,", 1)
	if _, err := ReadResponses(strings.NewReader(noSex), importer.CSV, sv, "2026", 2026); !errors.As(err, &errs) || errs[0] != (RowError{1, "sex", "surveys.error.column_missing"}) {
		t.Errorf("required question without a column: got %v", err)
	}
	dup := strings.Replace(koboExport, "uuid-2", "uuid-1", 1)
	if _, err := ReadResponses(strings.NewReader(dup), importer.CSV, sv, "2026", 2026); !errors.As(err, &errs) || errs[0].Reason != "surveys.error.duplicate_submission" {
		t.Errorf("a submission twice: got %v", err)
	}
}

// The same export as XLSX (KoboToolbox's default download).
func TestReadKoboExportXLSX(t *testing.T) {
	sv := mustKoboSurvey(t)
	var rows [][]string
	for _, line := range strings.Split(strings.TrimSpace(koboExport), "\n") {
		rows = append(rows, strings.Split(line, ","))
	}
	data := mustWorkbook(t, map[string][][]string{"safety_2026": rows}, "safety_2026")
	rs, err := ReadResponses(bytes.NewReader(data), importer.XLSX, sv, "2026", 2026)
	if err != nil {
		t.Fatal(err)
	}
	if len(rs) != 3 || rs[0].ExternalID != "uuid-1" || rs[0].Answers["victim"] != "theft fraud" || rs[1].TerritoryCode != "41703220000000" {
		t.Errorf("got %d responses, first %+v", len(rs), rs[0])
	}
}
