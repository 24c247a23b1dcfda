package surveyform

import (
	"errors"
	"fmt"
	"io"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/aldyn-kg/aldyn"
	"github.com/aldyn-kg/aldyn/internal/export"
	"github.com/aldyn-kg/aldyn/internal/workbook"
)

// The XLSForm sheets (https://xlsform.org): survey holds the questions,
// choices the answer lists, settings the form's title, id, version and
// default language.
const (
	SheetSurvey   = "survey"
	SheetChoices  = "choices"
	SheetSettings = "settings"
)

// Languages as XLSForm writes them in column headers (label::Kyrgyz (ky)).
var languageNames = map[string]string{"ky": "Kyrgyz (ky)", "ru": "Russian (ru)", "en": "English (en)"}

// TerritoryFile is the choice file a territory question selects from:
// select_one_from_file territories.csv, the territories' codes as names.
const TerritoryFile = "territories.csv"

// Limits of an uploaded XLSForm.
var xlsxLimits = workbook.Limits{File: 8 << 20, Unpacked: 64 << 20}

// maxRows bounds the rows of a sheet.
const maxRows = 5000

// CellError is one bad cell of an XLSForm: sheet, row (as Excel numbers
// it), column (the header as written) and the reason, a translation key.
type CellError struct {
	Sheet  string `json:"sheet"`
	Row    int    `json:"row"`
	Column string `json:"column"`
	Reason string `json:"reason"`
	Value  string `json:"value,omitempty"`
}

// Errors is every bad cell of a workbook; nothing of it is kept.
type Errors []CellError

func (e Errors) Error() string {
	return "xlsform: " + firstFive(e, func(c CellError) string {
		return fmt.Sprintf("%s row %d column %q: %s", c.Sheet, c.Row, c.Column, c.Reason)
	})
}

// firstFive joins the first five problems of a list and counts the rest.
func firstFive[T any](items []T, text func(T) string) string {
	var b strings.Builder
	for i, it := range items {
		if i == 5 {
			fmt.Fprintf(&b, "; and %d more", len(items)-5)
			break
		}
		if i > 0 {
			b.WriteString("; ")
		}
		b.WriteString(text(it))
	}
	return b.String()
}

// Unwrap makes the errors an EINVALID *aldyn.Error for callers that only
// know the domain error.
func (e Errors) Unwrap() error {
	return &aldyn.Error{Code: aldyn.EINVALID, Message: "surveyform.error.invalid", Args: map[string]any{"count": len(e)}}
}

// sheet is one sheet's rows with its header parsed.
type sheet struct {
	name string
	rows [][]string
	// col maps a canonical column (type, label::ky) to its index and the
	// header as written.
	col    map[string]int
	header []string
}

func (s *sheet) cell(row []string, key string) string {
	i, ok := s.col[key]
	if !ok || i >= len(row) {
		return ""
	}
	return strings.TrimSpace(row[i])
}

func (s *sheet) text(row []string, base, defaultLang string) aldyn.Text {
	t := aldyn.Text{KY: s.cell(row, base+"::ky"), RU: s.cell(row, base+"::ru"), EN: s.cell(row, base+"::en")}
	if plain := s.cell(row, base); plain != "" {
		switch defaultLang {
		case "ky":
			t.KY = cmpOr(t.KY, plain)
		case "ru":
			t.RU = cmpOr(t.RU, plain)
		default:
			t.EN = cmpOr(t.EN, plain)
		}
	}
	return t
}

func cmpOr(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

var langCode = regexp.MustCompile(`\(([A-Za-z]{2,3})(?:[-_][A-Za-z0-9]+)?\)\s*$`)

// languageOf finds the platform language a column's language part names:
// by its code in parentheses (Kyrgyz (ky)), else by its name.
func languageOf(s string) string {
	if m := langCode.FindStringSubmatch(s); m != nil {
		c := strings.ToLower(m[1])
		if c == "kg" || c == "kir" {
			c = "ky"
		}
		if aldyn.IsLanguage(c) {
			return c
		}
		return ""
	}
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "kyrgyz", "кыргызча", "кыргыз тили", "киргизский", "ky":
		return "ky"
	case "russian", "русский", "орусча", "ru":
		return "ru"
	case "english", "англисче", "английский", "en":
		return "en"
	}
	return ""
}

// canonical names a header: "label::Kyrgyz (ky)" → "label::ky", "List
// name" → "list_name"; ok is false for a language the platform does not
// have.
func canonical(h string) (string, bool) {
	h = strings.TrimSpace(h)
	base, lang, hasLang := strings.Cut(h, "::")
	base = strings.ReplaceAll(strings.ToLower(strings.TrimSpace(base)), " ", "_")
	if !hasLang {
		return base, true
	}
	l := languageOf(lang)
	if l == "" {
		return base + "::?", false
	}
	return base + "::" + l, true
}

func readSheet(rows [][]string, name string, errs *Errors) *sheet {
	s := &sheet{name: name, col: map[string]int{}}
	if len(rows) == 0 {
		return s
	}
	s.header = rows[0]
	for i, h := range rows[0] {
		if strings.TrimSpace(h) == "" {
			continue
		}
		key, ok := canonical(h)
		if !ok {
			*errs = append(*errs, CellError{Sheet: name, Row: 1, Column: h, Reason: "surveyform.error.language"})
			continue
		}
		if _, dup := s.col[key]; dup {
			*errs = append(*errs, CellError{Sheet: name, Row: 1, Column: h, Reason: "surveyform.error.duplicate_column"})
			continue
		}
		s.col[key] = i
	}
	s.rows = rows[1:]
	return s
}

func (s *sheet) headerOf(key string) string {
	if i, ok := s.col[key]; ok {
		return s.header[i]
	}
	return key
}

func (s *sheet) empty(row []string) bool {
	for _, c := range row {
		if strings.TrimSpace(c) != "" {
			return false
		}
	}
	return true
}

// Read reads a survey from an XLSForm workbook. Every bad cell is
// reported (Errors); then the definition is checked as Check checks it,
// problems mapped back to the cells they came from.
func Read(r io.Reader) (*aldyn.Survey, error) {
	f, err := workbook.Open(r, xlsxLimits)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	sheets := map[string][][]string{}
	for _, name := range f.GetSheetList() {
		key := strings.ToLower(strings.TrimSpace(name))
		if key != SheetSurvey && key != SheetChoices && key != SheetSettings {
			continue
		}
		rows, err := f.GetRows(name)
		if err != nil {
			return nil, aldyn.Errorf(aldyn.EINVALID, "import.error.xlsx", "detail", err.Error())
		}
		if len(rows) > maxRows+1 {
			return nil, Errors{{Sheet: name, Row: maxRows + 2, Reason: "surveyform.error.too_many_rows"}}
		}
		sheets[key] = rows
	}
	return parse(sheets)
}

type rowRef struct {
	sheet string
	row   int
}

func parse(sheets map[string][][]string) (*aldyn.Survey, error) {
	var errs Errors
	add := func(s *sheet, row int, key, reason, value string) {
		errs = append(errs, CellError{Sheet: s.name, Row: row, Column: s.headerOf(key), Reason: reason, Value: clip(value)})
	}
	if sheets[SheetSurvey] == nil {
		return nil, Errors{{Sheet: SheetSurvey, Row: 1, Reason: "surveyform.error.no_survey_sheet"}}
	}
	sv := &aldyn.Survey{Status: aldyn.SurveyDraft, OnePer: aldyn.OnePerNone, Version: 1}
	// Settings first: the default language says what plain label columns are in.
	defaultLang := "en"
	if rows := sheets[SheetSettings]; rows != nil {
		st := readSheet(rows, SheetSettings, &errs)
		for i, row := range st.rows {
			if st.empty(row) {
				continue
			}
			if dl := st.cell(row, "default_language"); dl != "" {
				if l := languageOf(dl); l != "" {
					defaultLang = l
				} else {
					add(st, i+2, "default_language", "surveyform.error.language", dl)
				}
			}
			sv.FormID = st.cell(row, "form_id")
			sv.Strata, sv.Clusters = st.cell(row, "strata"), st.cell(row, "cluster")
			sv.Title = st.text(row, "form_title", defaultLang)
			if v := st.cell(row, "version"); v != "" {
				if n, err := strconv.Atoi(v); err == nil && n > 0 {
					sv.Version = n
				}
			}
			break
		}
	}
	sheetFor := func(name string) *sheet {
		if rows := sheets[name]; rows != nil {
			return readSheet(rows, name, &errs)
		}
		return &sheet{name: name, col: map[string]int{}}
	}
	cs := sheetFor(SheetChoices)
	lists := map[string][]aldyn.SurveyChoice{}
	listKey := "list_name"
	if len(cs.rows) > 0 {
		if _, ok := cs.col[listKey]; !ok {
			add(cs, 1, listKey, "surveyform.error.missing_column", "")
		}
		for _, key := range []string{"name"} {
			if _, ok := cs.col[key]; !ok {
				add(cs, 1, key, "surveyform.error.missing_column", "")
			}
		}
	}
	for i, row := range cs.rows {
		if cs.empty(row) {
			continue
		}
		n := i + 2
		list, name := cs.cell(row, listKey), cs.cell(row, "name")
		label := cs.text(row, "label", defaultLang)
		switch {
		case list == "":
			add(cs, n, listKey, "surveyform.error.required", "")
		case name == "":
			add(cs, n, "name", "surveyform.error.required", "")
		case strings.ContainsAny(name, " \t"):
			add(cs, n, "name", "surveyform.error.choice_name", name)
		case slices.ContainsFunc(lists[list], func(c aldyn.SurveyChoice) bool { return c.Name == name }):
			add(cs, n, "name", "surveyform.error.duplicate_choice", name)
		case label.IsZero():
			add(cs, n, "label", "surveyform.error.required", "")
		default:
			lists[list] = append(lists[list], aldyn.SurveyChoice{Name: name, Label: label})
		}
	}

	ss := sheetFor(SheetSurvey)
	for _, key := range []string{"type", "name"} {
		if _, ok := ss.col[key]; !ok {
			add(ss, 1, key, "surveyform.error.missing_column", "")
		}
	}
	if len(errs) > 0 {
		return nil, errs
	}
	// where remembers each question's and section's row for later checks.
	where := map[string]int{}
	type group struct {
		name     string
		label    aldyn.Text
		relevant string
	}
	var stack []group
	used := map[string]bool{}
	for i, row := range ss.rows {
		if ss.empty(row) {
			continue
		}
		n := i + 2
		typ := strings.Join(strings.Fields(ss.cell(row, "type")), " ")
		name := ss.cell(row, "name")
		label := ss.text(row, "label", defaultLang)
		relevant := ss.cell(row, "relevant")
		kind, arg, _ := strings.Cut(typ, " ")
		switch lower := strings.ToLower(typ); lower {
		case "begin group", "begin_group":
			kind = lower
		case "end group", "end_group":
			kind = lower
		}
		switch strings.ToLower(kind) {
		case "begin group", "begin_group":
			if name == "" {
				add(ss, n, "name", "surveyform.error.required", "")
				continue
			}
			if len(stack) > 0 && stack[len(stack)-1].relevant != "" {
				if relevant == "" {
					relevant = stack[len(stack)-1].relevant
				} else {
					relevant = "(" + stack[len(stack)-1].relevant + ") and (" + relevant + ")"
				}
			}
			stack = append(stack, group{name, label, relevant})
			where[name] = n
			sv.Sections = append(sv.Sections, aldyn.SurveySection{Name: name, Label: label, Relevant: relevant})
			continue
		case "end group", "end_group":
			if len(stack) == 0 {
				add(ss, n, "type", "surveyform.error.end_group", typ)
				continue
			}
			stack = stack[:len(stack)-1]
			continue
		case "note", "start", "end", "today", "deviceid", "calculate", "audit":
			continue // shown or computed, not asked
		case "username", "phonenumber", "email", "subscriberid", "simserial":
			add(ss, n, "type", "surveyform.error.personal_metadata", typ)
			continue
		}
		q := aldyn.SurveyQuestion{Name: name, Label: label, Hint: ss.text(row, "hint", defaultLang), Relevant: relevant}
		if len(stack) > 0 {
			q.Section = stack[len(stack)-1].name
		}
		appearance := strings.ToLower(ss.cell(row, "appearance"))
		switch strings.ToLower(kind) {
		case "select_one", "select_multiple":
			list := strings.Fields(arg)
			if len(list) != 1 {
				add(ss, n, "type", "surveyform.error.type", typ)
				continue
			}
			q.ListName = list[0]
			q.Type = aldyn.QuestionSingle
			if strings.ToLower(kind) == "select_multiple" {
				q.Type = aldyn.QuestionMultiple
			} else if strings.Contains(appearance, "likert") {
				q.Type = aldyn.QuestionLikert
			}
			cs, ok := lists[q.ListName]
			if !ok {
				add(ss, n, "type", "surveyform.error.unknown_list", q.ListName)
				continue
			}
			used[q.ListName] = true
			q.Choices = cs
		case "select_one_from_file":
			if arg != TerritoryFile {
				add(ss, n, "type", "surveyform.error.choice_file", arg)
				continue
			}
			q.Type = aldyn.QuestionTerritory
		case "integer", "decimal", "date", "text":
			q.Type = aldyn.QuestionType(strings.ToLower(kind))
		default:
			add(ss, n, "type", "surveyform.error.type", typ)
			continue
		}
		switch strings.ToLower(ss.cell(row, "required")) {
		case "yes", "true", "true()", "1":
			q.Required = true
		case "", "no", "false", "false()", "0":
		default:
			add(ss, n, "required", "surveyform.error.required_value", ss.cell(row, "required"))
		}
		where[name] = n
		sv.Questions = append(sv.Questions, q)
	}
	if len(stack) > 0 {
		add(ss, len(ss.rows)+1, "type", "surveyform.error.unclosed_group", stack[len(stack)-1].name)
	}
	if len(errs) > 0 {
		return nil, errs
	}
	if sv.FormID == "" && len(sv.Questions) > 0 {
		sv.FormID = "survey"
	}
	sv.Slug = slugOf(sv.FormID)
	if sv.Title.IsZero() {
		sv.Title = aldyn.Text{EN: sv.FormID}
	}
	if err := Check(sv); err != nil {
		return nil, locate(err, ss, where, sv)
	}
	return sv, nil
}

// locate maps problems Check found (fields such as questions.3.label) to
// the cells of the survey sheet they came from.
func locate(err error, ss *sheet, where map[string]int, sv *aldyn.Survey) error {
	var e *aldyn.Error
	if !errors.As(err, &e) || len(e.Fields) == 0 {
		return err
	}
	fields := e.Fields
	var errs Errors
	for field, reason := range fields {
		parts := strings.Split(field, ".")
		row, col := 1, ""
		if len(parts) >= 3 && (parts[0] == "questions" || parts[0] == "sections") {
			i, _ := strconv.Atoi(parts[1])
			name := ""
			if parts[0] == "questions" && i >= 1 && i <= len(sv.Questions) {
				name = sv.Questions[i-1].Name
			} else if parts[0] == "sections" && i >= 1 && i <= len(sv.Sections) {
				name = sv.Sections[i-1].Name
			}
			row = where[name]
			col = strings.Join(parts[2:], ".")
			if col == "label" || col == "hint" {
				col = firstLanguageColumn(ss, col)
			}
			if col == "choices" {
				col = "type"
			}
			// A language that came from the plain column (the default
			// language) is reported there.
			if base, _, ok := strings.Cut(col, "::"); ok {
				if _, has := ss.col[col]; !has {
					col = base
				}
			}
		} else {
			col = parts[0]
		}
		errs = append(errs, CellError{Sheet: SheetSurvey, Row: row, Column: ss.headerOf(col), Reason: reason})
	}
	slices.SortFunc(errs, func(a, b CellError) int {
		if a.Row != b.Row {
			return a.Row - b.Row
		}
		return strings.Compare(a.Column, b.Column)
	})
	return errs
}

func firstLanguageColumn(ss *sheet, base string) string {
	if _, ok := ss.col[base]; ok {
		return base
	}
	for _, l := range aldyn.Languages {
		if _, ok := ss.col[base+"::"+l]; ok {
			return base + "::" + l
		}
	}
	return base
}

var slugChars = regexp.MustCompile(`[^a-z0-9]+`)

func slugOf(id string) string {
	s := strings.Trim(slugChars.ReplaceAllString(strings.ToLower(id), "-"), "-")
	if len(s) > 60 {
		s = strings.Trim(s[:60], "-")
	}
	if len(s) < 2 {
		s = "survey-" + s
	}
	return s
}

func clip(s string) string {
	if r := []rune(s); len(r) > 80 {
		return string(r[:80]) + "…"
	}
	return s
}

// Write writes the survey as an XLSForm workbook: the survey, choices and
// settings sheets, labels and hints in label::Kyrgyz (ky), label::Russian
// (ru) and label::English (en) columns.
func Write(w io.Writer, sv *aldyn.Survey) error {
	langCols := func(base string) []export.Column {
		var cols []export.Column
		for _, l := range aldyn.Languages {
			cols = append(cols, export.Column{Key: base + "::" + l, Label: base + "::" + languageNames[l]})
		}
		return cols
	}
	texts := func(t aldyn.Text) []any { return []any{t.KY, t.RU, t.EN} } // in the order of aldyn.Languages
	survey := &export.Table{Title: SheetSurvey, Columns: slices.Concat(
		[]export.Column{{Key: "type", Label: "type"}, {Key: "name", Label: "name"}},
		langCols("label"), langCols("hint"),
		[]export.Column{{Key: "required", Label: "required"}, {Key: "relevant", Label: "relevant"}, {Key: "appearance", Label: "appearance"}})}
	choices := &export.Table{Title: SheetChoices, Columns: slices.Concat(
		[]export.Column{{Key: "list_name", Label: "list_name"}, {Key: "name", Label: "name"}}, langCols("label"))}
	written := map[string]bool{}
	section := ""
	closeSection := func() {
		if section != "" {
			survey.Rows = append(survey.Rows, []any{"end_group", section})
			section = ""
		}
	}
	sections := map[string]aldyn.SurveySection{}
	for _, s := range sv.Sections {
		sections[s.Name] = s
	}
	for _, q := range sv.Questions {
		if q.Section != section {
			closeSection()
			if q.Section != "" {
				s := sections[q.Section]
				survey.Rows = append(survey.Rows, slices.Concat([]any{"begin_group", s.Name}, texts(s.Label),
					[]any{"", "", ""}, []any{"", s.Relevant, ""}))
				section = q.Section
			}
		}
		typ, appearance := string(q.Type), ""
		switch q.Type {
		case aldyn.QuestionSingle:
			typ = "select_one " + listName(q)
		case aldyn.QuestionLikert:
			typ, appearance = "select_one "+listName(q), "likert"
		case aldyn.QuestionMultiple:
			typ = "select_multiple " + listName(q)
		case aldyn.QuestionTerritory:
			typ = "select_one_from_file " + TerritoryFile
		}
		required := ""
		if q.Required {
			required = "yes"
		}
		survey.Rows = append(survey.Rows, slices.Concat([]any{typ, q.Name}, texts(q.Label), texts(q.Hint),
			[]any{required, q.Relevant, appearance}))
		if q.Type.HasChoices() && !written[listName(q)] {
			written[listName(q)] = true
			for _, c := range q.Choices {
				choices.Rows = append(choices.Rows, slices.Concat([]any{listName(q), c.Name}, texts(c.Label)))
			}
		}
	}
	closeSection()
	settings := &export.Table{Title: SheetSettings, Columns: slices.Concat(
		[]export.Column{{Key: "form_title", Label: "form_title"}, {Key: "form_id", Label: "form_id"},
			{Key: "version", Label: "version"}, {Key: "default_language", Label: "default_language"},
			{Key: "strata", Label: "strata"}, {Key: "cluster", Label: "cluster"}},
		langCols("form_title"))}
	// The plain form_title is in the default language: the first that has
	// the title.
	lang := "ky"
	for i, t := range texts(sv.Title) {
		if t != "" {
			lang = aldyn.Languages[i]
			break
		}
	}
	settings.Rows = [][]any{slices.Concat([]any{sv.Title.In(lang), sv.FormID, strconv.Itoa(sv.Version), languageNames[lang], sv.Strata, sv.Clusters}, texts(sv.Title))}
	return export.WriteWorkbook(w, survey, choices, settings)
}

// listName is the choice list a question's choices are written under: its
// own name from the XLSForm it came from, else the question's name.
func listName(q aldyn.SurveyQuestion) string {
	if q.ListName != "" {
		return q.ListName
	}
	return q.Name
}
