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
					// ky is the default language: Excel's semicolon dialect.
					r := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(body, []byte("\ufeff"))))
					r.Comma = ';'
					if rows, err = r.ReadAll(); err != nil {
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

// TestCSVSeparator: CSV downloads take the sep parameter; ky and ru get
// semicolons with codes kept as text, en and sep=comma plain RFC 4180,
// and an unknown sep is a clear error.
func TestCSVSeparator(t *testing.T) {
	f := mustFixture(t)
	for _, c := range []struct {
		query, sep string
		status     int
		code       string // the first data row's code cell, as written
	}{
		{"", ";", 200, `="`},
		{"&sep=semicolon", ";", 200, `="`},
		{"&sep=comma", ",", 200, ""},
		{"&sep=tab", "", 400, ""},
	} {
		t.Run(c.query, func(t *testing.T) {
			resp := f.do(t, anon, "GET", "/territories?level=region&format=csv"+c.query, "", "")
			body := readBody(t, resp)
			if resp.StatusCode != c.status {
				t.Fatalf("got %d, want %d: %.200s", resp.StatusCode, c.status, body)
			}
			if c.status != 200 {
				return
			}
			r := csv.NewReader(strings.NewReader(strings.TrimPrefix(body, "\ufeff")))
			r.Comma = rune(c.sep[0])
			rows, err := r.ReadAll()
			if err != nil || len(rows) < 2 || len(rows[0]) < 5 {
				t.Fatalf("not %q-separated: %v %.200s", c.sep, err, body)
			}
			// The SOATE code: ="41702000000000" for Excel, as is for programs.
			code := rows[1][0]
			if c.code != "" && !strings.HasPrefix(code, c.code) {
				t.Errorf("code %q is not kept as text", code)
			}
			if c.code == "" && strings.Contains(code, `="`) {
				t.Errorf("code %q: RFC 4180 CSV carries an Excel formula", code)
			}
		})
	}
}
