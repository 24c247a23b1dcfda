package web

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"mime/multipart"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/aldyn-kg/aldyn"
)

// Forms, after miniflux's ui/form: each entity has one form struct
// (bodyForm, planForm, measureForm, indicatorForm, meetingForm,
// decisionForm, questionForm, riskForm) whose fields method is the one
// field list: the names its HTML form, its JSON and its Validation use,
// each bound to the field of the domain value the form fills. readForm
// reads a posted form through that list, readJSON the API's JSON, and
// showForm shows a value back in its form; a value that cannot be parsed
// is a field error in aldyn.Validation, and the domain's Validate checks
// the rest when the store saves.

// formField is one editable field of an entity.
type formField interface {
	// read sets the field from the posted form; a value it cannot parse
	// is a field error in v.
	read(f url.Values, name string, v aldyn.Validation)
	// show puts the field's value into a form.
	show(f url.Values, name string)
	// decode sets the field from its JSON value.
	decode(raw json.RawMessage, name string, v aldyn.Validation) error
}

// formFields are an entity's fields by name.
type formFields map[string]formField

// entityForm is an entity's one form.
type entityForm interface{ fields() formFields }

// formFinisher is a form that completes its value once read (a default
// that neither the form nor the JSON need send).
type formFinisher interface{ finish() }

func finish(e entityForm) {
	if f, ok := e.(formFinisher); ok {
		f.finish()
	}
}

// readForm reads the posted form into e and returns the form to show
// again if saving fails; no form means the request itself was refused.
func readForm(r *http.Request, e entityForm) (url.Values, error) {
	if err := r.ParseForm(); err != nil {
		return nil, badParam("form")
	}
	return r.PostForm, readValues(r.PostForm, e)
}

// readValues reads a form already parsed (a multipart form read as it
// streams) into e.
func readValues(form url.Values, e entityForm) error {
	v := aldyn.Validation{}
	for name, f := range e.fields() {
		f.read(form, name, v)
	}
	finish(e)
	return v.Err()
}

// readJSON reads the API's JSON object into e, as strictly as decodeJSON
// decodes a struct: an unknown name or a value of the wrong type is
// refused, naming it; null and names left out keep the value as it is.
func readJSON(r *http.Request, e entityForm) error {
	j := jsonForm{fields: e.fields(), v: aldyn.Validation{}}
	if err := decodeJSON(r, &j); err != nil {
		return err
	}
	finish(e)
	return j.v.Err()
}

// showForm is the form that shows e's value.
func showForm(e entityForm) url.Values {
	form := url.Values{}
	for name, f := range e.fields() {
		f.show(form, name)
	}
	return form
}

type jsonForm struct {
	fields formFields
	v      aldyn.Validation
}

func (j *jsonForm) UnmarshalJSON(data []byte) error {
	var raw map[string]json.RawMessage
	if err := json.Unmarshal(data, &raw); err != nil {
		return err
	}
	names := make([]string, 0, len(raw))
	for name := range raw {
		names = append(names, name)
	}
	slices.Sort(names) // the same error for the same body
	for _, name := range names {
		f, ok := j.fields[name]
		if !ok {
			return fmt.Errorf("json: unknown field %q", name)
		}
		if string(bytes.TrimSpace(raw[name])) == "null" {
			continue
		}
		if err := f.decode(raw[name], name, j.v); err != nil {
			return err
		}
	}
	return nil
}

// decodeValue decodes a field's JSON value into p, naming the field in a
// type error.
func decodeValue(raw json.RawMessage, name string, p any) error {
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	err := dec.Decode(p)
	var typ *json.UnmarshalTypeError
	if errors.As(err, &typ) {
		typ.Field = strings.TrimSuffix(name+"."+typ.Field, ".")
	}
	return err
}

// decodeText decodes a field whose JSON is a string (a date, a time) and
// sets the field from it through set.
func decodeText(raw json.RawMessage, name string, set func(string)) error {
	var s string
	if err := decodeValue(raw, name, &s); err != nil {
		return err
	}
	set(s)
	return nil
}

// jsonValue is a field whose JSON is its Go value's.
type jsonValue struct{ p any }

func (j jsonValue) decode(raw json.RawMessage, name string, _ aldyn.Validation) error {
	return decodeValue(raw, name, j.p)
}

// posted is the trimmed value of name, and whether the form has it.
func posted(f url.Values, name string) (string, bool) {
	return strings.TrimSpace(f.Get(name)), f.Has(name)
}

// text is a line or a paragraph of text.
func text[T ~string](p *T) formField { return textField[T]{jsonValue{p}, p} }

type textField[T ~string] struct {
	jsonValue
	p *T
}

func (t textField[T]) read(f url.Values, name string, _ aldyn.Validation) {
	if f.Has(name) {
		*t.p = T(f.Get(name))
	}
}

func (t textField[T]) show(f url.Values, name string) { f.Set(name, string(*t.p)) }

// textFields are text fields by name, as aldyn.Body.Fields lists them.
func textFields(ps map[string]*string) formFields {
	out := formFields{}
	for name, p := range ps {
		out[name] = text(p)
	}
	return out
}

// lines is a list of lines: a text one item a line in a form (blank
// lines skipped), a list in JSON.
func lines(p *[]string) formField { return stringsField{jsonValue{p}, p, false} }

// stringsField is a list of strings in a form: the lines of one text
// (lines) or, repeated, one value per repetition of the field (choices).
// Blank items are skipped; in JSON it is an array of strings.
type stringsField struct {
	jsonValue
	p        *[]string
	repeated bool
}

func (l stringsField) read(f url.Values, name string, _ aldyn.Validation) {
	vs := f[name]
	if !l.repeated {
		vs = strings.Split(f.Get(name), "\n")
	}
	out := []string{}
	for _, v := range vs {
		if v = strings.TrimSpace(v); v != "" && !(l.repeated && slices.Contains(out, v)) {
			out = append(out, v)
		}
	}
	*l.p = out
}

func (l stringsField) show(f url.Values, name string) {
	if l.repeated {
		f[name] = slices.Clone(*l.p)
		return
	}
	f.Set(name, strings.Join(*l.p, "\n"))
}

// texts is a text in the three languages: name_ky, name_ru and name_en in
// a form, {"ky", "ru", "en"} in JSON.
func texts(p *aldyn.Text) formField { return textsField{jsonValue{p}, p} }

type textsField struct {
	jsonValue
	p *aldyn.Text
}

func (t textsField) langs() map[string]*string {
	return map[string]*string{"_ky": &t.p.KY, "_ru": &t.p.RU, "_en": &t.p.EN}
}

func (t textsField) read(f url.Values, name string, _ aldyn.Validation) {
	for suffix, p := range t.langs() {
		if f.Has(name + suffix) {
			*p = f.Get(name + suffix)
		}
	}
}

func (t textsField) show(f url.Values, name string) {
	for suffix, p := range t.langs() {
		f.Set(name+suffix, *p)
	}
}

// check is a checkbox: a form that does not send it turns it off.
func check(p *bool) formField { return checkField{jsonValue{p}, p} }

type checkField struct {
	jsonValue
	p *bool
}

func (c checkField) read(f url.Values, name string, _ aldyn.Validation) { *c.p = f.Get(name) != "" }

func (c checkField) show(f url.Values, name string) {
	if *c.p {
		f.Set(name, "1")
	}
}

// whole is a whole number (an id, a year); blank is zero, and a value
// that is not a number is the field error bad.
func whole[T int | int64](p *T, bad string) formField { return intField[T]{jsonValue{p}, p, bad} }

type intField[T int | int64] struct {
	jsonValue
	p   *T
	bad string
}

func (i intField[T]) read(f url.Values, name string, v aldyn.Validation) {
	s, ok := posted(f, name)
	if !ok {
		return
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if s != "" && err != nil {
		v.Add(name, i.bad)
	}
	*i.p = T(n)
}

func (i intField[T]) show(f url.Values, name string) { f.Set(name, strconv.FormatInt(int64(*i.p), 10)) }

// decimal is a number that may have a decimal point or comma.
func decimal(p *float64, bad string) formField { return floatField{jsonValue{p}, p, bad} }

type floatField struct {
	jsonValue
	p   *float64
	bad string
}

func (d floatField) read(f url.Values, name string, v aldyn.Validation) {
	s, ok := posted(f, name)
	if !ok || s == "" {
		return
	}
	x, err := strconv.ParseFloat(strings.ReplaceAll(s, ",", "."), 64)
	if err != nil {
		v.Add(name, d.bad)
	}
	*d.p = x
}

func (d floatField) show(f url.Values, name string) {
	f.Set(name, strconv.FormatFloat(*d.p, 'f', -1, 64))
}

// optional is a value that may be unset: blank unsets it; inner makes
// the field that reads and shows the value (in JSON, null unsets it).
func optional[T any](p **T, inner func(*T) formField) formField {
	return optionalField[T]{jsonValue{p}, p, inner}
}

type optionalField[T any] struct {
	jsonValue
	p     **T
	inner func(*T) formField
}

func (o optionalField[T]) read(f url.Values, name string, v aldyn.Validation) {
	s, ok := posted(f, name)
	if !ok {
		return
	}
	*o.p = nil
	if s != "" {
		var x T
		o.inner(&x).read(f, name, v)
		*o.p = &x
	}
}

func (o optionalField[T]) show(f url.Values, name string) {
	if *o.p != nil {
		o.inner(*o.p).show(f, name)
	}
}

// optionalDecimal is a number that may be unset.
func optionalDecimal(p **float64, bad string) formField {
	return optional(p, func(x *float64) formField { return decimal(x, bad) })
}

// optionalWhole is a whole number that may be unset.
func optionalWhole(p **int, bad string) formField {
	return optional(p, func(x *int) formField { return whole(x, bad) })
}

// ids is a set of ids, repeated values in a form (a multiple select,
// checkboxes): a form that sends none empties it.
func ids(p *[]int64, bad string) formField { return idsField{jsonValue{p}, p, bad} }

type idsField struct {
	jsonValue
	p   *[]int64
	bad string
}

func (s idsField) read(f url.Values, name string, v aldyn.Validation) {
	var out []int64
	for _, x := range f[name] {
		if x = strings.TrimSpace(x); x == "" {
			continue
		}
		id, err := strconv.ParseInt(x, 10, 64)
		if err != nil {
			v.Add(name, s.bad)
			continue
		}
		if !slices.Contains(out, id) {
			out = append(out, id)
		}
	}
	*s.p = out
}

func (s idsField) show(f url.Values, name string) {
	for _, id := range *s.p {
		f.Add(name, strconv.FormatInt(id, 10))
	}
}

// idSet is the set of ids a form's repeated values select.
func idSet(vs []string) map[int64]bool {
	out := map[int64]bool{}
	for _, v := range vs {
		if id, err := strconv.ParseInt(v, 10, 64); err == nil {
			out[id] = true
		}
	}
	return out
}

// listFilter reads a list page's filter for a caller guard admits, as
// writeList does for the API.
func listFilter[F any](r *http.Request, guard func(*http.Request) error, filter func(*http.Request) (F, error)) (F, error) {
	if err := guard(r); err != nil {
		var zero F
		return zero, err
	}
	return filter(r)
}

// formFile opens the file a form sends in its field name: nil when
// none was sent, for the form to ask for it again; a body over the size
// limit is the error it is (writeError answers it as too large).
func formFile(r *http.Request, name string) (multipart.File, *multipart.FileHeader, error) {
	file, hdr, err := r.FormFile(name)
	if err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return nil, nil, err
		}
		return nil, nil, nil
	}
	return file, hdr, nil
}

// optionalIDParam reads the query parameter name, an optional id, into *p; it
// leaves *p unset when the parameter is absent and refuses one that is not
// a number by name (beside the list filters' territoryParam, statusParam
// and dayRange in render.go).
func optionalIDParam(q url.Values, name string, p **int64) error {
	if v := q.Get(name); v != "" {
		id, err := strconv.ParseInt(v, 10, 64)
		if err != nil {
			return badParam(name)
		}
		*p = &id
	}
	return nil
}

// parseDay reads a YYYY-MM-DD day.
func parseDay(s string) (time.Time, bool) {
	t, err := time.Parse(time.DateOnly, strings.TrimSpace(s))
	return t, err == nil
}

// day is a date, YYYY-MM-DD in a form and in JSON; blank leaves it unset.
func day(p *time.Time, bad string) formField {
	return timeField{p, bad, parseDay, func(t time.Time) string { return t.Format(time.DateOnly) }}
}

// timeField is a moment written as text (a date, a deadline), read by
// parse and shown by format; blank leaves it unset, and text parse cannot
// read is the field error bad.
type timeField struct {
	p      *time.Time
	bad    string
	parse  func(string) (time.Time, bool)
	format func(time.Time) string
}

func (d timeField) set(s, name string, v aldyn.Validation) {
	if s = strings.TrimSpace(s); s == "" {
		return
	}
	t, ok := d.parse(s)
	if !ok {
		v.Add(name, d.bad)
	}
	*d.p = t
}

func (d timeField) read(f url.Values, name string, v aldyn.Validation) { d.set(f.Get(name), name, v) }

func (d timeField) show(f url.Values, name string) { f.Set(name, d.format(*d.p)) }

func (d timeField) decode(raw json.RawMessage, name string, v aldyn.Validation) error {
	return decodeText(raw, name, func(s string) { d.set(s, name, v) })
}

// optionalDay is a date that may be unset: blank unsets it.
func optionalDay(p **time.Time, bad string) formField { return optionalDayField{p, bad} }

type optionalDayField struct {
	p   **time.Time
	bad string
}

func (d optionalDayField) set(s *string, name string, v aldyn.Validation) {
	if s == nil || strings.TrimSpace(*s) == "" {
		*d.p = nil
		return
	}
	t, ok := parseDay(*s)
	if !ok {
		v.Add(name, d.bad)
	}
	*d.p = &t
}

func (d optionalDayField) read(f url.Values, name string, v aldyn.Validation) {
	if s, ok := posted(f, name); ok {
		d.set(&s, name, v)
	}
}

func (d optionalDayField) show(f url.Values, name string) {
	if *d.p != nil {
		f.Set(name, (*d.p).Format(time.DateOnly))
	}
}

func (d optionalDayField) decode(raw json.RawMessage, name string, v aldyn.Validation) error {
	return decodeText(raw, name, func(s string) { d.set(&s, name, v) })
}

// rows is a table of lines in a form, one repeated value per column
// (name_column), each line read and shown by the entity; a line left blank
// is skipped. In JSON it is an array of the lines' objects.
func rows[T any](p *[]T, columns []string, read func(cells map[string]string, v aldyn.Validation) (T, bool), show func(T) []string) formField {
	return rowsField[T]{jsonValue{p}, p, columns, read, show}
}

type rowsField[T any] struct {
	jsonValue
	p       *[]T
	columns []string
	parse   func(cells map[string]string, v aldyn.Validation) (T, bool)
	format  func(T) []string
}

func (t rowsField[T]) read(f url.Values, name string, v aldyn.Validation) {
	var out []T
	for _, line := range formTable(f, name, t.columns...) {
		cells, blank := map[string]string{}, true
		for i, c := range t.columns {
			cells[c] = strings.TrimSpace(line[i])
			blank = blank && cells[c] == ""
		}
		if blank {
			continue
		}
		if row, ok := t.parse(cells, v); ok {
			out = append(out, row)
		}
	}
	*t.p = out
}

func (t rowsField[T]) show(f url.Values, name string) {
	for _, row := range *t.p {
		for i, cell := range t.format(row) {
			f.Add(name+"_"+t.columns[i], cell)
		}
	}
}

// formTable is the table name in a form, as its form posts it: one line
// per value of the longest column, a cell for each column.
func formTable(f url.Values, name string, columns ...string) [][]string {
	n := 0
	for _, c := range columns {
		n = max(n, len(f[name+"_"+c]))
	}
	out := make([][]string, n)
	for i := range out {
		out[i] = make([]string, len(columns))
		for j, c := range columns {
			if vs := f[name+"_"+c]; i < len(vs) {
				out[i][j] = vs[i]
			}
		}
	}
	return out
}

// choices is a set of codes, repeated values in a form (checkboxes), each
// kept once: a form that sends none empties it. In JSON it is an array of
// strings.
func choices(p *[]string) formField { return stringsField{jsonValue{p}, p, true} }
