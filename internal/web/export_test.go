package web_test

import (
	"bytes"
	"encoding/csv"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
)

// TestListExports downloads every list page as CSV and XLSX and reads the
// files back.
func TestListExports(t *testing.T) {
	f := mustFixture(t)
	cases := []struct {
		path, who string
		rows      int    // data rows expected
		contains  string // a cell text that must appear
	}{
		{"/territories?level=region", anon, 9, "Chüy Region"},
		{"/bodies?territory=" + codeA, anon, 1, "Аламүдүн ИИБ"},
		{"/users?role=analyst", adminKG, 2, "analysta"},
		{"/users?role=analyst", adminA, 1, "analysta"},
		{"/audit?entity=body", adminKG, 3, "Орган"},
	}
	for _, c := range cases {
		for _, format := range []string{"csv", "xlsx"} {
			t.Run(c.path+" "+c.who+" "+format, func(t *testing.T) {
				resp := f.do(t, c.who, "GET", c.path+"&format="+format, "", "")
				if resp.StatusCode != 200 || !strings.HasPrefix(resp.Header.Get("Content-Disposition"), "attachment") {
					t.Fatalf("got %d %q", resp.StatusCode, resp.Header.Get("Content-Disposition"))
				}
				body := []byte(readBody(t, resp))
				var rows [][]string
				if format == "csv" {
					var err error
					if rows, err = csv.NewReader(bytes.NewReader(body)).ReadAll(); err != nil {
						t.Fatal(err)
					}
				} else {
					x, err := excelize.OpenReader(bytes.NewReader(body))
					if err != nil {
						t.Fatal(err)
					}
					if rows, err = x.GetRows(x.GetSheetName(0)); err != nil {
						t.Fatal(err)
					}
				}
				if len(rows)-1 != c.rows {
					t.Errorf("got %d data rows, want %d: %q", len(rows)-1, c.rows, rows)
				}
				var all []string
				for _, r := range rows {
					all = append(all, strings.Join(r, "|"))
				}
				if !strings.Contains(strings.Join(all, "\n"), c.contains) {
					t.Errorf("%q not in the file: %q", c.contains, all)
				}
			})
		}
	}
}
